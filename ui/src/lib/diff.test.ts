import { describe, expect, it } from "vitest";
import {
  diffSides,
  foldLines,
  foldRows,
  foldUnchanged,
  pairForSplit,
  parsePatch,
  visibleLines,
  type DiffLine,
} from "./diff";

const PATCH = [
  "diff --git a/README.md b/README.md",
  "index af521d6..38b5938 100644",
  "--- a/README.md",
  "+++ b/README.md",
  "@@ -1,2 +1,2 @@",
  "-# A throw-away project",
  "+# A kept project",
  " for tests",
  "",
].join("\n");

describe("parsePatch", () => {
  it("types each line and numbers old and new lines", () => {
    const lines = parsePatch(PATCH);
    expect(lines.map((line) => line.kind)).toEqual([
      "meta",
      "meta",
      "meta",
      "meta",
      "hunk",
      "del",
      "add",
      "context",
    ]);
    expect(lines[5]).toEqual({ kind: "del", text: "# A throw-away project", oldLine: 1 });
    expect(lines[6]).toEqual({ kind: "add", text: "# A kept project", newLine: 1 });
    expect(lines[7]).toEqual({ kind: "context", text: "for tests", oldLine: 2, newLine: 2 });
  });

  it("shows hunks without the file header", () => {
    expect(visibleLines(PATCH).map((line) => line.kind)).toEqual(["hunk", "del", "add", "context"]);
  });

  it("handles an empty patch and a second file", () => {
    expect(parsePatch("")).toEqual([]);
    const two = `${PATCH}diff --git a/b b/b\n--- a/b\n+++ b/b\n@@ -0,0 +1 @@\n+new\n`;
    const kinds = visibleLines(two).map((line) => line.kind);
    expect(kinds).toEqual(["hunk", "del", "add", "context", "hunk", "add"]);
  });
});

/** A patch of one hunk over a file of `count` lines `l1`..`lN`, changing line `at`. */
function oneChange(count: number, at: number): string {
  const body: string[] = [];
  for (let n = 1; n <= count; n++) {
    if (n === at) body.push(`-l${n}`, `+L${n}`);
    else body.push(` l${n}`);
  }
  return [`--- a/f`, `+++ b/f`, `@@ -1,${count} +1,${count} @@`, ...body, ""].join("\n");
}

const texts = (items: DiffLine[]) => items.map((line) => line.text);

describe("foldLines", () => {
  it("keeps three lines around a change and folds the rest", () => {
    const segments = foldLines(visibleLines(oneChange(20, 10)));
    expect(segments.map((segment) => [segment.kind, segment.items.length])).toEqual([
      ["shown", 1], // the hunk header
      ["folded", 6], // l1..l6
      ["shown", 8], // l7..l9, the change, l11..l13
      ["folded", 7], // l14..l20
    ]);
    expect(texts(segments[1]!.items)).toEqual(["l1", "l2", "l3", "l4", "l5", "l6"]);
    expect(texts(segments[2]!.items)).toEqual([
      "l7",
      "l8",
      "l9",
      "l10",
      "L10",
      "l11",
      "l12",
      "l13",
    ]);
  });

  it("folds the middle of a long run between two changes", () => {
    const patch = [
      "@@ -1,12 +1,12 @@",
      "-a",
      "+A",
      ...Array.from({ length: 10 }, (_, n) => ` c${n}`),
      "-b",
      "+B",
    ];
    const segments = foldLines(visibleLines(patch.join("\n")));
    expect(segments.map((segment) => [segment.kind, segment.items.length])).toEqual([
      ["shown", 6], // header, -a, +A, c0..c2
      ["folded", 4], // c3..c6
      ["shown", 5], // c7..c9, -b, +B
    ]);
  });

  it("does not fold a run that would hide fewer than two lines", () => {
    // l1..l4 before the change: one line past the context, shown rather than folded.
    const segments = foldLines(visibleLines(oneChange(5, 5)));
    expect(segments).toHaveLength(1);
    expect(segments[0]!.kind).toBe("shown");
  });

  it("folds the leading context of OpenCode's whole-file patch of hello.py", () => {
    // Lines 1..5 come before the edit on line 6: 1 and 2 fold, 3..5 stay.
    const segments = foldLines(visibleLines(oneChange(9, 6)));
    expect(segments.map((segment) => segment.kind)).toEqual(["shown", "folded", "shown"]);
    expect(texts(segments[1]!.items)).toEqual(["l1", "l2"]);
  });

  it("leaves a patch without unchanged lines alone", () => {
    const segments = foldLines(visibleLines("@@ -0,0 +1,2 @@\n+a\n+b\n"));
    expect(segments).toEqual([{ kind: "shown", items: visibleLines("@@ -0,0 +1,2 @@\n+a\n+b\n") }]);
  });

  it("takes its context size as a parameter", () => {
    const segments = foldUnchanged(
      [1, 0, 0, 0, 0, 0, 1],
      (n) => n === 0,
      (n) => n === 1,
      1,
    );
    expect(segments).toEqual([
      { kind: "shown", items: [1, 0] },
      { kind: "folded", items: [0, 0, 0] },
      { kind: "shown", items: [0, 1] },
    ]);
  });
});

describe("pairForSplit", () => {
  it("pairs deleted and added lines in order, the longer side facing blanks", () => {
    const rows = pairForSplit(visibleLines("@@ -1,4 +1,3 @@\n ctx\n-a\n-b\n-c\n+A\n+B\n end\n"));
    expect(rows.map((row) => row.kind)).toEqual([
      "hunk",
      "context",
      "change",
      "change",
      "change",
      "context",
    ]);
    const changes = rows.filter((row) => row.kind === "change");
    expect(changes.map((row) => [row.left?.text, row.right?.text])).toEqual([
      ["a", "A"],
      ["b", "B"],
      ["c", undefined],
    ]);
    expect(changes[0]!.left?.oldLine).toBe(2);
    expect(changes[0]!.right?.newLine).toBe(2);
  });

  it("keeps separate change blocks apart and pure additions on the right", () => {
    const rows = pairForSplit(visibleLines("@@ -1,2 +1,3 @@\n+new\n same\n-gone\n"));
    expect(
      rows
        .slice(1)
        .map((row) => (row.kind === "change" ? [row.left?.text, row.right?.text] : row.kind)),
    ).toEqual([[undefined, "new"], "context", ["gone", undefined]]);
  });

  it("folds unchanged rows like the unified view", () => {
    const segments = foldRows(pairForSplit(visibleLines(oneChange(20, 10))));
    expect(segments.map((segment) => [segment.kind, segment.items.length])).toEqual([
      ["shown", 1],
      ["folded", 6],
      ["shown", 7], // three rows of context, one paired change, three more
      ["folded", 7],
    ]);
  });
});

describe("diffSides", () => {
  it("rebuilds the old and new text and places each line in them", () => {
    const lines = visibleLines("@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n");
    const sides = diffSides(lines);
    expect(sides.old).toEqual(["one", "two", "three"]);
    expect(sides.new).toEqual(["one", "TWO", "three"]);
    expect(sides.at).toEqual([{}, { old: 0, new: 0 }, { old: 1 }, { new: 1 }, { old: 2, new: 2 }]);
  });
});
