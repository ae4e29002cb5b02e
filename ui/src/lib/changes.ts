/**
 * Pure logic of the Changes panel: which source to show (the session's own record or the
 * project's uncommitted changes) and the file names used to key folds and list entries.
 */

import type { FileDiff } from "../api/types";

export type ChangesSource = "session" | "project";

/**
 * The source shown: the user's `choice` while it has something to show from, else the
 * default (the session's changes if any, else the project's when it is a repository).
 * `project` is null when the project's changes are unavailable (not a git repository).
 */
export function shownSource(
  own: readonly FileDiff[],
  project: readonly FileDiff[] | null,
  choice: ChangesSource | null,
): ChangesSource {
  if (choice === "project" && project !== null) return "project";
  if (choice === "session") return "session";
  return own.length === 0 && project !== null ? "project" : "session";
}

/**
 * Whether to offer a switch between the two sources: whenever the project's changes are
 * available (a git repository), even if one side is empty, so either can be checked.
 * (OpenCode 1.18.33 answers the session's record without `messageID` with an empty list.)
 */
export function canSwitch(project: readonly FileDiff[] | null): boolean {
  return project !== null;
}

/** The name a file is shown (and keyed) by. */
export function diffName(file: FileDiff): string {
  return file.file ?? "(unnamed)";
}

/** Added and deleted lines over all the files. */
export function diffTotals(files: readonly FileDiff[]): { additions: number; deletions: number } {
  return files.reduce(
    (sum, file) => ({
      additions: sum.additions + (file.additions ?? 0),
      deletions: sum.deletions + (file.deletions ?? 0),
    }),
    { additions: 0, deletions: 0 },
  );
}
