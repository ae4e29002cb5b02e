/**
 * Which completion the prompt box should offer for the text before the caret: files and
 * agents after an `@` that starts a word, commands after a `/` that starts the prompt.
 */

export interface Trigger {
  kind: "mention" | "command";
  /** What the user typed after the `@` or `/`. */
  query: string;
  /** Where the `@` or `/` is, and where the typed query ends (the caret). */
  start: number;
  end: number;
}

const MENTION = /(^|\s)@([^\s@]*)$/;
const COMMAND = /^\/(\S*)$/;

/** The trigger the caret is in, or null. */
export function triggerAt(text: string, caret: number): Trigger | null {
  const before = text.slice(0, caret);
  const command = COMMAND.exec(before);
  if (command) return { kind: "command", query: command[1]!, start: 0, end: caret };
  const mention = MENTION.exec(before);
  if (mention) {
    const start = caret - mention[2]!.length - 1;
    return { kind: "mention", query: mention[2]!, start, end: caret };
  }
  return null;
}

/** The text with the trigger replaced by `insert` (and a space after it); the new caret. */
export function replaceTrigger(
  text: string,
  trigger: Trigger,
  insert: string,
): { text: string; caret: number } {
  const after = text.slice(trigger.end);
  const spaced = after.startsWith(" ") ? insert : `${insert} `;
  const next = text.slice(0, trigger.start) + spaced + after;
  return { text: next, caret: trigger.start + spaced.length };
}
