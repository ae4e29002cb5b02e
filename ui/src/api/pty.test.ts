import { describe, expect, it } from "vitest";
import { ManualClock } from "../testing/fakes";
import { parseControlFrame, PtyStream, type PtyState, type SocketLike } from "./pty";

class FakeSocket implements SocketLike {
  binaryType: BinaryType = "blob";
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  sent: string[] = [];
  closed = false;

  constructor(readonly cursor: number) {}

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.closed = true;
  }

  text(data: string): void {
    this.onmessage?.(new MessageEvent("message", { data }));
  }

  control(cursor: number): void {
    const json = new TextEncoder().encode(JSON.stringify({ cursor }));
    const frame = new Uint8Array(json.length + 1);
    frame.set(json, 1);
    this.onmessage?.(new MessageEvent("message", { data: frame.buffer }));
  }

  drop(code = 1006): void {
    this.onclose?.({ code } as CloseEvent);
  }
}

function setup(exists?: () => Promise<boolean>) {
  const clock = new ManualClock();
  const sockets: FakeSocket[] = [];
  const output: string[] = [];
  const states: PtyState[] = [];
  const stream = new PtyStream({
    open: (cursor) => {
      const socket = new FakeSocket(cursor);
      sockets.push(socket);
      return socket;
    },
    onOutput: (text) => output.push(text),
    onState: (state) => states.push(state),
    clock,
    random: () => 0,
    ...(exists ? { exists } : {}),
  });
  return { clock, sockets, output, states, stream };
}

describe("parseControlFrame", () => {
  it("reads the cursor of 0x00 + JSON and nothing else", () => {
    const frame = new Uint8Array([0, ...new TextEncoder().encode('{"cursor":41}')]);
    expect(parseControlFrame(frame)).toBe(41);
    expect(parseControlFrame(new Uint8Array([1, 2, 3]))).toBeNull();
    expect(parseControlFrame(new Uint8Array([0, 120]))).toBeNull();
  });
});

describe("PtyStream", () => {
  it("reconnects after a drop from the cursor, so output is neither lost nor repeated", () => {
    const { clock, sockets, output, stream } = setup();
    stream.start();
    expect(sockets[0]!.cursor).toBe(0);
    sockets[0]!.control(0);
    sockets[0]!.text("$ ");
    sockets[0]!.text("echo 😀\r\n");
    expect(stream.cursor).toBe(2 + "echo 😀\r\n".length);
    sockets[0]!.drop();
    expect(stream.state.status).toBe("reconnecting");
    clock.advance(500);
    expect(sockets[1]!.cursor).toBe(stream.cursor);
    // The server replays what came after the cursor, then says where it is.
    sockets[1]!.text("😀\r\n$ ");
    sockets[1]!.control(stream.cursor);
    sockets[1]!.text("more");
    expect(output.join("")).toBe("$ echo 😀\r\n😀\r\n$ more");
    expect(stream.state.status).toBe("connected");
  });

  it("keeps keystrokes typed while reconnecting and sends them once back", () => {
    const { clock, sockets, stream } = setup();
    stream.start();
    sockets[0]!.control(0);
    stream.send("a");
    expect(sockets[0]!.sent).toEqual(["a"]);
    sockets[0]!.drop();
    stream.send("b");
    clock.advance(500);
    expect(sockets[1]!.sent).toEqual([]);
    sockets[1]!.control(0);
    expect(sockets[1]!.sent).toEqual(["b"]);
  });

  it("ends on close code 4404 without retrying", () => {
    const { clock, sockets, stream } = setup();
    stream.start();
    sockets[0]!.control(0);
    sockets[0]!.drop(4404);
    expect(stream.state).toEqual({ status: "ended", reason: "The terminal has ended." });
    clock.advance(60_000);
    expect(sockets).toHaveLength(1);
  });

  it("ends when a failed attempt finds the terminal gone", async () => {
    const { clock, sockets, stream } = setup(async () => false);
    stream.start();
    sockets[0]!.drop();
    await Promise.resolve();
    await Promise.resolve();
    expect(stream.state.status).toBe("ended");
    clock.advance(60_000);
    expect(sockets).toHaveLength(1);
  });

  it("stops for good", () => {
    const { clock, sockets, stream } = setup();
    stream.start();
    stream.stop();
    expect(sockets[0]!.closed).toBe(true);
    clock.advance(60_000);
    expect(sockets).toHaveLength(1);
    expect(stream.state.status).toBe("closed");
  });
});
