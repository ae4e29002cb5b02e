import { beforeEach, describe, expect, it } from "vitest";
import { FakeEventSource, ManualClock } from "../testing/fakes";
import { EventStream, parseEvent, type StreamState } from "./events";
import type { ServerEvent } from "./types";

let clock: ManualClock;
let sources: FakeEventSource[];
let stream: EventStream;
let states: StreamState["status"][];
let events: ServerEvent[];
let resyncs: number;

const latest = () => sources[sources.length - 1]!;

beforeEach(() => {
  clock = new ManualClock();
  sources = [];
  states = [];
  events = [];
  resyncs = 0;
  stream = new EventStream({
    url: "api/proxy/event?target=http%3A%2F%2Fh%3A1",
    open: (url) => {
      const source = new FakeEventSource(url);
      sources.push(source);
      return source;
    },
    clock,
    random: () => 0, // no jitter: delays are 1 s, 2 s, 4 s...
  });
  stream.onState((state) => states.push(state.status));
  stream.onEvent((event) => events.push(event));
  stream.onResync(() => resyncs++);
});

describe("EventStream", () => {
  it("opens the stream URL and reports connected on the first event", () => {
    stream.start();
    expect(latest().url).toBe("api/proxy/event?target=http%3A%2F%2Fh%3A1");
    expect(stream.state.status).toBe("connecting");
    latest().accept();
    expect(stream.state.status).toBe("connected");
    expect(resyncs).toBe(0);
  });

  it("passes events on, but not the connected greeting", () => {
    stream.start();
    latest().accept();
    latest().send({ type: "session.updated", properties: { id: "ses_1" }, id: "evt_1" });
    expect(events).toEqual([{ type: "session.updated", properties: { id: "ses_1" }, id: "evt_1" }]);
  });

  it("stays connected while heartbeats arrive every 10 s", () => {
    stream.start();
    latest().accept();
    for (let i = 0; i < 6; i++) {
      clock.advance(10_000);
      latest().heartbeat();
    }
    expect(sources).toHaveLength(1);
    expect(stream.state.status).toBe("connected");
  });

  it("reconnects when 15 s pass in silence", () => {
    stream.start();
    latest().accept();
    clock.advance(14_999);
    expect(stream.state.status).toBe("connected");
    clock.advance(1);
    expect(sources[0]!.closed).toBe(true);
    expect(stream.state).toMatchObject({ status: "reconnecting", reason: "silent", attempt: 1 });
    clock.advance(1000);
    expect(sources).toHaveLength(2);
  });

  it("reconnects when the stream breaks, with growing delays", () => {
    stream.start();
    latest().accept();
    latest().fail();
    expect(sources[0]!.closed).toBe(true);
    expect(stream.state).toMatchObject({ status: "reconnecting", reason: "error", retryAt: 1000 });
    const openedAt: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = sources.length;
      while (sources.length === before) clock.advance(100);
      openedAt.push(clock.now());
      latest().fail();
    }
    const gaps = openedAt.map((t, i) => t - (i === 0 ? 0 : openedAt[i - 1]!));
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it("caps the delay", () => {
    stream.start();
    for (let i = 0; i < 12; i++) {
      latest().fail();
      stream.retryNow();
    }
    latest().fail();
    expect(stream.state.status === "reconnecting" && stream.state.retryAt - clock.now()).toBe(
      30_000,
    );
  });

  it("a silent stream that never answers counts as a failure too", () => {
    stream.start();
    clock.advance(15_000);
    expect(stream.state).toMatchObject({ status: "reconnecting", reason: "silent" });
    clock.advance(1000);
    clock.advance(15_000);
    expect(stream.state).toMatchObject({ status: "reconnecting", attempt: 2 });
  });

  it("asks for a re-fetch after a reconnect, not after the first connect", () => {
    stream.start();
    latest().accept();
    expect(resyncs).toBe(0);
    latest().fail();
    clock.advance(1000);
    expect(resyncs).toBe(0);
    latest().accept();
    expect(resyncs).toBe(1);
  });

  it("starts over with the shortest delay once a stream delivers again", () => {
    stream.start();
    latest().fail();
    clock.advance(1000);
    latest().fail();
    clock.advance(2000);
    latest().accept();
    latest().fail();
    expect(stream.state.status === "reconnecting" && stream.state.retryAt - clock.now()).toBe(1000);
  });

  it("ignores a stream it already replaced", () => {
    stream.start();
    const first = latest();
    first.fail();
    clock.advance(1000);
    first.send({ type: "session.updated", properties: {} });
    first.fail();
    expect(events).toEqual([]);
    expect(sources).toHaveLength(2);
    expect(stream.state.status).toBe("connecting");
  });

  it("retryNow skips the wait", () => {
    stream.start();
    latest().fail();
    latest().fail();
    stream.retryNow();
    expect(sources).toHaveLength(2);
  });

  it("stop closes everything and schedules nothing", () => {
    stream.start();
    latest().accept();
    stream.stop();
    expect(latest().closed).toBe(true);
    expect(stream.state.status).toBe("closed");
    expect(clock.pending).toBe(0);
    clock.advance(120_000);
    expect(sources).toHaveLength(1);
    expect(states[states.length - 1]).toBe("closed");
  });

  it("a throwing listener does not stop the others", () => {
    const seen: string[] = [];
    stream.onEvent(() => {
      throw new Error("boom");
    });
    stream.onEvent((event) => seen.push(event.type));
    const original = console.error;
    console.error = () => {};
    try {
      stream.start();
      latest().accept();
      latest().send({ type: "x", properties: {} });
    } finally {
      console.error = original;
    }
    expect(seen).toEqual(["x"]);
  });
});

describe("parseEvent", () => {
  it("reads OpenCode events and rejects anything else", () => {
    expect(parseEvent('{"type":"a","properties":{"b":1}}')).toEqual({
      type: "a",
      properties: { b: 1 },
    });
    expect(parseEvent('{"type":"a"}')).toEqual({ type: "a", properties: {} });
    expect(parseEvent("not json")).toBeNull();
    expect(parseEvent('{"properties":{}}')).toBeNull();
    expect(parseEvent("null")).toBeNull();
  });
});
