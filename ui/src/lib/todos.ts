/**
 * The agent's checklist (`todowrite`), summed up for the dock above the prompt box:
 * how many are done, which one is being worked on, and whether anything is left.
 * Pure functions, no Solid.
 */

import type { Todo, TodoStatus } from "../api/types";

export interface TodoProgress {
  total: number;
  completed: number;
  cancelled: number;
  /** The item in progress (the first one, if the agent marked several). */
  current: Todo | undefined;
  /** Every item is completed or cancelled. */
  finished: boolean;
}

/** Statuses the server may send that are not one of the four known ones count as pending. */
export function todoStatus(todo: Pick<Todo, "status">): TodoStatus {
  switch (todo.status) {
    case "in_progress":
      return "in_progress";
    case "completed":
      return "completed";
    case "cancelled":
      return "cancelled";
    default:
      return "pending";
  }
}

export function todoProgress(todos: readonly Todo[]): TodoProgress {
  let completed = 0;
  let cancelled = 0;
  let current: Todo | undefined;
  for (const todo of todos) {
    const status = todoStatus(todo);
    if (status === "completed") completed += 1;
    else if (status === "cancelled") cancelled += 1;
    else if (status === "in_progress") current ??= todo;
  }
  return {
    total: todos.length,
    completed,
    cancelled,
    current,
    finished: todos.length > 0 && completed + cancelled === todos.length,
  };
}

/** "1 of 3 done" (cancelled items are left out of the count of what is to do). */
export function todoSummary(progress: TodoProgress): string {
  const total = progress.total - progress.cancelled;
  return `${progress.completed} of ${total} done`;
}

/** Whether two lists say the same (an event repeating the fetched list changes nothing). */
export function sameTodos(a: readonly Todo[], b: readonly Todo[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (todo, index) =>
        todo.content === b[index]!.content &&
        todo.status === b[index]!.status &&
        todo.priority === b[index]!.priority,
    )
  );
}

/** A `todo.updated` event's list, checked item by item: anything malformed is dropped. */
export function parseTodos(value: unknown): Todo[] | null {
  if (!Array.isArray(value)) return null;
  const todos: Todo[] = [];
  for (const item of value) {
    if (typeof item !== "object" || item === null) continue;
    const record = item as Record<string, unknown>;
    if (typeof record.content !== "string") continue;
    todos.push({
      ...(typeof record.id === "string" ? { id: record.id } : {}),
      content: record.content,
      status: todoStatus({ status: String(record.status) }),
      priority: typeof record.priority === "string" ? record.priority : "medium",
    });
  }
  return todos;
}
