/** Which card draws a tool, whether its call is still going, and the verbs its heading uses. */

import { type ToolState } from "../../api/types";

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
export const VERBS: Record<ToolFamily, Record<Phase, string>> = {
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

export const READ_VERBS: Record<Phase, string> = {
  active: "Reading",
  done: "Read",
  failed: "Read",
};
