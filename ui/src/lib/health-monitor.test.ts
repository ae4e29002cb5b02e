import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../testing/fakes";
import { HealthMonitor } from "./health-monitor";

interface Pending {
  url: string;
  signal: AbortSignal;
  resolve: (result: string) => void;
}

let clock: ManualClock;
let pending: Pending[];
let results: Array<[string, string]>;
let monitor: HealthMonitor<string>;

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const answer = async (url: string, result = "ok") => {
  const index = pending.findIndex((p) => p.url === url);
  pending.splice(index, 1)[0]!.resolve(result);
  await flush();
};

beforeEach(() => {
  clock = new ManualClock();
  pending = [];
  results = [];
  monitor = new HealthMonitor<string>({
    check: (url, signal) =>
      new Promise<string>((resolve) => pending.push({ url, signal, resolve })),
    onResult: (url, result) => results.push([url, result]),
    intervalMs: 10_000,
    clock,
  });
});

describe("HealthMonitor", () => {
  it("checks new servers at once and then every interval", async () => {
    monitor.setTargets(["a", "b"]);
    expect(pending.map((p) => p.url)).toEqual(["a", "b"]);
    await answer("a");
    await answer("b");
    expect(results).toEqual([
      ["a", "ok"],
      ["b", "ok"],
    ]);
    clock.advance(9_999);
    expect(pending).toHaveLength(0);
    clock.advance(1);
    expect(pending.map((p) => p.url)).toEqual(["a", "b"]);
  });

  it("a slow server does not delay the others", async () => {
    monitor.setTargets(["slow", "fast"]);
    await answer("fast");
    for (let round = 0; round < 3; round++) {
      clock.advance(10_000);
      await answer("fast");
    }
    expect(results.filter(([url]) => url === "fast")).toHaveLength(4);
    expect(pending.map((p) => p.url)).toEqual(["slow"]);
  });

  it("never runs two checks of one server at once", async () => {
    monitor.setTargets(["a"]);
    monitor.checkNow("a");
    clock.advance(60_000);
    expect(pending).toHaveLength(1);
  });

  it("pauses while hidden and checks everything when visible again", async () => {
    monitor.setTargets(["a", "b"]);
    await answer("a");
    await answer("b");
    monitor.pause();
    clock.advance(120_000);
    expect(pending).toHaveLength(0);
    monitor.resume();
    expect(pending.map((p) => p.url)).toEqual(["a", "b"]);
  });

  it("does not schedule after a check that ends while paused", async () => {
    monitor.setTargets(["a"]);
    monitor.pause();
    await answer("a");
    expect(results).toHaveLength(1);
    clock.advance(60_000);
    expect(pending).toHaveLength(0);
  });

  it("drops removed servers, aborting their check", async () => {
    monitor.setTargets(["a", "b"]);
    const check = pending[0]!;
    monitor.setTargets(["b"]);
    expect(check.signal.aborted).toBe(true);
    await answer("a");
    expect(results).toEqual([]);
    expect(monitor.targets).toEqual(["b"]);
  });

  it("dispose stops every loop", async () => {
    monitor.setTargets(["a"]);
    await answer("a");
    monitor.dispose();
    clock.advance(60_000);
    expect(pending).toHaveLength(0);
    expect(clock.pending).toBe(0);
  });
});
