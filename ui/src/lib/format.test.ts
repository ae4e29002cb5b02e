import { describe, expect, it } from "vitest";
import {
  compactNumber,
  costText,
  durationText,
  oneLine,
  relativeTime,
  tokenSummary,
} from "./format";

describe("format", () => {
  it("says how long ago", () => {
    const now = 10 * 86_400_000;
    expect(relativeTime(now - 5_000, now)).toBe("just now");
    expect(relativeTime(now - 5 * 60_000, now)).toBe("5 min ago");
    expect(relativeTime(now - 3 * 3_600_000, now)).toBe("3 h ago");
    expect(relativeTime(now - 30 * 3_600_000, now)).toBe("yesterday");
  });

  it("shortens numbers, tokens, costs and durations", () => {
    expect(compactNumber(950)).toBe("950");
    expect(compactNumber(12_300)).toBe("12.3k");
    expect(compactNumber(2_000_000)).toBe("2M");
    expect(
      tokenSummary({ input: 1200, output: 340, reasoning: 0, cache: { read: 0, write: 0 } }),
    ).toBe("1.2k in · 340 out");
    expect(tokenSummary({ input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } })).toBe(
      "",
    );
    expect(costText(0)).toBe("");
    expect(costText(0.0042)).toBe("$0.0042");
    expect(costText(1.5)).toBe("$1.50");
    expect(durationText(850)).toBe("850 ms");
    expect(durationText(4200)).toBe("4.2 s");
    expect(durationText(125_000)).toBe("2 min 5 s");
  });

  it("puts a text on one short line", () => {
    expect(oneLine("a\n  b", 10)).toBe("a b");
    expect(oneLine("x".repeat(20), 5)).toBe("xxxx…");
  });
});
