/**
 * The prompt box's memory: the prompts sent before (Up and Down walk through them, as in a
 * shell) and the unsent draft of each session, both in localStorage so a reload or a new
 * tab keeps them. Attachments are not kept in the draft: they can be megabytes.
 *
 * An entry (a sent prompt, a draft) is stored as its text, with `!` in front for a shell
 * command. Shell mode is kept only with a command: an emptied box is stored as "" and comes
 * back as an ordinary prompt, and an old draft of just "!" reads as empty, so an ordinary
 * prompt typed after a reload never runs in the shell.
 */

import type { KeyValueStorage } from "../storage";

export const HISTORY_KEY = "opencode-proxy.prompt-history.v1";
export const DRAFT_PREFIX = "opencode-proxy.draft.v1:";
export const HISTORY_LIMIT = 100;
const DRAFT_LIMIT = 100_000;

function readList(storage: KeyValueStorage | undefined): string[] {
  try {
    const data: unknown = JSON.parse(storage?.getItem(HISTORY_KEY) ?? "[]");
    return Array.isArray(data) ? data.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/** Sent prompts, newest last, and a cursor for walking them. */
export class PromptHistory {
  private entries: string[];
  /** entries.length means "not walking": the draft is shown. */
  private cursor: number;
  private draft = "";

  constructor(private readonly storage: KeyValueStorage | undefined) {
    this.entries = readList(storage);
    this.cursor = this.entries.length;
  }

  /** Remember a sent prompt (not twice in a row) and stop walking. */
  add(text: string): void {
    const value = text.trim();
    if (value !== "" && this.entries[this.entries.length - 1] !== value) {
      this.entries.push(value);
      if (this.entries.length > HISTORY_LIMIT)
        this.entries.splice(0, this.entries.length - HISTORY_LIMIT);
      try {
        this.storage?.setItem(HISTORY_KEY, JSON.stringify(this.entries));
      } catch {
        // Storage full or disabled: history lives for this page only.
      }
    }
    this.cursor = this.entries.length;
  }

  /** The older prompt to show, or null at the oldest; `current` is kept as the draft. */
  older(current: string): string | null {
    if (this.cursor === 0) return null;
    if (this.cursor === this.entries.length) this.draft = current;
    this.cursor -= 1;
    return this.entries[this.cursor] ?? null;
  }

  /** The newer prompt to show (the draft after the newest), or null when not walking. */
  newer(): string | null {
    if (this.cursor >= this.entries.length) return null;
    this.cursor += 1;
    return this.cursor === this.entries.length ? this.draft : (this.entries[this.cursor] ?? null);
  }

  /** The user typed: whatever is shown is now the draft. */
  reset(): void {
    this.cursor = this.entries.length;
  }

  /** Whether a recalled prompt is shown (Up or Down moved away from the draft). */
  walking(): boolean {
    return this.cursor < this.entries.length;
  }

  all(): readonly string[] {
    return this.entries;
  }
}

/**
 * Whether Up or Down should walk the history rather than move the caret: Up with the
 * caret at the very start (or, while walking, anywhere on the first line), Down with it
 * at the very end (or, while walking, on the last line). A selection never walks.
 */
export function walksHistory(
  key: "up" | "down",
  text: string,
  selection: { start: number; end: number },
  walking: boolean,
): boolean {
  if (selection.start !== selection.end) return false;
  const caret = selection.start;
  if (key === "up") return caret === 0 || (walking && !text.slice(0, caret).includes("\n"));
  return caret === text.length || (walking && !text.slice(caret).includes("\n"));
}

/** What the prompt box shows: its text and whether it is in shell mode. */
export interface BoxEntry {
  shell: boolean;
  text: string;
}

/** The stored form of what the box shows: `!command` for a shell command, "" when blank. */
export function entryOf(box: BoxEntry): string {
  if (!box.shell) return box.text;
  return box.text.trim() === "" ? "" : `!${box.text}`;
}

/** What a stored entry shows: `!` and a command is shell mode; `!` alone is an empty box. */
export function boxOf(entry: string): BoxEntry {
  if (!entry.startsWith("!")) return { shell: false, text: entry };
  const command = entry.slice(1);
  return command.trim() === "" ? { shell: false, text: "" } : { shell: true, text: command };
}

/** The unsent text of one session (or "" when there is none). */
export function loadDraft(storage: KeyValueStorage | undefined, key: string): string {
  try {
    return storage?.getItem(DRAFT_PREFIX + key) ?? "";
  } catch {
    return "";
  }
}

/** Keep (or, when empty, forget) the unsent text of one session. */
export function saveDraft(storage: KeyValueStorage | undefined, key: string, text: string): void {
  try {
    if (text === "") storage?.removeItem(DRAFT_PREFIX + key);
    else storage?.setItem(DRAFT_PREFIX + key, text.slice(0, DRAFT_LIMIT));
  } catch {
    // Storage full or disabled: the draft lives for this page only.
  }
}
