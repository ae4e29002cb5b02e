import { describe, expect, it } from "vitest";
import { visibleLines } from "./diff";
import { wordChanges, wordMarks } from "./word-diff";

describe("wordChanges", () => {
  it("finds the changed words of an edited line", () => {
    const before = '    print("Hello, world!")';
    const after = '    print("Hello, diff!")';
    const changes = wordChanges(before, after)!;
    expect(changes.old.map((range) => before.slice(range.start, range.end))).toEqual(["world"]);
    expect(changes.new.map((range) => after.slice(range.start, range.end))).toEqual(["diff"]);
  });

  it("keeps separate changes apart", () => {
    const before = "const total = alpha + beta;";
    const after = "const total = gamma + delta;";
    const changes = wordChanges(before, after)!;
    expect(changes.old.map((range) => before.slice(range.start, range.end))).toEqual([
      "alpha",
      "beta",
    ]);
    expect(changes.new.map((range) => after.slice(range.start, range.end))).toEqual([
      "gamma",
      "delta",
    ]);
  });

  it("marks nothing for a rewrite, an identical or a very long line", () => {
    expect(wordChanges("import os", "class Greeter:")).toBeNull();
    expect(wordChanges("same", "same")).toBeNull();
    expect(wordChanges("x".repeat(2000), "y".repeat(2000))).toBeNull();
  });

  it("marks only lines that have a counterpart", () => {
    const lines = visibleLines("@@ -1,2 +1,3 @@\n-x = 1\n+x = 2\n+y = 3\n keep\n");
    const marks = wordMarks(lines);
    expect([...marks.keys()].map((line) => `${line.kind}:${line.text}`)).toEqual([
      "del:x = 1",
      "add:x = 2",
    ]);
    expect(marks.get(lines[2]!)).toEqual([{ start: 4, end: 5 }]);
  });
});
