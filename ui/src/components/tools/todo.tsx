/** A todo list as a checklist: done struck through, the one in progress marked. */

import { createMemo, For, Show, type JSX } from "solid-js";
import type { TodoStatus } from "../../api/types";
import { todoStatus } from "../../lib/todos";
import { todoItems } from "../../lib/tools";
import { inputOf, metaOf, type ToolBodyProps } from "./shared";

const STATUS_TEXT: Record<TodoStatus, string> = {
  completed: "done",
  in_progress: "in progress",
  pending: "to do",
  cancelled: "cancelled",
};

const MARK: Record<TodoStatus, string> = {
  completed: "✓",
  in_progress: "▸",
  pending: "",
  cancelled: "–",
};

export function TodoBody(props: ToolBodyProps): JSX.Element {
  const todos = createMemo(() => todoItems(inputOf(props.part), metaOf(props.part)));
  return (
    <Show when={todos().length > 0} fallback={<p class="muted">The list is empty.</p>}>
      <ul class="todo-checklist" aria-label="Todos">
        <For each={todos()}>
          {(todo) => (
            <li data-status={todoStatus(todo)}>
              <span class="todo-box" aria-hidden="true">
                {MARK[todoStatus(todo)]}
              </span>
              <span class="todo-content">{todo.content}</span>
              <Show
                when={todoStatus(todo) === "in_progress"}
                fallback={<span class="sr-only">({STATUS_TEXT[todoStatus(todo)]})</span>}
              >
                <span class="todo-now">In progress</span>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
