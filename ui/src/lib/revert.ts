/**
 * Undo and redo over a session's revert point. OpenCode keeps one point per session
 * (`Session.revert`): the messages from it on are undone and their file changes rolled
 * back, but they stay on the server until the next prompt drops them (or `unrevert`
 * brings them back). Undo moves the point back one prompt, redo forward one prompt, and
 * redo past the last prompt restores everything.
 *
 * Pure functions over a transcript's order and messages, no Solid.
 */

import type { Message, SessionRevert } from "../api/types";

interface MessagesView {
  order: string[];
  messages: Record<string, Message>;
}

/** Whether a message is undone by the revert point (the point's own message counts,
 * unless the point is a part within it: then the message stays, cut at that part). */
export function isReverted(messageID: string, revert: SessionRevert | undefined): boolean {
  if (!revert) return false;
  if (messageID === revert.messageID) return revert.partID === undefined;
  return messageID > revert.messageID;
}

/** The message IDs still shown, in order. */
export function shownMessages(order: string[], revert: SessionRevert | undefined): string[] {
  return revert ? order.filter((id) => !isReverted(id, revert)) : order;
}

/** The parts of a message still shown: with a part-level point, those before it. */
export function shownParts(
  messageID: string,
  partIDs: string[],
  revert: SessionRevert | undefined,
): string[] {
  if (!revert?.partID || messageID !== revert.messageID) return partIDs;
  const cut = revert.partID;
  return partIDs.filter((id) => id < cut);
}

/** The prompts the revert point undid, oldest first. */
export function revertedPrompts(
  transcript: MessagesView,
  revert: SessionRevert | undefined,
): string[] {
  if (!revert) return [];
  return transcript.order.filter(
    (id) => transcript.messages[id]?.role === "user" && isReverted(id, revert),
  );
}

function userMessages(transcript: MessagesView): string[] {
  return transcript.order.filter((id) => transcript.messages[id]?.role === "user");
}

/**
 * The prompt Undo reverts to: the newest one still shown. Undefined when nothing is
 * left to undo.
 */
export function undoTarget(
  transcript: MessagesView,
  revert: SessionRevert | undefined,
): string | undefined {
  const prompts = userMessages(transcript).filter((id) => !revert || id < revert.messageID);
  return prompts[prompts.length - 1];
}

export type RedoStep = { kind: "revert"; messageID: string } | { kind: "unrevert" };

/**
 * What Redo does: move the point to the next prompt after it (that prompt and what
 * follows stay undone), or, when none follows, restore everything. Undefined when
 * nothing is reverted.
 */
export function redoStep(
  transcript: MessagesView,
  revert: SessionRevert | undefined,
): RedoStep | undefined {
  if (!revert) return undefined;
  const next = userMessages(transcript).find((id) => id > revert.messageID);
  return next ? { kind: "revert", messageID: next } : { kind: "unrevert" };
}

export interface PatchFile {
  file: string;
  patch: string;
  additions: number;
  deletions: number;
}

/**
 * A multi-file git diff (the `diff` a revert applied) cut into one patch per file, each
 * named by its new path (its old one when deleted) and counted.
 */
export function splitPatch(diff: string | undefined): PatchFile[] {
  if (!diff) return [];
  const files: PatchFile[] = [];
  let current: string[] | null = null;
  const flush = () => {
    if (!current) return;
    const lines = current;
    const header = lines[0] ?? "";
    const named = /^diff --git a\/(.+?) b\/(.+)$/.exec(header);
    const plus = lines.find((line) => line.startsWith("+++ "));
    const minus = lines.find((line) => line.startsWith("--- "));
    const path = (line: string | undefined) =>
      line && !line.endsWith("/dev/null")
        ? line
            .slice(4)
            .replace(/^[ab]\//, "")
            .trim()
        : "";
    const file = path(plus) || path(minus) || named?.[2] || "";
    let additions = 0;
    let deletions = 0;
    let inHunk = false;
    for (const line of lines) {
      if (line.startsWith("@@")) inHunk = true;
      else if (inHunk && line.startsWith("+")) additions += 1;
      else if (inHunk && line.startsWith("-")) deletions += 1;
    }
    if (file) files.push({ file, patch: lines.join("\n"), additions, deletions });
  };
  for (const line of diff.split("\n")) {
    if (line.startsWith("diff --git ")) {
      flush();
      current = [line];
    } else if (current) {
      current.push(line);
    } else {
      current = [line];
    }
  }
  flush();
  return files;
}
