import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { latestLookup } from "./latest";

describe("latestLookup", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits for typing to pause and asks once", async () => {
    const lookup = vi.fn((query: string) => Promise.resolve(query.toUpperCase()));
    const answers: string[] = [];
    const latest = latestLookup(lookup, (_q, result) => answers.push(result), { delayMs: 100 });
    latest.ask("h");
    latest.ask("he");
    latest.ask("hel");
    await vi.advanceTimersByTimeAsync(99);
    expect(lookup).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(lookup.mock.calls[0]![0]).toBe("hel");
    expect(answers).toEqual(["HEL"]);
  });

  it("drops an older answer that arrives after a newer question, and aborts it", async () => {
    const pending: Array<{ query: string; signal: AbortSignal; resolve: (v: string) => void }> = [];
    const lookup = (query: string, signal: AbortSignal) =>
      new Promise<string>((resolve) => pending.push({ query, signal, resolve }));
    const answers: string[] = [];
    const latest = latestLookup(lookup, (q, result) => answers.push(`${q}=${result}`), {
      delayMs: 10,
    });
    latest.ask("he");
    await vi.advanceTimersByTimeAsync(10);
    latest.ask("hello");
    await vi.advanceTimersByTimeAsync(10);
    expect(pending.map((item) => item.query)).toEqual(["he", "hello"]);
    expect(pending[0]!.signal.aborted).toBe(true);
    pending[1]!.resolve("new");
    pending[0]!.resolve("old");
    await vi.advanceTimersByTimeAsync(0);
    expect(answers).toEqual(["hello=new"]);
  });

  it("reports failures of the newest question only, and cancel drops everything", async () => {
    const failed = vi.fn();
    const answer = vi.fn();
    const latest = latestLookup(() => Promise.reject(new Error("down")), answer, {
      delayMs: 5,
      failed,
    });
    latest.ask("a");
    await vi.advanceTimersByTimeAsync(5);
    expect(failed).toHaveBeenCalledWith("a", expect.any(Error));
    latest.ask("b");
    latest.cancel();
    await vi.advanceTimersByTimeAsync(10);
    expect(failed).toHaveBeenCalledTimes(1);
    expect(answer).not.toHaveBeenCalled();
  });
});
