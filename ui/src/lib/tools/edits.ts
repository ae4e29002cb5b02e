/** What an edit, multiedit or patch changed: its diffs, or the replacements it asked for. */

import { patchCounts } from "./outputs";
import { type Bag, isBag, num, str } from "./values";

export interface FileChange {
  path: string;
  patch: string;
  additions: number;
  deletions: number;
  /** "add", "update", "delete", "move" where the tool says. */
  type?: string;
  movePath?: string;
}

function changeOf(value: unknown): FileChange | undefined {
  if (!isBag(value)) return undefined;
  const patch = str(value.patch) ?? str(value.diff) ?? "";
  const path = str(value.relativePath) ?? str(value.filePath) ?? str(value.file) ?? "";
  if (!path && !patch) return undefined;
  const counted = patchCounts(patch);
  const change: FileChange = {
    path,
    patch,
    additions: num(value.additions) ?? counted.additions,
    deletions: num(value.deletions) ?? counted.deletions,
  };
  const type = str(value.type);
  if (type) change.type = type;
  const movePath = str(value.movePath);
  if (movePath) change.movePath = movePath;
  return change;
}

/** An edit's diff: `metadata.filediff`, else `metadata.diff`. */
export function editChange(input: Bag, metadata: Bag): FileChange | undefined {
  const path = str(input.filePath) ?? "";
  const filediff = changeOf(metadata.filediff);
  if (filediff?.patch) return { ...filediff, path: path || filediff.path };
  const diff = str(metadata.diff);
  if (diff) return { path, patch: diff, ...patchCounts(diff) };
  return undefined;
}

export interface Replacement {
  oldString: string;
  newString: string;
  replaceAll: boolean;
}

function replacementOf(value: unknown): Replacement | undefined {
  if (!isBag(value)) return undefined;
  const oldString = str(value.oldString);
  const newString = str(value.newString);
  if (oldString === undefined && newString === undefined) return undefined;
  return {
    oldString: oldString ?? "",
    newString: newString ?? "",
    replaceAll: value.replaceAll === true,
  };
}

/** The replacements an edit or multiedit asked for (shown until there is a diff). */
export function replacements(input: Bag): Replacement[] {
  if (Array.isArray(input.edits)) {
    return input.edits.map(replacementOf).filter((edit): edit is Replacement => !!edit);
  }
  const one = replacementOf(input);
  return one ? [one] : [];
}

/** multiedit's diffs: one per edit in `metadata.results`. */
export function multiEditChanges(input: Bag, metadata: Bag): FileChange[] {
  if (!Array.isArray(metadata.results)) return [];
  const changes: FileChange[] = [];
  for (const result of metadata.results) {
    if (isBag(result)) {
      const change = editChange(input, result);
      if (change) changes.push(change);
    }
  }
  return changes;
}

const PATCH_FILE = /^\*\*\* (Add|Update|Delete) File: (.+)$/;
const PATCH_MOVE = /^\*\*\* Move to: (.+)$/;

/**
 * The files a patch/apply_patch changed: `metadata.files` (each with its own diff) when
 * the tool gives them, else the file names its `patchText` announces.
 */
export function patchChanges(input: Bag, metadata: Bag): FileChange[] {
  if (Array.isArray(metadata.files)) {
    const files = metadata.files.map(changeOf).filter((c): c is FileChange => !!c);
    if (files.length > 0) return files;
  }
  const changes: FileChange[] = [];
  const text = str(input.patchText) ?? "";
  for (const line of text.split("\n")) {
    const file = PATCH_FILE.exec(line.trim());
    if (file) {
      const type = file[1] === "Add" ? "add" : file[1] === "Delete" ? "delete" : "update";
      changes.push({ path: file[2]!.trim(), patch: "", additions: 0, deletions: 0, type });
      continue;
    }
    const move = PATCH_MOVE.exec(line.trim());
    const last = changes[changes.length - 1];
    if (move && last) {
      last.movePath = move[1]!.trim();
      last.type = "move";
    }
  }
  return changes;
}
