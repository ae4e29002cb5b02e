/**
 * A sent prompt back as the prompt box holds it (Undo, Revert, "Fork from here"): the
 * text the user typed, the @-mentions still named in it and the attached files, so sending
 * it again sends the same parts. What the server keeps of a prompt (see `promptParts`):
 * - a file part with a `source` is a mention (of a file, a directory or a symbol): sent
 *   again from its path, whatever the server read in (its URL may now be a data URL);
 * - a file part without one is an attachment: its URL (a `data:` URL, or a URL the server
 *   reads, such as `file://`) is sent again as it is;
 * - an agent part is a mention of a sub-agent;
 * - synthetic text parts are what the server added (a file read in, an agent's task);
 * - a shell command leaves only such text; its command is in the reply (`../turns.ts`).
 * Parts of an unknown shape are left out, never thrown on.
 */

import type { Part } from "../../api/types";
import { partsText } from "../turns";
import { PDF_TYPE, kindOf, type Attachment, type AttachmentKind } from "./attachments";
import type { LineRange, Mention, PromptInput } from "./parts";
import { isRecord } from "../records";

type Fields = Record<string, unknown>;

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function isPosition(value: unknown): value is { line: number; character: number } {
  return isRecord(value) && typeof value.line === "number" && typeof value.character === "number";
}

function lineRange(value: unknown): LineRange | undefined {
  if (!isRecord(value) || !isPosition(value.start) || !isPosition(value.end)) return undefined;
  return {
    start: { line: value.start.line, character: value.start.character },
    end: { line: value.end.line, character: value.end.character },
  };
}

/** The mention as typed (`@value`), from where the server says it stood in the text. */
function typed(source: Fields): string | undefined {
  const span = isRecord(source.text) ? text(source.text.value) : undefined;
  return span?.startsWith("@") && span.length > 1 ? span.slice(1) : undefined;
}

function mentionOfFile(part: Fields, source: Fields): Mention | undefined {
  const path = text(source.path);
  if (!path) return undefined;
  if (source.type === "symbol") {
    const range = lineRange(source.range);
    const name = typed(source) ?? text(source.name);
    if (!range || !name) return undefined;
    const kind = typeof source.kind === "number" ? source.kind : 0;
    return { kind: "symbol", value: name, symbol: { path, range, kind } };
  }
  const kind = part.mime === "application/x-directory" ? "directory" : "file";
  return { kind, value: typed(source) ?? path };
}

/** Bytes of a `data:` URL's content (0 when it cannot be told). */
export function dataUrlBytes(url: string): number {
  const comma = url.indexOf(",");
  if (!url.startsWith("data:") || comma < 0) return 0;
  const data = url.slice(comma + 1);
  if (/;base64$/i.test(url.slice(0, comma))) {
    const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
    return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
  }
  try {
    return new TextEncoder().encode(decodeURIComponent(data)).length;
  } catch {
    return data.length;
  }
}

/** What a sent file is shown as: as the box tells it, else by its type (it was taken once). */
function kindOfSent(filename: string, mime: string): AttachmentKind {
  const kind = kindOf({ name: filename, type: mime });
  if (kind) return kind;
  if (mime.startsWith("image/")) return "image";
  return mime === PDF_TYPE ? "pdf" : "text";
}

function attachmentOf(part: Fields, index: number): Attachment | undefined {
  const url = text(part.url);
  const mime = text(part.mime)?.toLowerCase();
  if (!url || !mime) return undefined;
  const named = url.startsWith("data:")
    ? `attachment.${mime.split("/")[1] ?? "bin"}`
    : (url.split(/[?#]/)[0]!.split("/").filter(Boolean).pop() ?? "file");
  const filename = text(part.filename) ?? named;
  return {
    id: `sent-${text(part.id) ?? index}`,
    filename,
    mime,
    kind: kindOfSent(filename, mime),
    size: dataUrlBytes(url),
    url,
  };
}

/** The prompt these parts (a user message's) were sent as. */
export function promptOf(parts: readonly Part[]): PromptInput {
  const mentions: Mention[] = [];
  const attachments: Attachment[] = [];
  parts.forEach((part: unknown, index) => {
    if (!isRecord(part)) return;
    if (part.type === "agent") {
      const name = text(part.name);
      if (name) mentions.push({ kind: "agent", value: name });
      return;
    }
    if (part.type !== "file") return;
    if (isRecord(part.source)) {
      const mention = mentionOfFile(part, part.source);
      if (mention) mentions.push(mention);
      return;
    }
    const attachment = attachmentOf(part, index);
    if (attachment) attachments.push(attachment);
  });
  const typedText = partsText(
    parts.filter((part: unknown) => isRecord(part) && typeof part.text === "string"),
  );
  return { text: typedText, mentions, attachments };
}

/** Whether there is anything to put back into the box. */
export function isEmptyPrompt(prompt: PromptInput): boolean {
  return prompt.text.trim() === "" && prompt.attachments.length === 0;
}
