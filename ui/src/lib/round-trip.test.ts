import { describe, expect, it } from "vitest";
import { networkRoundTrip, type TimingLike } from "./round-trip";

const URL_A = "https://nb.example/api/proxy/global/health";
const entry = (startTime: number, requestStart: number, responseStart: number): TimingLike => ({
  name: URL_A,
  startTime,
  requestStart,
  responseStart,
});

describe("networkRoundTrip", () => {
  it("is request sent to first byte, not the time spent queued before it", () => {
    // Called at 100, waited for a connection until 290, answered 3 ms later.
    expect(networkRoundTrip([entry(100, 290, 293)], URL_A, 100)).toBe(3);
  });

  it("takes the first request started at or after the call, of that URL only", () => {
    const entries = [
      entry(50, 60, 70), // an earlier check
      entry(130, 131, 140), // another server's check, started later
      entry(120, 121, 125), // this one
      { ...entry(110, 111, 190), name: "https://nb.example/api/proxy/session" },
    ];
    expect(networkRoundTrip(entries, URL_A, 118)).toBe(4);
  });

  it("says nothing when the request was not timed", () => {
    expect(networkRoundTrip([], URL_A, 0)).toBeUndefined();
    expect(networkRoundTrip([entry(10, 0, 0)], URL_A, 10)).toBeUndefined();
    expect(networkRoundTrip([entry(5, 6, 7)], URL_A, 10)).toBeUndefined();
  });
});
