/**
 * Unified diffs (`patch` of `/session/{id}/diff`, `/vcs/diff` and an edit's metadata) split
 * into typed lines, and what the diff view builds from them: unchanged runs folded, rows
 * paired for the split view, the old and new text for highlighting. The changed words within
 * a changed line are `word-diff.ts`'s (apart, so jsdiff loads with the diff view only).
 */

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

/**
 * A stretch of a diff as shown: either lines on display or a run of unchanged lines
 * folded away behind a "Show N unchanged lines" button.
 */
export type Segment<T> = { kind: "shown"; items: T[] } | { kind: "folded"; items: T[] };

/**
 * Folds the unchanged runs of `items`, keeping `context` lines next to each change (and
 * only those: a hunk header or the start/end of the diff needs none). A run is folded only
 * when that hides at least `minFold` lines; hiding fewer would cost as much room as it saves.
 */
export function foldUnchanged<T>(
  items: readonly T[],
  isUnchanged: (item: T) => boolean,
  isChange: (item: T) => boolean,
  context = 3,
  minFold = 2,
): Segment<T>[] {
  const segments: Segment<T>[] = [];
  const show = (part: T[]) => {
    if (part.length === 0) return;
    const last = segments[segments.length - 1];
    if (last?.kind === "shown") last.items.push(...part);
    else segments.push({ kind: "shown", items: part });
  };
  let index = 0;
  while (index < items.length) {
    if (!isUnchanged(items[index]!)) {
      show([items[index]!]);
      index++;
      continue;
    }
    const start = index;
    while (index < items.length && isUnchanged(items[index]!)) index++;
    const run = items.slice(start, index);
    const before = start > 0 && isChange(items[start - 1]!);
    const after = index < items.length && isChange(items[index]!);
    const head = before ? Math.min(context, run.length) : 0;
    const tail = after ? Math.min(context, run.length - head) : 0;
    const hidden = run.length - head - tail;
    if (hidden < minFold) {
      show(run);
      continue;
    }
    show(run.slice(0, head));
    segments.push({ kind: "folded", items: run.slice(head, run.length - tail) });
    show(run.slice(run.length - tail));
  }
  return segments;
}

/** The unified view's segments: unchanged lines folded around the added and deleted ones. */
export function foldLines(lines: readonly DiffLine[], context = 3): Segment<DiffLine>[] {
  return foldUnchanged(
    lines,
    (line) => line.kind === "context",
    (line) => line.kind === "add" || line.kind === "del",
    context,
  );
}

/** A row of the split view: a hunk header, an unchanged line on both sides, or a change. */
export type SplitRow =
  | { kind: "hunk"; line: DiffLine }
  | { kind: "context"; line: DiffLine }
  | { kind: "change"; left?: DiffLine; right?: DiffLine };

/**
 * Side-by-side rows: within each block of changes the deleted lines (left) and the added
 * lines (right) are paired in order, so a changed line sits next to what replaced it and
 * the longer side's extra lines face a blank.
 */
export function pairForSplit(lines: readonly DiffLine[]): SplitRow[] {
  const rows: SplitRow[] = [];
  let dels: DiffLine[] = [];
  let adds: DiffLine[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++) {
      const row: { kind: "change"; left?: DiffLine; right?: DiffLine } = { kind: "change" };
      const left = dels[i];
      const right = adds[i];
      if (left) row.left = left;
      if (right) row.right = right;
      rows.push(row);
    }
    dels = [];
    adds = [];
  };
  for (const line of lines) {
    if (line.kind === "del") dels.push(line);
    else if (line.kind === "add") adds.push(line);
    else if (line.kind === "meta") continue;
    else {
      flush();
      rows.push(line.kind === "hunk" ? { kind: "hunk", line } : { kind: "context", line });
    }
  }
  flush();
  return rows;
}

/** The split view's segments: unchanged rows folded around the changed ones. */
export function foldRows(rows: readonly SplitRow[], context = 3): Segment<SplitRow>[] {
  return foldUnchanged(
    rows,
    (row) => row.kind === "context",
    (row) => row.kind === "change",
    context,
  );
}

/**
 * The old and the new file as far as the patch shows them, for highlighting each side as
 * one text (so a string or comment spanning lines is coloured right): `old` holds the
 * unchanged and deleted lines, `new` the unchanged and added ones, and `at[i]` says where
 * line `i` of `lines` sits in each.
 */
export function diffSides(lines: readonly DiffLine[]): {
  old: string[];
  new: string[];
  at: { old?: number; new?: number }[];
} {
  const old: string[] = [];
  const next: string[] = [];
  const at = lines.map((line) => {
    const place: { old?: number; new?: number } = {};
    if (line.kind === "context" || line.kind === "del") place.old = old.push(line.text) - 1;
    if (line.kind === "context" || line.kind === "add") place.new = next.push(line.text) - 1;
    return place;
  });
  return { old, new: next, at };
}
