import { describe, expect, it } from "vitest";
import { match, rank, rankAll, segments } from "./fuzzy";

describe("rank", () => {
  const files = ["README.md", "hello.py", "src/holo.ts", "docs/help.md"];

  it("finds hello.py from hlo and marks the matched characters", () => {
    const results = rank("hlo", files, (path) => path);
    const hello = results.find((result) => result.item === "hello.py");
    expect(hello).toBeDefined();
    expect(hello!.indexes).toEqual([0, 2, 4]);
    expect(results.map((result) => result.item)).not.toContain("README.md");
  });

  it("puts the better match first", () => {
    const results = rank("readme", ["docs/read-me-later.txt", "README.md"], (path) => path);
    expect(results[0]!.item).toBe("README.md");
    expect(results[0]!.score).toBeGreaterThan(results[1]?.score ?? 0);
  });

  it("keeps the given order for an empty query, without marks, within the limit", () => {
    const results = rank("  ", files, (path) => path, { limit: 2 });
    expect(results.map((result) => result.item)).toEqual(["README.md", "hello.py"]);
    expect(results.every((result) => result.indexes.length === 0)).toBe(true);
  });

  it("ranks objects by their text and cuts at the limit", () => {
    const commands = [
      { title: "New session" },
      { title: "Toggle terminal" },
      { title: "Settings" },
    ];
    const results = rank("term", commands, (command) => command.title, { limit: 1 });
    expect(results).toHaveLength(1);
    expect(results[0]!.item.title).toBe("Toggle terminal");
  });

  it("matches nothing that lacks a character", () => {
    expect(rank("xyz", files, (path) => path)).toEqual([]);
  });
});

describe("rankAll", () => {
  it("puts the matches first, marked, and keeps the rest after them", () => {
    const results = rankAll("hlo", ["README.md", "src/app.ts", "hello.py"], (path) => path);
    expect(results.map((result) => result.item)).toEqual(["hello.py", "README.md", "src/app.ts"]);
    expect(results[0]!.indexes).toEqual([0, 2, 4]);
    expect(results[1]!.indexes).toEqual([]);
  });
});

describe("match", () => {
  it("returns the indexes or null", () => {
    expect(match("ns", "New session")?.indexes).toEqual([0, 4]);
    expect(match("zz", "New session")).toBeNull();
    expect(match("", "anything")).toEqual({ score: 0, indexes: [] });
  });
});

describe("segments", () => {
  it("cuts a text into marked and plain runs that join back to it", () => {
    const runs = segments("hello.py", [0, 2, 3]);
    expect(runs).toEqual([
      { text: "h", marked: true },
      { text: "e", marked: false },
      { text: "ll", marked: true },
      { text: "o.py", marked: false },
    ]);
    expect(runs.map((run) => run.text).join("")).toBe("hello.py");
  });

  it("reads indexes from an offset (a path's name after its folder)", () => {
    // "src/holo.ts" matched at 4, 6, 7: the name "holo.ts" starts at 4.
    expect(segments("holo.ts", [4, 6, 7], 4)).toEqual([
      { text: "h", marked: true },
      { text: "o", marked: false },
      { text: "lo", marked: true },
      { text: ".ts", marked: false },
    ]);
    expect(segments("src/", [4, 6], 0)).toEqual([{ text: "src/", marked: false }]);
  });

  it("handles no marks and empty texts", () => {
    expect(segments("plain", [])).toEqual([{ text: "plain", marked: false }]);
    expect(segments("", [0])).toEqual([]);
  });
});
