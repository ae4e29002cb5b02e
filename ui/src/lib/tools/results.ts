/** What todo lists, sub-agent tasks, fetches and questions gave back. */

import { type Todo } from "../../api/types";
import { parseTodos } from "../todos";
import { type Bag, isBag, str } from "./values";

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
