/**
 * The changed words within a changed line of a diff, found by jsdiff's
 * `diffWordsWithSpace`: apart from `diff.ts` because only the diff view needs it (and so
 * jsdiff), while `diff.ts`'s parsing is used by the tool cards of the first load.
 */

import { diffWordsWithSpace } from "diff";
import { pairForSplit, type DiffLine } from "./diff";

/** A stretch of a line's characters, `start` included, `end` not. */
export interface TextRange {
  start: number;
  end: number;
}

/** Lines longer than this get no word marks (diffing them is slow and the marks unreadable). */
const WORD_DIFF_MAX = 1000;
/** Below this share of unchanged characters, two lines are a rewrite, not an edit. */
const WORD_DIFF_SIMILARITY = 0.4;

/**
 * The changed stretches of a deleted line and of the added line that replaced it, or null
 * when marking words would not help: identical lines, very long lines, or lines so different
 * that nearly everything would be marked.
 */
export function wordChanges(
  before: string,
  after: string,
): { old: TextRange[]; new: TextRange[] } | null {
  if (before === after || before.length > WORD_DIFF_MAX || after.length > WORD_DIFF_MAX) {
    return null;
  }
  const old: TextRange[] = [];
  const next: TextRange[] = [];
  let oldAt = 0;
  let newAt = 0;
  let common = 0;
  const add = (ranges: TextRange[], start: number, end: number) => {
    const last = ranges[ranges.length - 1];
    if (last && last.end === start) last.end = end;
    else ranges.push({ start, end });
  };
  for (const change of diffWordsWithSpace(before, after)) {
    const length = change.value.length;
    if (change.removed) {
      add(old, oldAt, oldAt + length);
      oldAt += length;
    } else if (change.added) {
      add(next, newAt, newAt + length);
      newAt += length;
    } else {
      common += change.value.trim() === "" ? 0 : length;
      oldAt += length;
      newAt += length;
    }
  }
  const longest = Math.max(before.trim().length, after.trim().length);
  if (longest === 0 || common / longest < WORD_DIFF_SIMILARITY) return null;
  return { old, new: next };
}

/**
 * The changed words of every deleted and added line that has a counterpart (paired as in
 * the split view), by line.
 */
export function wordMarks(lines: readonly DiffLine[]): Map<DiffLine, TextRange[]> {
  const marks = new Map<DiffLine, TextRange[]>();
  for (const row of pairForSplit(lines)) {
    if (row.kind !== "change" || !row.left || !row.right) continue;
    const changes = wordChanges(row.left.text, row.right.text);
    if (!changes) continue;
    marks.set(row.left, changes.old);
    marks.set(row.right, changes.new);
  }
  return marks;
}
