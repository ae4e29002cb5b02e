import { describe, expect, it } from "vitest";
import { parsePatch, visibleLines } from "./diff";

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
