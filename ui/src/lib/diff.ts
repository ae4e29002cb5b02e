/** Unified diffs (`patch` of `/session/{id}/diff` and `/vcs/diff`) split into typed lines. */

export type DiffLineKind = "add" | "del" | "context" | "hunk" | "meta";

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  /** Line numbers in the old and new file, where they apply. */
  oldLine?: number;
  newLine?: number;
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** The lines of a patch, with the file header lines marked as meta. */
export function parsePatch(patch: string): DiffLine[] {
  const lines: DiffLine[] = [];
  let oldLine = 0;
  let newLine = 0;
  let inHunk = false;
  const raw = patch.endsWith("\n") ? patch.slice(0, -1) : patch;
  if (raw === "") return lines;
  for (const text of raw.split("\n")) {
    const hunk = HUNK.exec(text);
    if (hunk) {
      inHunk = true;
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      lines.push({ kind: "hunk", text });
    } else if (!inHunk || text.startsWith("\\")) {
      lines.push({ kind: "meta", text });
    } else if (text.startsWith("+")) {
      lines.push({ kind: "add", text: text.slice(1), newLine: newLine++ });
    } else if (text.startsWith("-")) {
      lines.push({ kind: "del", text: text.slice(1), oldLine: oldLine++ });
    } else if (text.startsWith("diff ")) {
      // A second file in the same patch starts over with its own header.
      inHunk = false;
      lines.push({ kind: "meta", text });
    } else {
      lines.push({
        kind: "context",
        text: text.startsWith(" ") ? text.slice(1) : text,
        oldLine: oldLine++,
        newLine: newLine++,
      });
    }
  }
  return lines;
}

/** The lines worth showing: the hunks, without the `diff --git`/`index`/`---`/`+++` header. */
export function visibleLines(patch: string): DiffLine[] {
  return parsePatch(patch).filter((line) => line.kind !== "meta");
}
