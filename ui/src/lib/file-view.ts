/**
 * What the file viewer shows for `GET /file/content`: text (highlighted by the viewer),
 * an image (only from base64 content with an image type, as a `data:` URL: never a URL
 * the server names), a binary file or one too large to show, said in words; and the
 * line a patch first changes, where "Open file" from a diff scrolls to.
 */

import type { FileContent } from "../api/types";

/** Longer texts are not laid out line by line (the page would crawl): they are named. */
export const TEXT_LIMIT = 1_000_000;
/** Images above this (base64 characters, ~7.5 MB) are not decoded. */
export const IMAGE_LIMIT = 10_000_000;

/** Image types a browser shows safely in an <img> (SVG there runs no script). */
const IMAGE_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/bmp",
  "image/x-icon",
  "image/vnd.microsoft.icon",
  "image/svg+xml",
]);

export type FileView =
  | { kind: "text"; text: string }
  | { kind: "empty" }
  | { kind: "image"; url: string; mime: string; bytes: number }
  | { kind: "binary"; mime: string | undefined; bytes: number | undefined }
  | { kind: "large"; bytes: number };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Bytes a base64 text decodes to. */
export function base64Bytes(text: string): number {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((text.length * 3) / 4) - padding);
}

export function fileView(data: FileContent | null | undefined): FileView {
  const content = typeof data?.content === "string" ? data.content : "";
  const mime = typeof data?.mimeType === "string" ? data.mimeType.toLowerCase().trim() : undefined;
  const base64 = data?.encoding === "base64";
  if (data?.type === "binary" || base64) {
    const clean = base64 ? content.replace(/\s+/g, "") : "";
    const bytes = base64 ? base64Bytes(clean) : undefined;
    if (
      base64 &&
      mime &&
      IMAGE_TYPES.has(mime) &&
      clean !== "" &&
      clean.length <= IMAGE_LIMIT &&
      BASE64.test(clean)
    ) {
      return { kind: "image", url: `data:${mime};base64,${clean}`, mime, bytes: bytes ?? 0 };
    }
    return { kind: "binary", mime, bytes };
  }
  if (content === "") return { kind: "empty" };
  if (content.length > TEXT_LIMIT) return { kind: "large", bytes: new Blob([content]).size };
  return { kind: "text", text: content };
}

/** "12 B", "3.4 KB", "2.9 MB". */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The first line a unified patch changes in the new file (its first hunk's start). */
export function firstChangedLine(patch: string): number | undefined {
  const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/m.exec(patch);
  if (!hunk) return undefined;
  const start = Number(hunk[1]);
  // The hunk's context comes first: the change itself is a few lines in.
  const lines = patch.slice(hunk.index).split("\n").slice(1);
  let at = start;
  for (const line of lines) {
    if (line.startsWith("+") || line.startsWith("-")) return Math.max(1, at);
    if (line.startsWith("@@")) break;
    at += 1;
  }
  return Math.max(1, start);
}
