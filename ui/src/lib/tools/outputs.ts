/** Tool outputs parsed into what the cards list: line counts, bash's output and exit code,
 * read's file text and line range, glob's files, grep's matches, list's tree. */

import { type ToolState } from "../../api/types";
import { parsePatch } from "../diff";
import { type Bag, isBag, metadataOf, num, plural, str } from "./values";

/** Added and deleted lines of a unified patch. */
export function patchCounts(patch: string): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const line of parsePatch(patch)) {
    if (line.kind === "add") additions++;
    else if (line.kind === "del") deletions++;
  }
  return { additions, deletions };
}

/** Lines of a text ("a\nb\n" is 2, "" is 0). */
export function lineCount(text: string): number {
  if (text === "") return 0;
  return (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n").length;
}

// ---------- bash ----------

// CSI sequences (colours, cursor moves), OSC sequences (titles, links) and lone escapes.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-_]/g;

/** Terminal output without its colour and cursor escapes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** What a command printed so far: the final output, else the streamed `metadata.output`. */
export function bashOutput(state: ToolState): string {
  const streamed = str(metadataOf(state).output);
  const text = state.status === "completed" ? (streamed ?? state.output) : (streamed ?? "");
  return stripAnsi(text);
}

/** The exit code when the command ended with one. */
export function bashExit(state: ToolState): number | undefined {
  return num(metadataOf(state).exit);
}

// ---------- read ----------

export interface ReadView {
  path: string;
  text: string;
  start: number;
  end?: number;
  total?: number;
  truncated: boolean;
  kind: string;
}

/** What a read showed: the file's text and the lines it covers. */
export function readView(input: Bag, metadata: Bag, output = ""): ReadView {
  const display = isBag(metadata.display) ? metadata.display : {};
  const given = str(display.text) ?? str(metadata.preview);
  const fallback = given === undefined ? readOutputText(output) : undefined;
  const text = given ?? fallback?.text ?? "";
  const start = num(display.lineStart) ?? fallback?.start ?? num(input.offset) ?? 1;
  const view: ReadView = {
    path: str(input.filePath) ?? str(display.path) ?? "",
    text,
    start: Math.max(1, start),
    truncated: display.truncated === true || metadata.truncated === true,
    kind: str(display.type) ?? "file",
  };
  const end = num(display.lineEnd);
  if (end !== undefined) view.end = end;
  else if (text !== "") view.end = view.start + lineCount(text) - 1;
  const total = num(display.totalLines);
  if (total !== undefined) view.total = total;
  return view;
}

const NUMBERED = /^\s*(\d+)[:|] ?(.*)$/;

/**
 * A read's text from its output, for servers that send no `metadata.display`: the
 * numbered lines inside `<content>` ("12: text", or older "00012| text").
 */
export function readOutputText(output: string): { start: number; text: string } | undefined {
  const body = /<content>\n?([\s\S]*?)<\/content>/.exec(output)?.[1] ?? output;
  let start: number | undefined;
  const lines: string[] = [];
  for (const line of body.split("\n")) {
    const numbered = NUMBERED.exec(line);
    if (!numbered) {
      if (start !== undefined) break;
      continue;
    }
    start ??= Number(numbered[1]);
    lines.push(numbered[2] ?? "");
  }
  return start === undefined ? undefined : { start, text: lines.join("\n") };
}

/** "lines 1–12 of 12", "lines 40–80 of 200", "line 3", "from line 40". */
export function rangeText(view: Pick<ReadView, "start" | "end" | "total">): string {
  const of = view.total !== undefined ? ` of ${view.total}` : "";
  if (view.end === undefined) return view.start > 1 ? `from line ${view.start}` : "";
  if (view.end < view.start) return view.total !== undefined ? `${plural(view.total, "line")}` : "";
  if (view.end === view.start) return `line ${view.start}${of}`;
  return `lines ${view.start}–${view.end}${of}`;
}

// ---------- glob, grep, list ----------

const NO_FILES = /^No files found\.?$/i;
const TRUNCATED = /^\(Results are truncated[^)]*\)$/i;

export interface FileList {
  files: string[];
  truncated: boolean;
}

/** glob's output: one path a line, "No files found", perhaps a truncation note. */
export function parseGlob(output: string): FileList {
  const files: string[] = [];
  let truncated = false;
  for (const raw of output.split("\n")) {
    const line = raw.trim();
    if (line === "" || NO_FILES.test(line)) continue;
    if (TRUNCATED.test(line)) truncated = true;
    else files.push(line);
  }
  return { files, truncated };
}

export interface GrepFile {
  path: string;
  matches: Array<{ line: number; text: string }>;
}

export interface GrepResult {
  total: number;
  files: GrepFile[];
  truncated: boolean;
}

const GREP_FOUND = /^Found (\d+) match/i;
const GREP_LINE = /^\s+Line (\d+): ?(.*)$/;

/** grep's output: "Found N matches", then each file with a colon and its "Line N: text". */
export function parseGrep(output: string): GrepResult {
  const files: GrepFile[] = [];
  let total: number | undefined;
  let truncated = false;
  let current: GrepFile | undefined;
  for (const raw of output.split("\n")) {
    const found = GREP_FOUND.exec(raw);
    if (found) {
      total = Number(found[1]);
      continue;
    }
    const match = GREP_LINE.exec(raw);
    if (match && current) {
      current.matches.push({ line: Number(match[1]), text: match[2] ?? "" });
      continue;
    }
    const line = raw.trim();
    if (line === "" || NO_FILES.test(line)) continue;
    if (TRUNCATED.test(line)) {
      truncated = true;
    } else if (line.endsWith(":") && !raw.startsWith(" ")) {
      current = { path: line.slice(0, -1), matches: [] };
      files.push(current);
    }
  }
  const counted = files.reduce((sum, file) => sum + file.matches.length, 0);
  return { total: total ?? counted, files, truncated };
}

export interface TreeEntry {
  name: string;
  depth: number;
  dir: boolean;
}

/** list's output: the directory's path, then its entries indented two spaces a level. */
export function parseList(output: string): { root: string; entries: TreeEntry[] } {
  const lines = output.split("\n").filter((line) => line.trim() !== "");
  const root = (lines.shift() ?? "").trim();
  const entries = lines.map((line) => {
    const indent = line.length - line.trimStart().length;
    const name = line.trim();
    return {
      name: name.replace(/\/$/, ""),
      depth: Math.max(0, Math.floor(indent / 2) - 1),
      dir: name.endsWith("/"),
    };
  });
  return { root: root.replace(/\/$/, ""), entries };
}
