/**
 * The server's event stream (`GET /event` through the proxy), kept alive.
 *
 * OpenCode sends `server.connected` first and then a `server.heartbeat` about every
 * 10 s. A stream that stays silent for 15 s, or breaks, is closed and reopened with
 * exponential backoff. Events sent while the stream was down are lost, so after every
 * reconnect the stream asks its listeners to re-fetch what they show (`onResync`).
 */

import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from "../lib/backoff";
import { SYSTEM_CLOCK, type Clock } from "../lib/clock";
import { EVENT_CONNECTED, type ServerEvent } from "./types";

export const HEARTBEAT_TIMEOUT_MS = 15_000;

export type StreamState =
  | { status: "connecting"; attempt: number }
  | { status: "connected"; since: number }
  | { status: "reconnecting"; attempt: number; retryAt: number; reason: "error" | "silent" }
  | { status: "closed" };

/** What the stream needs of an EventSource; the browser's own is the default. */
export interface EventSourceLike {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent<string>) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(): void;
}

export interface EventStreamOptions {
  /** Relative URL of the stream, the target in its query. */
  url: string;
  open?: (url: string) => EventSourceLike;
  heartbeatTimeoutMs?: number;
  backoff?: BackoffOptions;
  clock?: Clock;
  random?: () => number;
}

type Listener<T> = (value: T) => void;

/** One kept-alive event stream. Create it, `start()` it, `stop()` it when done. */
export class EventStream {
  private readonly url: string;
  private readonly open: (url: string) => EventSourceLike;
  private readonly heartbeatTimeoutMs: number;
  private readonly backoff: BackoffOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private source: EventSourceLike | null = null;
  private watchdog: unknown = null;
  private retryTimer: unknown = null;
  /** Failed attempts since the last stream that delivered an event. */
  private failures = 0;
  /** Whether a stream ever delivered events: a later one is a reconnect. */
  private everConnected = false;
  private stopped = true;
  private current: StreamState = { status: "closed" };
  private lastEvent = 0;
  private readonly eventListeners = new Set<Listener<ServerEvent>>();
  private readonly stateListeners = new Set<Listener<StreamState>>();
  private readonly resyncListeners = new Set<Listener<void>>();

  constructor(options: EventStreamOptions) {
    this.url = options.url;
    this.open = options.open ?? ((url) => new EventSource(url) as EventSourceLike);
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.random = options.random ?? Math.random;
  }

  get state(): StreamState {
    return this.current;
  }

  /** When the last event (a heartbeat, say) arrived, as clock time; 0 before any. */
  get lastEventAt(): number {
    return this.lastEvent;
  }

  /** Listen to every event; returns the function that stops listening. */
  onEvent(listener: Listener<ServerEvent>): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onState(listener: Listener<StreamState>): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called after a reconnect: re-fetch whatever events would have updated. */
  onResync(listener: Listener<void>): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Close the stream for good; no more events, states or retries. */
  stop(): void {
    this.stopped = true;
    this.teardown();
    this.clearRetry();
    this.setState({ status: "closed" });
  }

  /** Skip the wait of a pending retry (e.g. when the tab comes back or the network returns). */
  retryNow(): void {
    if (this.stopped || this.current.status !== "reconnecting") return;
    this.clearRetry();
    this.connect();
  }

  private connect(): void {
    this.teardown();
    this.setState({ status: "connecting", attempt: this.failures });
    const source = this.open(this.url);
    this.source = source;
    let delivered = false;
    source.onopen = () => {
      if (this.source !== source) return;
      this.armWatchdog();
    };
    source.onmessage = (message) => {
      if (this.source !== source) return;
      this.armWatchdog();
      const now = this.clock.now();
      if (!delivered) {
        delivered = true;
        this.failures = 0;
        const reconnected = this.everConnected;
        this.everConnected = true;
        this.setState({ status: "connected", since: now });
        if (reconnected) this.emit(this.resyncListeners, undefined);
      }
      this.lastEvent = now;
      const event = parseEvent(message.data);
      if (event !== null && event.type !== EVENT_CONNECTED) this.emit(this.eventListeners, event);
    };
    source.onerror = () => {
      if (this.source !== source) return;
      // The browser would retry on its own, without backoff or a heartbeat watch: take over.
      this.scheduleRetry("error");
    };
    this.armWatchdog();
  }

  private scheduleRetry(reason: "error" | "silent"): void {
    this.teardown();
    if (this.stopped) return;
    const delay = backoffDelay(this.failures, this.backoff, this.random);
    this.failures += 1;
    this.setState({
      status: "reconnecting",
      attempt: this.failures,
      retryAt: this.clock.now() + delay,
      reason,
    });
    this.clearRetry();
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private armWatchdog(): void {
    if (this.watchdog !== null) this.clock.clearTimeout(this.watchdog);
    this.watchdog = this.clock.setTimeout(() => {
      this.watchdog = null;
      this.scheduleRetry("silent");
    }, this.heartbeatTimeoutMs);
  }

  private teardown(): void {
    if (this.watchdog !== null) {
      this.clock.clearTimeout(this.watchdog);
      this.watchdog = null;
    }
    const source = this.source;
    this.source = null;
    if (source !== null) {
      source.onopen = source.onmessage = source.onerror = null;
      source.close();
    }
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) {
      this.clock.clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
  }

  private setState(state: StreamState): void {
    this.current = state;
    this.emit(this.stateListeners, state);
  }

  private emit<T>(listeners: Set<Listener<T>>, value: T): void {
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch (error) {
        // One broken listener must not starve the others or kill the stream.
        console.error("event listener failed", error);
      }
    }
  }
}

/** Parse one `data:` payload; null when it is not an OpenCode event. */
export function parseEvent(data: string): ServerEvent | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== "object" || value === null) return null;
    const record = value as Record<string, unknown>;
    if (typeof record.type !== "string") return null;
    const properties =
      typeof record.properties === "object" && record.properties !== null
        ? (record.properties as Record<string, unknown>)
        : {};
    return {
      type: record.type,
      properties,
      ...(typeof record.id === "string" ? { id: record.id } : {}),
    };
  } catch {
    return null;
  }
}
