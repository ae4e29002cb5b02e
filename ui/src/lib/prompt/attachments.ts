/**
 * Files the user attaches to a prompt (by the button, by paste, by drag and drop): which
 * are accepted, and the file part each becomes. A part carries its content as a `data:`
 * URL, as OpenCode's own web app sends it, so the server never has to reach the browser.
 */

/** What the server's models can take as attachments. */
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
export const PDF_TYPE = "application/pdf";
/** One attachment at most; a data URL grows the prompt by a third again. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** All attachments of one prompt together (the proxy's default body limit is larger). */
export const MAX_TOTAL_BYTES = 20 * 1024 * 1024;

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-yaml|yaml|toml|javascript|x-sh|sql))/;
/** File name endings read as text when the browser gives no type. */
const TEXT_EXTENSIONS = (
  "txt md markdown csv tsv log json jsonl yml yaml toml ini cfg conf xml htm html css scss js " +
  "jsx mjs cjs ts tsx py rb go rs java kt c h cc cpp hpp cs php swift sh bash zsh sql r lua pl " +
  "ex exs erl hs scala dart vue svelte dockerfile makefile env gitignore"
).split(" ");
const TEXT_NAMES = new RegExp(`\\.(${TEXT_EXTENSIONS.join("|")})$`, "i");

/** The file picker's `accept`: a hint only; `kindOf` decides what is taken. */
export const ACCEPT = [
  ...IMAGE_TYPES,
  PDF_TYPE,
  "text/*",
  "application/json",
  "application/xml",
  "application/x-yaml",
  "application/toml",
  ...TEXT_EXTENSIONS.map((ext) => `.${ext}`),
].join(",");

export type AttachmentKind = "image" | "pdf" | "text";

export interface Attachment {
  /** A key for the list (and for removing it). */
  id: string;
  filename: string;
  mime: string;
  kind: AttachmentKind;
  size: number;
  /** `data:<mime>;base64,...` */
  url: string;
}

export interface Rejection {
  filename: string;
  reason: string;
}

/** The minimal shape of a browser File, so tests can pass plain objects. */
export interface FileLike {
  name: string;
  type: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What kind of attachment a file is, or null when no model can take it. */
export function kindOf(file: Pick<FileLike, "name" | "type">): AttachmentKind | null {
  const type = file.type.toLowerCase();
  if ((IMAGE_TYPES as readonly string[]).includes(type)) return "image";
  if (type === PDF_TYPE) return "pdf";
  if (
    TEXT_TYPES.test(type) ||
    ((type === "" || type === "application/octet-stream") && TEXT_NAMES.test(file.name))
  ) {
    return "text";
  }
  return null;
}

/** The mime type sent for a file: text files without a type are sent as text/plain. */
export function mimeOf(file: Pick<FileLike, "name" | "type">, kind: AttachmentKind): string {
  if (kind === "text" && (file.type === "" || file.type === "application/octet-stream")) {
    return "text/plain";
  }
  return file.type.toLowerCase();
}

/** "12 KB", "3.4 MB". */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Why a file cannot be attached next to what is already there, or null when it can. */
export function rejectionOf(
  file: Pick<FileLike, "name" | "type" | "size">,
  alreadyBytes: number,
): string | null {
  const kind = kindOf(file);
  if (kind === null) {
    return `${file.type || "this file type"} cannot be attached: attach images (PNG, JPEG, GIF, WebP), PDFs or text files.`;
  }
  if (file.size > MAX_ATTACHMENT_BYTES) {
    // Just over the limit reads as the limit when rounded: then say it in bytes.
    const size =
      sizeText(file.size) === sizeText(MAX_ATTACHMENT_BYTES)
        ? `${file.size.toLocaleString("en")} bytes`
        : sizeText(file.size);
    return `It is ${size}; one attachment can be at most ${sizeText(MAX_ATTACHMENT_BYTES)}.`;
  }
  if (alreadyBytes + file.size > MAX_TOTAL_BYTES) {
    return `Together the attachments would be over ${sizeText(MAX_TOTAL_BYTES)}; send some first.`;
  }
  return null;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

let counter = 0;

/**
 * Read the files that can be attached into attachments; the others are returned with the
 * reason, so the prompt box can say what was left out and why.
 */
export async function readAttachments(
  files: FileLike[],
  already: Attachment[],
): Promise<{ added: Attachment[]; rejected: Rejection[] }> {
  const added: Attachment[] = [];
  const rejected: Rejection[] = [];
  let bytes = already.reduce((sum, item) => sum + item.size, 0);
  for (const file of files) {
    const reason = rejectionOf(file, bytes);
    const kind = kindOf(file);
    if (reason !== null || kind === null) {
      rejected.push({ filename: file.name || "(unnamed)", reason: reason ?? "Not supported." });
      continue;
    }
    const mime = mimeOf(file, kind);
    const data = base64(new Uint8Array(await file.arrayBuffer()));
    bytes += file.size;
    added.push({
      id: `att-${++counter}`,
      filename: file.name || `pasted.${mime.split("/")[1] ?? "bin"}`,
      mime,
      kind,
      size: file.size,
      url: `data:${mime};base64,${data}`,
    });
  }
  return { added, rejected };
}
