/**
 * The agent's checklist, docked above the prompt box: "1 of 3 done" and the item being
 * worked on in its head, then every item (in progress spinning, done struck through,
 * cancelled muted), folding away at a click.
 *
 * When it is finished it shrinks to its head, until dismissed or the next prompt starts
 * (the tool card in the transcript keeps the list); a list found finished when the
 * session is opened is old news and stays hidden, and one an earlier turn left unfinished
 * shows folded. While the agent waits for the user it folds too, so a permission card
 * and the prompt box keep the room (on a phone they filled the screen with it).
 */

import { createEffect, createMemo, createSignal, For, on, Show, type JSX } from "solid-js";
import type { Todo } from "../api/types";
import { todoProgress, todoStatus, todoSummary } from "../lib/todos";
import { ChevronIcon, CloseIcon } from "./icons";
import { CheckIcon } from "./session-icons";

const STATUS_TEXT = {
  pending: "to do",
  in_progress: "in progress",
  completed: "done",
  cancelled: "cancelled",
} as const;

export function TodoDock(props: {
  todos: Todo[];
  /** The list changed while the chat was open. */
  changed: boolean;
  busy: boolean;
  /** The agent waits for the user (a permission, a question): the list folds to its
   * head, which still names the item in progress, and leaves the room to the request. */
  waiting?: boolean;
}): JSX.Element {
  const progress = createMemo(() => todoProgress(props.todos));
  const [expanded, setExpanded] = createSignal<boolean>();
  const [dismissed, setDismissed] = createSignal(false);

  // Finishing folds the list; work left again (a new list, more added) shows it again.
  createEffect(
    on(
      () => progress().finished,
      (finished) => {
        setExpanded(undefined);
        if (!finished) setDismissed(false);
      },
      { defer: true },
    ),
  );
  // The next prompt starts: a finished list has had its moment.
  createEffect(
    on(
      () => props.busy,
      (busy, wasBusy) => {
        if (busy && wasBusy === false && progress().finished) setDismissed(true);
      },
    ),
  );

  const visible = () =>
    props.todos.length > 0 && !dismissed() && (!progress().finished || props.changed);
  // Open while the agent works through it; a list left unfinished by an earlier turn
  // shows folded to its head until opened, and so does one while the agent waits for
  // the user; a fold or an unfold by the user's click holds until the list finishes.
  const open = () =>
    expanded() ?? (!progress().finished && !props.waiting && (props.busy || props.changed));

  return (
    <Show when={visible()}>
      <section
        class="todo-dock"
        aria-label="Todo list"
        data-finished={progress().finished ? "" : undefined}
      >
        <div class="todo-head">
          <button
            type="button"
            class="todo-toggle"
            aria-expanded={open()}
            aria-controls="todo-items"
            onClick={() => setExpanded(!open())}
          >
            <ChevronIcon />
            <Show when={progress().finished}>
              <CheckIcon />
            </Show>
            <span class="todo-count">{todoSummary(progress())}</span>
            <Show when={!open() && progress().current}>
              {(current) => <span class="todo-current">{current().content}</span>}
            </Show>
          </button>
          <span
            class="todo-bar"
            role="progressbar"
            aria-label="Todos done"
            aria-valuemin={0}
            aria-valuemax={progress().total - progress().cancelled}
            aria-valuenow={progress().completed}
          >
            <span
              style={{
                width: `${(100 * progress().completed) / Math.max(1, progress().total - progress().cancelled)}%`,
              }}
            />
          </span>
          <Show when={progress().finished}>
            <button
              type="button"
              class="icon-button small"
              aria-label="Hide the todo list"
              title="Hide"
              onClick={() => setDismissed(true)}
            >
              <CloseIcon />
            </button>
          </Show>
        </div>
        <ol id="todo-items" class="todo-items" hidden={!open()}>
          <For each={props.todos}>
            {(todo) => {
              const status = () => todoStatus(todo);
              return (
                <li class="todo-item" data-status={status()} data-priority={todo.priority}>
                  <span class="todo-mark" aria-hidden="true">
                    <Show when={status() === "completed"}>
                      <CheckIcon />
                    </Show>
                    <Show when={status() === "cancelled"}>
                      <CloseIcon />
                    </Show>
                  </span>
                  <span class="todo-text">{todo.content}</span>
                  <span class="sr-only"> ({STATUS_TEXT[status()]})</span>
                </li>
              );
            }}
          </For>
        </ol>
      </section>
    </Show>
  );
}
