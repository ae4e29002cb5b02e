/** One card's heading (verb, subject, muted extras, counts, accessible name) from a call. */

import { type ToolState } from "../../api/types";
import { oneLine } from "../format";
import { todoProgress, todoSummary } from "../todos";
import { type FileChange, editChange, multiEditChanges, patchChanges, replacements } from "./edits";
import { type Phase, READ_VERBS, type ToolFamily, VERBS, phaseOf, toolFamily } from "./families";
import { bashExit, lineCount, parseGlob, parseGrep, rangeText, readView } from "./outputs";
import { relativePath } from "./paths";
import { askedQuestions, todoItems } from "./results";
import { type Bag, isBag, metadataOf, num, outputOf, plural, str } from "./values";

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
