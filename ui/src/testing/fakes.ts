/** Test doubles: a manual clock and an EventSource the test drives by hand. */

import type { EventSourceLike } from "../api/events";
import type { Clock } from "../lib/clock";

interface Timer {
  at: number;
  callback: () => void;
}

/** A clock whose time moves only when the test says so. */
export class ManualClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Move time forward, firing due timers in order (including ones they set). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let nextId: number | null = null;
      let next: Timer | null = null;
      for (const [id, timer] of this.timers) {
        if (timer.at <= end && (next === null || timer.at < next.at)) {
          nextId = id;
          next = timer;
        }
      }
      if (next === null || nextId === null) break;
      this.timers.delete(nextId);
      this.time = next.at;
      next.callback();
    }
    this.time = end;
  }
}

/** An EventSource the test opens, feeds and breaks. */
export class FakeEventSource implements EventSourceLike {
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent<string>) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;

  constructor(readonly url: string) {}

  close(): void {
    this.closed = true;
  }

  /** The server accepted the stream and sent `server.connected`. */
  accept(): void {
    this.onopen?.(new Event("open"));
    this.send({ type: "server.connected", properties: {} });
  }

  send(event: unknown): void {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(event) }));
  }

  heartbeat(): void {
    this.send({ type: "server.heartbeat", properties: {} });
  }

  fail(): void {
    this.onerror?.(new Event("error"));
  }
}
