/**
 * Checks the health of every listed server on its own schedule.
 *
 * Each server has its own loop: check, then wait `intervalMs` before the next check,
 * so a slow server never delays the others and checks of one server never pile up.
 * While the page is hidden nothing is scheduled; when it returns every server is
 * checked at once.
 */

import { SYSTEM_CLOCK, type Clock } from "./clock";

export const HEALTH_INTERVAL_MS = 10_000;

export interface HealthMonitorOptions<R> {
  /** Check one server; resolve with the result (failures are results too). */
  check: (url: string, signal: AbortSignal) => Promise<R>;
  onResult: (url: string, result: R) => void;
  intervalMs?: number;
  clock?: Clock;
}

interface Loop {
  timer: unknown;
  inflight: AbortController | null;
}

export class HealthMonitor<R> {
  private readonly loops = new Map<string, Loop>();
  private readonly check: (url: string, signal: AbortSignal) => Promise<R>;
  private readonly onResult: (url: string, result: R) => void;
  private readonly intervalMs: number;
  private readonly clock: Clock;
  private paused = false;

  constructor(options: HealthMonitorOptions<R>) {
    this.check = options.check;
    this.onResult = options.onResult;
    this.intervalMs = options.intervalMs ?? HEALTH_INTERVAL_MS;
    this.clock = options.clock ?? SYSTEM_CLOCK;
  }

  /** The servers to watch: new ones are checked at once, missing ones are dropped. */
  setTargets(urls: readonly string[]): void {
    const wanted = new Set(urls);
    for (const url of [...this.loops.keys()]) {
      if (!wanted.has(url)) this.drop(url);
    }
    for (const url of wanted) {
      if (!this.loops.has(url)) {
        this.loops.set(url, { timer: null, inflight: null });
        if (!this.paused) this.run(url);
      }
    }
  }

  get targets(): string[] {
    return [...this.loops.keys()];
  }

  /** Stop scheduling checks (the page is hidden). A check under way still reports. */
  pause(): void {
    this.paused = true;
    for (const loop of this.loops.values()) this.clearTimer(loop);
  }

  /** Check every server now and resume the schedule (the page is visible again). */
  resume(): void {
    this.paused = false;
    for (const url of this.loops.keys()) this.checkNow(url);
  }

  /** Check one server now, unless a check of it is already under way. */
  checkNow(url: string): void {
    const loop = this.loops.get(url);
    if (loop === undefined || loop.inflight !== null) return;
    this.clearTimer(loop);
    this.run(url);
  }

  dispose(): void {
    for (const url of [...this.loops.keys()]) this.drop(url);
  }

  private run(url: string): void {
    const loop = this.loops.get(url);
    if (loop === undefined) return;
    const controller = new AbortController();
    loop.inflight = controller;
    this.check(url, controller.signal).then(
      (result) => this.finish(url, controller, result),
      () => this.finish(url, controller, null),
    );
  }

  private finish(url: string, controller: AbortController, result: R | null): void {
    const loop = this.loops.get(url);
    if (loop === undefined || loop.inflight !== controller) return;
    loop.inflight = null;
    if (result !== null) this.onResult(url, result);
    if (!this.paused) {
      this.clearTimer(loop);
      loop.timer = this.clock.setTimeout(() => {
        loop.timer = null;
        this.run(url);
      }, this.intervalMs);
    }
  }

  private drop(url: string): void {
    const loop = this.loops.get(url);
    if (loop === undefined) return;
    this.clearTimer(loop);
    loop.inflight?.abort();
    this.loops.delete(url);
  }

  private clearTimer(loop: Loop): void {
    if (loop.timer !== null) {
      this.clock.clearTimeout(loop.timer);
      loop.timer = null;
    }
  }
}
