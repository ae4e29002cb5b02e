import { describe, expect, it } from "vitest";
import { flatResults, moveIndex, paletteGroups, splitPath, type PaletteSource } from "./palette";

interface Item {
  label: string;
}

const source = (
  heading: string,
  labels: string[],
  limit = 5,
  idleLimit = 5,
): PaletteSource<Item> => ({
  heading,
  items: labels.map((label) => ({ label })),
  text: (item) => item.label,
  limit,
  idleLimit,
});

describe("paletteGroups", () => {
  const sources = [
    source("Commands", ["New session", "Toggle terminal", "Toggle files", "Settings"]),
    source("Sessions", ["Fix the greeting", "Terminal colours"]),
    source("Files", ["hello.py", "README.md"], 5, 0),
  ];

  it("lists commands and sessions with no query, files only once something is typed", () => {
    const groups = paletteGroups("", sources);
    expect(groups.map((group) => group.heading)).toEqual(["Commands", "Sessions"]);
    expect(groups[0]!.results.map((result) => result.item.label)).toEqual([
      "New session",
      "Toggle terminal",
      "Toggle files",
      "Settings",
    ]);
  });

  it("ranks each group on its own and leaves out the empty ones", () => {
    const groups = paletteGroups("term", sources);
    expect(groups.map((group) => group.heading)).toEqual(["Commands", "Sessions"]);
    expect(groups[0]!.results[0]!.item.label).toBe("Toggle terminal");
    expect(groups[1]!.results[0]!.item.label).toBe("Terminal colours");
    const files = paletteGroups("hlo", sources);
    expect(files.map((group) => group.heading)).toEqual(["Files"]);
  });

  it("cuts each group at its limit and flattens in order", () => {
    const groups = paletteGroups("", [source("A", ["a1", "a2", "a3"], 5, 2), source("B", ["b1"])]);
    expect(flatResults(groups).map((result) => result.item.label)).toEqual(["a1", "a2", "b1"]);
  });
});

describe("moveIndex", () => {
  it("wraps with Up and Down and jumps with Home and End", () => {
    expect(moveIndex(0, 3, "ArrowDown")).toBe(1);
    expect(moveIndex(2, 3, "ArrowDown")).toBe(0);
    expect(moveIndex(0, 3, "ArrowUp")).toBe(2);
    expect(moveIndex(1, 3, "Home")).toBe(0);
    expect(moveIndex(1, 3, "End")).toBe(2);
    expect(moveIndex(5, 3, "x")).toBe(2);
    expect(moveIndex(0, 0, "ArrowDown")).toBe(-1);
  });
});

describe("splitPath", () => {
  it("keeps the folder with its slash apart from the name", () => {
    expect(splitPath("src/lib/a.ts")).toEqual({ folder: "src/lib/", name: "a.ts" });
    expect(splitPath("hello.py")).toEqual({ folder: "", name: "hello.py" });
  });
});
