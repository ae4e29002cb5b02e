/**
 * Follow-ups queued while the agent works, kept in this tab's sessionStorage so a reload
 * does not lose them: after it, they still go, in order, once the session is idle.
 *
 * sessionStorage, not localStorage: a queue belongs to the tab that made it (two tabs
 * must not both send it), and its attachments can be megabytes. When the browser refuses
 * the write (quota), the queue still lives in memory for as long as the tab does; what
 * comes back from storage is checked entry by entry and anything malformed is dropped.
 */

import type { KeyValueStorage } from "../storage";
import type { Attachment } from "./attachments";
import type { Mention, PromptInput } from "./parts";
import { isRecord } from "../records";

export const QUEUE_PREFIX = "opencode-proxy.queue.v1:";

/** A follow-up waiting for the agent to finish. */
export interface QueuedPrompt {
  id: string;
  input: PromptInput;
}

function isMention(value: unknown): value is Mention {
  return (
    isRecord(value) &&
    typeof value.value === "string" &&
    ["file", "directory", "agent", "symbol"].includes(value.kind as string)
  );
}

function isAttachment(value: unknown): value is Attachment {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.filename === "string" &&
    typeof value.mime === "string" &&
    typeof value.kind === "string" &&
    typeof value.size === "number" &&
    typeof value.url === "string" &&
    value.url.startsWith("data:")
  );
}

function queuedOf(value: unknown): QueuedPrompt | undefined {
  if (!isRecord(value) || typeof value.id !== "string" || !isRecord(value.input)) return;
  const { text, mentions, attachments, shell } = value.input;
  if (typeof text !== "string" || !Array.isArray(mentions) || !Array.isArray(attachments)) {
    return;
  }
  if (!mentions.every(isMention) || !attachments.every(isAttachment)) return;
  const input: PromptInput = { text, mentions, attachments };
  if (shell === true) input.shell = true;
  return { id: value.id, input };
}

/** The queue kept for a server's session ("" for none). */
export function loadQueue(storage: KeyValueStorage | undefined, key: string): QueuedPrompt[] {
  try {
    const data: unknown = JSON.parse(storage?.getItem(QUEUE_PREFIX + key) ?? "[]");
    if (!Array.isArray(data)) return [];
    return data.map(queuedOf).filter((item): item is QueuedPrompt => item !== undefined);
  } catch {
    return [];
  }
}

/** Keep the queue (an empty one is removed); false when the browser refused to store it. */
export function saveQueue(
  storage: KeyValueStorage | undefined,
  key: string,
  queue: readonly QueuedPrompt[],
): boolean {
  if (!storage) return false;
  try {
    if (queue.length === 0) storage.removeItem(QUEUE_PREFIX + key);
    else storage.setItem(QUEUE_PREFIX + key, JSON.stringify(queue));
    return true;
  } catch {
    return false;
  }
}
