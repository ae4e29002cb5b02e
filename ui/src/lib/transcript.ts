/**
 * The messages and parts of one session, kept in a shape that lets the view update one
 * part at a time: messages and parts are looked up by ID, and each message lists its
 * part IDs in order. A streamed word (`message.part.delta`) changes one string and
 * nothing else, so a long conversation is never re-rendered as a whole.
 *
 * The functions mutate a Transcript in place: the app runs them inside Solid's
 * `produce`, which turns each assignment into a fine-grained update; tests run them on
 * plain objects.
 */

import type { Message, MessageWithParts, Part, ServerEvent } from "../api/types";

export interface Transcript {
  /** Message IDs, oldest first (OpenCode's IDs sort by creation time). */
  order: string[];
  messages: Record<string, Message>;
  /** The part IDs of each message, in order. */
  parts: Record<string, string[]>;
  part: Record<string, Part>;
}

export function emptyTranscript(): Transcript {
  return { order: [], messages: {}, parts: {}, part: {} };
}

/** Insert an ID into a sorted list unless it is there already. */
export function insertSorted(list: string[], id: string): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle]! < id) low = middle + 1;
    else high = middle;
  }
  if (list[low] !== id) list.splice(low, 0, id);
}

function removeFrom(list: string[] | undefined, id: string): void {
  if (!list) return;
  const index = list.indexOf(id);
  if (index >= 0) list.splice(index, 1);
}

export function upsertMessage(transcript: Transcript, info: Message): void {
  if (!(info.id in transcript.messages)) {
    insertSorted(transcript.order, info.id);
    transcript.parts[info.id] ??= [];
  }
  transcript.messages[info.id] = info;
}

export function removeMessage(transcript: Transcript, messageID: string): void {
  removeFrom(transcript.order, messageID);
  for (const partID of transcript.parts[messageID] ?? []) delete transcript.part[partID];
  delete transcript.parts[messageID];
  delete transcript.messages[messageID];
}

export function upsertPart(transcript: Transcript, part: Part): void {
  const list = (transcript.parts[part.messageID] ??= []);
  insertSorted(list, part.id);
  transcript.part[part.id] = part;
}

export function removePart(transcript: Transcript, messageID: string, partID: string): void {
  removeFrom(transcript.parts[messageID], partID);
  delete transcript.part[partID];
}

export interface PartDelta {
  messageID: string;
  partID: string;
  field: string;
  delta: string;
}

/** Append a streamed piece to a part's field; false when the part is not known (yet). */
export function applyDelta(transcript: Transcript, delta: PartDelta): boolean {
  const part = transcript.part[delta.partID] as unknown as Record<string, unknown> | undefined;
  if (!part) return false;
  const current = part[delta.field];
  if (current !== undefined && typeof current !== "string") return false;
  part[delta.field] = (current ?? "") + delta.delta;
  return true;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
}

/**
 * Apply one server event if it concerns this session. Returns whether it changed
 * anything the transcript shows.
 */
export function applyEvent(transcript: Transcript, sessionID: string, event: ServerEvent): boolean {
  const props = event.properties;
  if (props.sessionID !== sessionID) return false;
  switch (event.type) {
    case "message.updated": {
      const info = record(props.info);
      if (!info || typeof info.id !== "string") return false;
      upsertMessage(transcript, info as unknown as Message);
      return true;
    }
    case "message.removed":
      if (typeof props.messageID !== "string") return false;
      removeMessage(transcript, props.messageID);
      return true;
    case "message.part.updated": {
      const part = record(props.part);
      if (!part || typeof part.id !== "string" || typeof part.messageID !== "string") return false;
      upsertPart(transcript, part as unknown as Part);
      return true;
    }
    case "message.part.removed":
      if (typeof props.messageID !== "string" || typeof props.partID !== "string") return false;
      removePart(transcript, props.messageID, props.partID);
      return true;
    case "message.part.delta":
      if (
        typeof props.messageID !== "string" ||
        typeof props.partID !== "string" ||
        typeof props.field !== "string" ||
        typeof props.delta !== "string"
      ) {
        return false;
      }
      return applyDelta(transcript, props as unknown as PartDelta);
    default:
      return false;
  }
}

function streamedText(part: Part | undefined): string | null {
  if (!part || (part.type !== "text" && part.type !== "reasoning")) return null;
  return part.text;
}

/**
 * The transcript of a fetched message list. A fetch that raced with streaming may
 * return a part's text shorter than what the deltas already showed; the longer local
 * text is kept then, so no word disappears and none is doubled. Messages that arrived
 * by events after the fetched list was taken (newer than its newest) are kept too.
 */
export function buildTranscript(
  fetched: MessageWithParts[],
  previous: Transcript = emptyTranscript(),
): Transcript {
  const next = emptyTranscript();
  for (const { info, parts } of fetched) {
    upsertMessage(next, info);
    for (const part of parts) {
      const local = streamedText(previous.part[part.id]);
      const remote = streamedText(part);
      const ended = (part as { time?: { end?: number } }).time?.end !== undefined;
      if (
        local !== null &&
        remote !== null &&
        !ended &&
        local.length > remote.length &&
        local.startsWith(remote)
      ) {
        upsertPart(next, { ...part, text: local } as Part);
      } else {
        upsertPart(next, part);
      }
    }
  }
  const newest = next.order[next.order.length - 1] ?? "";
  for (const id of previous.order) {
    const info = previous.messages[id];
    if (id <= newest || !info) continue;
    upsertMessage(next, info);
    for (const part of partsOf(previous, id)) upsertPart(next, part);
  }
  return next;
}

/** The parts of a message, in order. */
export function partsOf(transcript: Transcript, messageID: string): Part[] {
  return (transcript.parts[messageID] ?? [])
    .map((id) => transcript.part[id])
    .filter((part): part is Part => part !== undefined);
}
