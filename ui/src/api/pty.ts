/**
 * One terminal's websocket (`GET /pty/{id}/connect?cursor=N` through the proxy), kept
 * alive across drops without losing or repeating output.
 *
 * The server first replays its output from the requested cursor, then sends one binary
 * frame, byte 0x00 followed by `{"cursor": N}` (the offset, in UTF-16 code units, of
 * everything it has sent so far), then live output as text frames. The stream counts
 * what it received, so after a drop it asks for exactly what it missed. A closed
 * terminal ends the socket with code 4404.
 */

import { backoffDelay, type BackoffOptions } from "../lib/backoff";
import { SYSTEM_CLOCK, type Clock } from "../lib/clock";

export const PTY_GONE = 4404;

/** Terminal reconnects start fast: output is waiting, and the user is typing. */
export const PTY_BACKOFF: BackoffOptions = {
  initialMs: 500,
  maxMs: 10_000,
  factor: 2,
  jitter: 0.2,
};

export type PtyState =
  | { status: "connecting" }
  | { status: "connected" }
  | { status: "reconnecting"; attempt: number; retryAt: number }
  | { status: "ended"; reason: string }
  | { status: "closed" };

/** What the stream needs of a WebSocket; the browser's own fits. */
export interface SocketLike {
  binaryType: BinaryType;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface PtyStreamOptions {
  /** Open the websocket, asking for output from `cursor` on. */
  open: (cursor: number) => SocketLike;
  /** Output for the screen, in order, each piece once. */
  onOutput: (text: string) => void;
  onState?: (state: PtyState) => void;
  /** After a failed attempt: does the terminal still exist? (false ends the stream) */
  exists?: () => Promise<boolean>;
  backoff?: BackoffOptions;
  clock?: Clock;
  random?: () => number;
}

/** The cursor in a control frame (0x00 + JSON), or null when it is not one. */
export function parseControlFrame(data: ArrayBuffer | Uint8Array): number | null {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < 2 || bytes[0] !== 0) return null;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(1)));
    if (typeof value === "object" && value !== null) {
      const cursor = (value as { cursor?: unknown }).cursor;
      if (typeof cursor === "number" && Number.isFinite(cursor) && cursor >= 0) return cursor;
    }
  } catch {
    // Not JSON: not a control frame.
  }
  return null;
}

export class PtyStream {
  private readonly options: PtyStreamOptions;
  private readonly clock: Clock;
  private socket: SocketLike | null = null;
  private retryTimer: unknown = null;
  private failures = 0;
  private stopped = false;
  private pending: string[] = [];
  private current: PtyState = { status: "closed" };
  /** How much output has been received, in UTF-16 code units, like the server counts. */
  cursor = 0;

  constructor(options: PtyStreamOptions) {
    this.options = options;
    this.clock = options.clock ?? SYSTEM_CLOCK;
  }

  get state(): PtyState {
    return this.current;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Keystrokes; kept while reconnecting and sent once the socket is back. */
  send(data: string): void {
    if (this.current.status === "connected" && this.socket) this.socket.send(data);
    else if (this.current.status !== "ended" && this.current.status !== "closed") {
      this.pending.push(data);
    }
  }

  /** Close for good (the terminal itself is deleted by the caller). */
  stop(): void {
    this.stopped = true;
    this.clearRetry();
    this.teardown();
    this.pending = [];
    this.setState({ status: "closed" });
  }

  /** Skip the wait of a pending reconnect. */
  retryNow(): void {
    if (this.stopped || this.current.status !== "reconnecting") return;
    this.clearRetry();
    this.connect();
  }

  private connect(): void {
    this.teardown();
    this.setState(
      this.failures === 0 && this.cursor === 0
        ? { status: "connecting" }
        : { status: "reconnecting", attempt: this.failures, retryAt: this.clock.now() },
    );
    let socket: SocketLike;
    try {
      socket = this.options.open(this.cursor);
    } catch {
      this.scheduleRetry(false);
      return;
    }
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    let synced = false;
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      const data: unknown = event.data;
      if (typeof data === "string") {
        this.cursor += data.length;
        this.options.onOutput(data);
        return;
      }
      if (data instanceof ArrayBuffer) {
        const cursor = parseControlFrame(data);
        if (cursor === null) return;
        this.cursor = cursor;
        if (!synced) {
          synced = true;
          this.failures = 0;
          this.setState({ status: "connected" });
          for (const keys of this.pending.splice(0)) socket.send(keys);
        }
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      if (event.code === PTY_GONE) {
        this.end("The terminal has ended.");
        return;
      }
      this.scheduleRetry(!synced);
    };
    socket.onerror = () => {
      // A close event follows; it decides what happens next.
    };
  }

  private scheduleRetry(failedToConnect: boolean): void {
    if (this.stopped) return;
    const delay = backoffDelay(
      this.failures,
      this.options.backoff ?? PTY_BACKOFF,
      this.options.random,
    );
    this.failures += 1;
    this.setState({
      status: "reconnecting",
      attempt: this.failures,
      retryAt: this.clock.now() + delay,
    });
    this.clearRetry();
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
    if (failedToConnect && this.options.exists) {
      // The proxy cannot tell a websocket why it refused; ask whether the terminal is gone.
      this.options.exists().then(
        (exists) => {
          if (!exists && !this.stopped) this.end("The terminal no longer exists on the server.");
        },
        () => {},
      );
    }
  }

  private end(reason: string): void {
    this.clearRetry();
    this.teardown();
    this.pending = [];
    this.setState({ status: "ended", reason });
  }

  private teardown(): void {
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try {
        socket.close(1000, "closed by the user");
      } catch {
        // Already closed.
      }
    }
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) {
      this.clock.clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
  }

  private setState(state: PtyState): void {
    this.current = state;
    this.options.onState?.(state);
  }
}
