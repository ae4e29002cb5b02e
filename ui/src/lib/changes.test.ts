import { describe, expect, it } from "vitest";
import type { FileDiff } from "../api/types";
import { canSwitch, diffName, diffTotals, shownSource } from "./changes";

const file = (name: string, additions = 1, deletions = 0): FileDiff =>
  ({ file: name, additions, deletions }) as FileDiff;

describe("shownSource", () => {
  it("defaults to the session's changes, else the project's", () => {
    expect(shownSource([file("a")], [file("b")], null)).toBe("session");
    expect(shownSource([], [file("b")], null)).toBe("project");
    expect(shownSource([], null, null)).toBe("session");
  });

  it("follows the user's choice while that source exists", () => {
    expect(shownSource([file("a")], [file("b")], "project")).toBe("project");
    expect(shownSource([], [file("b")], "session")).toBe("session");
    expect(shownSource([file("a")], null, "project")).toBe("session");
  });
});

describe("canSwitch", () => {
  it("needs the project's changes, even none", () => {
    expect(canSwitch([])).toBe(true);
    expect(canSwitch(null)).toBe(false);
  });
});

describe("diffTotals and diffName", () => {
  it("sums counts, treating missing ones as zero", () => {
    const odd = { file: "c" } as FileDiff;
    expect(diffTotals([file("a", 2, 1), file("b", 3, 4), odd])).toEqual({
      additions: 5,
      deletions: 5,
    });
    expect(diffTotals([])).toEqual({ additions: 0, deletions: 0 });
  });

  it("names a file without a path", () => {
    expect(diffName({} as FileDiff)).toBe("(unnamed)");
    expect(diffName(file("x.py"))).toBe("x.py");
  });
});
