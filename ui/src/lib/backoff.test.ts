import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_BACKOFF } from "./backoff";

const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };

describe("backoffDelay", () => {
  it("grows exponentially from the initial delay", () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, noJitter))).toEqual([1000, 2000, 4000, 8000]);
  });

  it("is capped", () => {
    expect(backoffDelay(5, noJitter)).toBe(30_000);
    expect(backoffDelay(50, noJitter)).toBe(30_000);
  });

  it("jitter only shortens, by at most its fraction", () => {
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 0)).toBe(4000);
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 0.999999)).toBe(3000);
    expect(backoffDelay(50, DEFAULT_BACKOFF, () => 0.5)).toBeLessThanOrEqual(30_000);
  });

  it("treats odd attempts as the first", () => {
    expect(backoffDelay(-3, noJitter)).toBe(1000);
    expect(backoffDelay(1.7, noJitter)).toBe(2000);
  });
});
