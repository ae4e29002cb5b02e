/**
 * What a tool call did, in words: the verb, key argument, counts and accessible name of
 * each tool card; the tools' outputs parsed into what the cards list (glob's files,
 * grep's matches, list's tree, read's line range, a task's result, a question's
 * answers, a todo list); the tidy key/value rows of a tool the UI does not know; and the
 * grouping of consecutive exploration calls into one "Explored 1 read · 2 searches" row.
 *
 * Pure (no Solid, no DOM), so every case is unit-tested. The shapes come from OpenCode
 * 1.18.33's tool parts (`state.input`, `state.metadata`, `state.output`) and from the
 * tools other versions add (list, patch, apply_patch, multiedit, todoread). Everything
 * here reads untrusted data: each field is checked before use and nothing throws.
 *
 * Written by hand: these wordings and output formats are OpenCode's own, no library
 * knows them. The ANSI stripping is one regular expression, not worth a dependency.
 */

import type { Todo, ToolState } from "../api/types";
import { parsePatch } from "./diff";
import { oneLine } from "./format";
import { parseTodos, todoProgress, todoSummary } from "./todos";

// ---------- reading untrusted values ----------

type Bag = Record<string, unknown>;

function isBag(value: unknown): value is Bag {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The metadata of a state that has some. */
export function metadataOf(state: ToolState): Bag {
  return "metadata" in state && isBag(state.metadata) ? state.metadata : {};
}

/** The output of a finished call ("" otherwise). */
export function outputOf(state: ToolState): string {
  return state.status === "completed" && typeof state.output === "string" ? state.output : "";
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

// ---------- families, phases and verbs ----------

export type ToolFamily =
  | "bash"
  | "read"
  | "search"
  | "list"
  | "write"
  | "edit"
  | "patch"
  | "todo"
  | "task"
  | "webfetch"
  | "question"
  | "skill"
  | "generic";

const FAMILIES: Record<string, ToolFamily> = {
  bash: "bash",
  shell: "bash",
  read: "read",
  grep: "search",
  glob: "search",
  list: "list",
  ls: "list",
  write: "write",
  edit: "edit",
  multiedit: "edit",
  patch: "patch",
  apply_patch: "patch",
  todowrite: "todo",
  todoread: "todo",
  task: "task",
  webfetch: "webfetch",
  question: "question",
  skill: "skill",
};

/** Which card draws a tool. */
export function toolFamily(tool: string): ToolFamily {
  return Object.hasOwn(FAMILIES, tool) ? FAMILIES[tool]! : "generic";
}

/** Pending and running are both still going. */
export type Phase = "active" | "done" | "failed";

export function phaseOf(state: ToolState): Phase {
  if (state.status === "completed") return "done";
  if (state.status === "error") return "failed";
  return "active";
}

/** While it runs, once done, and when it failed ("Fetch … · Failed"). */
const VERBS: Record<ToolFamily, Record<Phase, string>> = {
  bash: { active: "Running", done: "Ran", failed: "Run" },
  read: { active: "Reading", done: "Read", failed: "Read" },
  search: { active: "Searching", done: "Searched", failed: "Search" },
  list: { active: "Listing", done: "Listed", failed: "List" },
  write: { active: "Writing", done: "Wrote", failed: "Write" },
  edit: { active: "Editing", done: "Edited", failed: "Edit" },
  patch: { active: "Editing", done: "Edited", failed: "Edit" },
  todo: { active: "Planning", done: "Planned", failed: "Plan" },
  task: { active: "Delegating", done: "Delegated", failed: "Delegate" },
  webfetch: { active: "Fetching", done: "Fetched", failed: "Fetch" },
  question: { active: "Asking", done: "Asked", failed: "Ask" },
  skill: { active: "Loading skill", done: "Loaded skill", failed: "Load skill" },
  generic: { active: "Calling", done: "Called", failed: "Call" },
};

const READ_VERBS: Record<Phase, string> = { active: "Reading", done: "Read", failed: "Read" };

// ---------- paths ----------

/** The project directory a message's tools ran in (`path.root`, else `path.cwd`). */
export function messageDirectory(info: unknown): string | undefined {
  if (!isBag(info) || !isBag(info.path)) return undefined;
  const root = str(info.path.root) || str(info.path.cwd);
  return root && root !== "/" ? root : undefined;
}

/** A path relative to the project directory when it is under it ("." for the directory). */
export function relativePath(path: string, root: string | undefined): string {
  if (!root) return path;
  const base = root.replace(/\/+$/, "");
  if (base === "") return path;
  if (path === base || path === `${base}/`) return ".";
  return path.startsWith(`${base}/`) ? path.slice(base.length + 1) : path;
}

// ---------- counts ----------

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

// ---------- edits ----------

export interface FileChange {
  path: string;
  patch: string;
  additions: number;
  deletions: number;
  /** "add", "update", "delete", "move" where the tool says. */
  type?: string;
  movePath?: string;
}

function changeOf(value: unknown): FileChange | undefined {
  if (!isBag(value)) return undefined;
  const patch = str(value.patch) ?? str(value.diff) ?? "";
  const path = str(value.relativePath) ?? str(value.filePath) ?? str(value.file) ?? "";
  if (!path && !patch) return undefined;
  const counted = patchCounts(patch);
  const change: FileChange = {
    path,
    patch,
    additions: num(value.additions) ?? counted.additions,
    deletions: num(value.deletions) ?? counted.deletions,
  };
  const type = str(value.type);
  if (type) change.type = type;
  const movePath = str(value.movePath);
  if (movePath) change.movePath = movePath;
  return change;
}

/** An edit's diff: `metadata.filediff`, else `metadata.diff`. */
export function editChange(input: Bag, metadata: Bag): FileChange | undefined {
  const path = str(input.filePath) ?? "";
  const filediff = changeOf(metadata.filediff);
  if (filediff?.patch) return { ...filediff, path: path || filediff.path };
  const diff = str(metadata.diff);
  if (diff) return { path, patch: diff, ...patchCounts(diff) };
  return undefined;
}

export interface Replacement {
  oldString: string;
  newString: string;
  replaceAll: boolean;
}

function replacementOf(value: unknown): Replacement | undefined {
  if (!isBag(value)) return undefined;
  const oldString = str(value.oldString);
  const newString = str(value.newString);
  if (oldString === undefined && newString === undefined) return undefined;
  return {
    oldString: oldString ?? "",
    newString: newString ?? "",
    replaceAll: value.replaceAll === true,
  };
}

/** The replacements an edit or multiedit asked for (shown until there is a diff). */
export function replacements(input: Bag): Replacement[] {
  if (Array.isArray(input.edits)) {
    return input.edits.map(replacementOf).filter((edit): edit is Replacement => !!edit);
  }
  const one = replacementOf(input);
  return one ? [one] : [];
}

/** multiedit's diffs: one per edit in `metadata.results`. */
export function multiEditChanges(input: Bag, metadata: Bag): FileChange[] {
  if (!Array.isArray(metadata.results)) return [];
  const changes: FileChange[] = [];
  for (const result of metadata.results) {
    if (isBag(result)) {
      const change = editChange(input, result);
      if (change) changes.push(change);
    }
  }
  return changes;
}

const PATCH_FILE = /^\*\*\* (Add|Update|Delete) File: (.+)$/;
const PATCH_MOVE = /^\*\*\* Move to: (.+)$/;

/**
 * The files a patch/apply_patch changed: `metadata.files` (each with its own diff) when
 * the tool gives them, else the file names its `patchText` announces.
 */
export function patchChanges(input: Bag, metadata: Bag): FileChange[] {
  if (Array.isArray(metadata.files)) {
    const files = metadata.files.map(changeOf).filter((c): c is FileChange => !!c);
    if (files.length > 0) return files;
  }
  const changes: FileChange[] = [];
  const text = str(input.patchText) ?? "";
  for (const line of text.split("\n")) {
    const file = PATCH_FILE.exec(line.trim());
    if (file) {
      const type = file[1] === "Add" ? "add" : file[1] === "Delete" ? "delete" : "update";
      changes.push({ path: file[2]!.trim(), patch: "", additions: 0, deletions: 0, type });
      continue;
    }
    const move = PATCH_MOVE.exec(line.trim());
    const last = changes[changes.length - 1];
    if (move && last) {
      last.movePath = move[1]!.trim();
      last.type = "move";
    }
  }
  return changes;
}

// ---------- todos ----------

/** A todo list from `metadata.todos` or `input.todos`, malformed entries dropped. */
export function todoItems(input: Bag, metadata: Bag): Todo[] {
  return parseTodos(Array.isArray(metadata.todos) ? metadata.todos : input.todos) ?? [];
}

// ---------- task ----------

/** The child session a task runs in: `metadata.sessionId`, else the ID its output names. */
export function taskSessionId(metadata: Bag, output: string): string | undefined {
  const id = str(metadata.sessionId);
  if (id) return id;
  const tagged =
    /<task id="(ses_[A-Za-z0-9]+)"/.exec(output) ?? /task_id: (ses_[A-Za-z0-9]+)/.exec(output);
  return tagged?.[1];
}

/** What the sub-agent answered: the text inside `<task_result>`, else the output itself. */
export function taskResult(output: string): string {
  const inner = /<task_result>\n?([\s\S]*?)\n?<\/task_result>/.exec(output);
  if (inner) return inner[1]!.trim();
  return output
    .replace(/<\/?task[^>]*>/g, "")
    .replace(/^task_id: .*$/m, "")
    .trim();
}

// ---------- webfetch ----------

/** The URL as a link target, only for http(s): anything else stays text. */
export function safeUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

// ---------- question ----------

export interface AskedQuestion {
  question: string;
  header: string;
  options: Array<{ label: string; description: string }>;
  multiple: boolean;
  /** The answers given (labels or typed text); undefined while unanswered. */
  answers?: string[];
}

/** The questions asked and, once replied, the answers (`metadata.answers`). */
export function askedQuestions(input: Bag, metadata: Bag): AskedQuestion[] {
  const questions = Array.isArray(input.questions) ? input.questions : [];
  const answers = Array.isArray(metadata.answers) ? metadata.answers : undefined;
  const asked: AskedQuestion[] = [];
  questions.forEach((value, index) => {
    if (!isBag(value)) return;
    const options = Array.isArray(value.options) ? value.options : [];
    const item: AskedQuestion = {
      question: str(value.question) ?? "",
      header: str(value.header) ?? "",
      options: options.filter(isBag).map((option) => ({
        label: str(option.label) ?? "",
        description: str(option.description) ?? "",
      })),
      multiple: value.multiple === true,
    };
    const given = answers?.[index];
    if (Array.isArray(given))
      item.answers = given.filter((a): a is string => typeof a === "string");
    asked.push(item);
  });
  return asked;
}

// ---------- summaries ----------

export interface ToolSummary {
  family: ToolFamily;
  phase: Phase;
  verb: string;
  /** The key argument, on one line: the command, file, pattern, URL or description. */
  subject: string;
  /** Muted extras after the subject: the description, line range, count, filter. */
  meta: string[];
  additions?: number;
  deletions?: number;
  /** A non-zero exit code. */
  exit?: number;
  /** The card's accessible name: "Ran python3 hello.py", "Fetch http://…, failed". */
  label: string;
}

interface CallLike {
  tool: string;
  state: ToolState;
}

/** One card's heading from the call's input, metadata and output. */
export function summarize(call: CallLike, root?: string): ToolSummary {
  const { state } = call;
  const family = toolFamily(call.tool);
  const phase = phaseOf(state);
  const input = isBag(state.input) ? state.input : {};
  const metadata = metadataOf(state);
  const output = outputOf(state);
  const rel = (path: string) => relativePath(path, root);
  let verb = VERBS[family][phase];
  let subject = "";
  const meta: string[] = [];
  const summary: Partial<ToolSummary> = {};

  switch (family) {
    case "bash": {
      subject = str(input.command) ?? "";
      const description = str(input.description);
      if (description) meta.push(description);
      const exit = bashExit(state);
      if (exit !== undefined && exit !== 0) summary.exit = exit;
      break;
    }
    case "read": {
      const view = readView(input, metadata, output);
      subject = rel(view.path);
      if (phase === "done" || view.start > 1) {
        const range = rangeText(view);
        if (range) meta.push(range);
      }
      break;
    }
    case "search": {
      subject = str(input.pattern) ?? "";
      const path = str(input.path);
      if (path) meta.push(`in ${rel(path)}`);
      const include = str(input.include);
      if (include) meta.push(include);
      if (phase === "done") {
        if (call.tool === "grep") {
          const count = num(metadata.matches) ?? parseGrep(output).total;
          meta.push(plural(count, "match", "matches"));
        } else {
          const count = num(metadata.count) ?? parseGlob(output).files.length;
          meta.push(plural(count, "file"));
        }
      }
      break;
    }
    case "list": {
      const path = str(input.path);
      subject = path ? rel(path) : ".";
      const count = num(metadata.count);
      if (phase === "done" && count !== undefined) meta.push(plural(count, "file"));
      break;
    }
    case "write": {
      subject = rel(str(input.filePath) ?? str(metadata.filepath) ?? "");
      const content = str(input.content);
      if (content !== undefined) {
        summary.additions = lineCount(content);
        summary.deletions = 0;
      }
      if (phase === "done" && metadata.exists === false) meta.push("new file");
      break;
    }
    case "edit": {
      subject = rel(str(input.filePath) ?? "");
      const changes =
        call.tool === "multiedit"
          ? multiEditChanges(input, metadata)
          : [editChange(input, metadata)].filter((c): c is FileChange => !!c);
      if (call.tool === "multiedit") meta.push(plural(replacements(input).length, "edit"));
      if (changes.length > 0) {
        summary.additions = changes.reduce((sum, c) => sum + c.additions, 0);
        summary.deletions = changes.reduce((sum, c) => sum + c.deletions, 0);
      }
      if (input.replaceAll === true) meta.push("every occurrence");
      break;
    }
    case "patch": {
      const changes = patchChanges(input, metadata);
      subject =
        changes.length === 1
          ? rel(changes[0]!.movePath ?? changes[0]!.path)
          : changes.length > 1
            ? plural(changes.length, "file")
            : "";
      if (changes.some((c) => c.patch)) {
        summary.additions = changes.reduce((sum, c) => sum + c.additions, 0);
        summary.deletions = changes.reduce((sum, c) => sum + c.deletions, 0);
      }
      break;
    }
    case "todo": {
      const todos = todoItems(input, metadata);
      if (call.tool === "todoread") {
        verb = READ_VERBS[phase];
        subject = "the todo list";
      } else {
        subject = plural(todos.length, "todo");
      }
      if (todos.length > 0) meta.push(todoSummary(todoProgress(todos)));
      break;
    }
    case "task": {
      subject = str(input.description) ?? "";
      const agent = str(input.subagent_type);
      if (agent) meta.push(`${agent} agent`);
      break;
    }
    case "webfetch": {
      subject = str(input.url) ?? "";
      const format = str(input.format);
      if (format) meta.push(format);
      break;
    }
    case "question": {
      const asked = askedQuestions(input, metadata);
      subject =
        asked.length === 1
          ? asked[0]!.question || asked[0]!.header
          : plural(asked.length, "question");
      const answered = asked.filter((q) => q.answers !== undefined).length;
      if (answered > 0) meta.push(asked.length === 1 ? "answered" : `${answered} answered`);
      break;
    }
    case "skill": {
      subject = str(input.name) ?? "";
      break;
    }
    case "generic": {
      subject = call.tool;
      const hint = firstText(input);
      if (hint) meta.push(hint);
      break;
    }
  }

  subject = oneLine(subject, 300);
  const label = [verb, subject].filter(Boolean).join(" ") + (phase === "failed" ? ", failed" : "");
  return { family, phase, verb, subject, meta, label, ...summary };
}

/** The first short string among a tool's arguments, as a hint of what it was given. */
function firstText(input: Bag): string {
  for (const value of Object.values(input)) {
    if (typeof value === "string" && value.trim() !== "") return oneLine(value, 120);
  }
  return "";
}

// ---------- unknown tools: key/value rows ----------

export type ValueRow =
  | { key: string; kind: "text"; text: string }
  | { key: string; kind: "block"; text: string }
  | { key: string; kind: "group"; rows: ValueRow[] };

/** Strings up to this long, on one line, sit beside their key; longer ones get a block. */
const INLINE_MAX = 80;
const MAX_DEPTH = 5;
const MAX_ROWS = 200;

/** "filePath" → "File path", "subagent_type" → "Subagent type". */
export function keyLabel(key: string): string {
  const words = key
    .replace(/[_-]+/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .trim()
    .toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}

function scalarText(value: unknown): string | undefined {
  if (value === null || value === undefined) return "none";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  return undefined;
}

function rowFor(key: string, value: unknown, depth: number): ValueRow {
  const scalar = scalarText(value);
  if (scalar !== undefined) {
    const inline = scalar.length <= INLINE_MAX && !scalar.includes("\n");
    return { key, kind: inline ? "text" : "block", text: scalar === "" ? "(empty)" : scalar };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return { key, kind: "text", text: "(none)" };
    const texts = value.map(scalarText);
    if (texts.every((t): t is string => t !== undefined)) {
      const joined = texts.join(", ");
      if (joined.length <= INLINE_MAX && !joined.includes("\n")) {
        return { key, kind: "text", text: joined };
      }
    }
    if (depth >= MAX_DEPTH) return { key, kind: "text", text: plural(value.length, "item") };
    return {
      key,
      kind: "group",
      rows: value.slice(0, MAX_ROWS).map((item, index) => rowFor(`${index + 1}`, item, depth + 1)),
    };
  }
  if (isBag(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return { key, kind: "text", text: "(empty)" };
    if (depth >= MAX_DEPTH) return { key, kind: "text", text: plural(entries.length, "field") };
    return { key, kind: "group", rows: valueRows(value, depth + 1) };
  }
  return { key, kind: "text", text: String(value) };
}

/**
 * Any value as labelled rows: short text inline, long text in a block, lists and
 * objects as indented groups; never JSON.
 */
export function valueRows(value: Bag, depth = 0): ValueRow[] {
  return Object.entries(value)
    .slice(0, MAX_ROWS)
    .map(([key, item]) => rowFor(keyLabel(key), item, depth));
}

// ---------- grouping exploration ----------

/** How a part counts for grouping: an exploration call, invisible, or anything else. */
export type PartKind = "explore" | "quiet" | "other";

export interface PartRef {
  id: string;
  kind: PartKind;
  /** For exploration calls: read, grep, glob, list. */
  tool?: string;
}

const EXPLORE_TOOLS = new Set(["read", "grep", "glob", "list", "ls"]);

/**
 * A part's role in grouping. Exploration calls that failed are "other": a failure
 * stays in sight, never folded into a group.
 */
export function partKind(part: unknown): PartKind {
  if (!isBag(part)) return "quiet";
  switch (part.type) {
    case "tool": {
      const state = isBag(part.state) ? part.state : {};
      if (typeof part.tool === "string" && EXPLORE_TOOLS.has(part.tool)) {
        return state.status === "error" ? "other" : "explore";
      }
      return "other";
    }
    case "text":
      return part.synthetic === true || part.ignored === true || str(part.text)?.trim() === ""
        ? "quiet"
        : "other";
    case "reasoning":
      return str(part.text)?.trim() ? "other" : "quiet";
    case "file":
      return "other";
    default:
      // step-start, step-finish, snapshot, patch, agent, ...: nothing between tools.
      return "quiet";
  }
}

export type Grouping =
  { role: "lead"; members: string[] } | { role: "member"; lead: string } | { role: "solo" };

/** Runs shorter than this stay separate cards. */
export const GROUP_MIN = 2;

/**
 * Runs of exploration calls (with only invisible parts between them) become one group,
 * drawn where the first one is; the others are drawn inside it.
 */
export function groupExploration(parts: readonly PartRef[]): Map<string, Grouping> {
  const result = new Map<string, Grouping>();
  let run: string[] = [];
  const close = () => {
    if (run.length >= GROUP_MIN) {
      const [lead, ...rest] = run;
      result.set(lead!, { role: "lead", members: run });
      for (const id of rest) result.set(id, { role: "member", lead: lead! });
    } else {
      for (const id of run) result.set(id, { role: "solo" });
    }
    run = [];
  };
  for (const part of parts) {
    if (part.kind === "explore") run.push(part.id);
    else if (part.kind === "other") {
      close();
      result.set(part.id, { role: "solo" });
    } else {
      result.set(part.id, { role: "solo" });
    }
  }
  close();
  return result;
}

/** "1 read · 2 searches · 1 list". */
export function exploredText(tools: readonly string[]): string {
  let reads = 0;
  let searches = 0;
  let lists = 0;
  for (const tool of tools) {
    if (tool === "read") reads++;
    else if (tool === "grep" || tool === "glob") searches++;
    else lists++;
  }
  return [
    reads ? plural(reads, "read") : "",
    searches ? plural(searches, "search", "searches") : "",
    lists ? plural(lists, "list") : "",
  ]
    .filter(Boolean)
    .join(" · ");
}
