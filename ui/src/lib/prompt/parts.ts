/**
 * A prompt as the parts OpenCode takes (`POST /session/{id}/prompt_async`): the text, a
 * file part for each @-mentioned file (a `file://` URL the server reads in itself, with
 * where the mention sits in the text), an agent part for each @-mentioned agent, a file
 * part with a line range for each @-mentioned symbol (`?start=&end=`, which the server
 * reads as the lines to send), and the attachments as `data:` URLs.
 */

import type { Attachment } from "./attachments";

export interface Mention {
  kind: "file" | "directory" | "agent" | "symbol";
  /** The path relative to the project (files, directories), the agent's or symbol's name. */
  value: string;
  /** A symbol's file (relative to the project), lines (LSP: from 0) and LSP kind. */
  symbol?: { path: string; range: LineRange; kind: number };
}

export interface LineRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface TextSpan {
  value: string;
  start: number;
  end: number;
}

export type PromptPart =
  | { type: "text"; text: string }
  | {
      type: "file";
      mime: string;
      url: string;
      filename: string;
      source?:
        | { type: "file"; path: string; text: TextSpan }
        | {
            type: "symbol";
            path: string;
            name: string;
            kind: number;
            range: LineRange;
            text: TextSpan;
          };
    }
  | { type: "agent"; name: string; source: TextSpan };

/** What the prompt box hands over when the user sends. */
export interface PromptInput {
  text: string;
  /** The mentions the user picked from the list (those still in the text are sent). */
  mentions: Mention[];
  attachments: Attachment[];
  /** Run the text in the session's shell (the prompt started with `!`). */
  shell?: boolean;
}

/** `@value` as typed in the prompt. */
export function mentionText(mention: Mention): string {
  return `@${mention.value}`;
}

/** Where each chosen mention still stands in the text (the user may have edited it away). */
export function mentionSpans(text: string, chosen: Mention[]): Array<Mention & TextSpan> {
  const found: Array<Mention & TextSpan> = [];
  const seen = new Set<string>();
  for (const mention of chosen) {
    const token = mentionText(mention);
    const key = `${mention.kind}:${mention.value}`;
    if (seen.has(key)) continue;
    let from = 0;
    while (from <= text.length) {
      const start = text.indexOf(token, from);
      if (start < 0) break;
      const end = start + token.length;
      const before = start === 0 ? " " : text[start - 1]!;
      const after = end === text.length ? " " : text[end]!;
      if (/\s/.test(before) && /[\s,.;:!?)]/.test(after)) {
        found.push({ ...mention, value: mention.value, start, end });
        seen.add(key);
        break;
      }
      from = start + 1;
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** A `file://` URL for an absolute POSIX path, each segment escaped. */
export function fileUrl(path: string): string {
  return `file://${path.split("/").map(encodeURIComponent).join("/")}`;
}

function join(directory: string, relative: string): string {
  if (relative.startsWith("/")) return relative;
  return `${directory.replace(/\/+$/, "")}/${relative.replace(/^\.\//, "")}`;
}

/** The parts of a prompt; `directory` is the project's absolute path on the server. */
export function promptParts(
  text: string,
  chosen: Mention[],
  attachments: Attachment[],
  directory: string,
): PromptPart[] {
  const parts: PromptPart[] = [{ type: "text", text }];
  for (const mention of mentionSpans(text, chosen)) {
    const span = {
      value: text.slice(mention.start, mention.end),
      start: mention.start,
      end: mention.end,
    };
    if (mention.kind === "agent") {
      parts.push({ type: "agent", name: mention.value, source: span });
      continue;
    }
    if (mention.kind === "symbol") {
      const symbol = mention.symbol;
      if (!symbol) continue;
      // The server reads lines start..end (from 1) of a text/plain file URL.
      const lines = `?start=${symbol.range.start.line + 1}&end=${symbol.range.end.line + 1}`;
      parts.push({
        type: "file",
        mime: "text/plain",
        url: fileUrl(join(directory, symbol.path)) + lines,
        filename: symbol.path.split("/").pop() || symbol.path,
        source: {
          type: "symbol",
          path: symbol.path,
          name: mention.value,
          kind: symbol.kind,
          range: symbol.range,
          text: span,
        },
      });
      continue;
    }
    const path = mention.value.replace(/\/+$/, "");
    parts.push({
      type: "file",
      mime: mention.kind === "directory" ? "application/x-directory" : "text/plain",
      url: fileUrl(join(directory, path)),
      filename: path.split("/").pop() || path,
      source: { type: "file", path, text: span },
    });
  }
  for (const attachment of attachments) {
    parts.push({
      type: "file",
      mime: attachment.mime,
      url: attachment.url,
      filename: attachment.filename,
    });
  }
  return parts;
}
