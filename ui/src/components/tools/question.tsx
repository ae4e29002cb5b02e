/**
 * The agent's questions and the answers given: each option listed with the chosen ones
 * marked, answers typed in rather than chosen shown as they were written.
 */

import { createMemo, For, Show, type JSX } from "solid-js";
import { askedQuestions } from "../../lib/tools";
import { inputOf, metaOf, type ToolBodyProps } from "./shared";

export function QuestionBody(props: ToolBodyProps): JSX.Element {
  const asked = createMemo(() => askedQuestions(inputOf(props.part), metaOf(props.part)));
  const active = () =>
    props.part.state.status === "pending" || props.part.state.status === "running";
  return (
    <ol class="asked-list">
      <For each={asked()}>
        {(item) => {
          const labels = () => new Set(item.options.map((option) => option.label));
          const typed = () => (item.answers ?? []).filter((answer) => !labels().has(answer));
          return (
            <li class="asked">
              <Show when={item.header}>
                <span class="asked-header">{item.header}</span>
              </Show>
              <p class="asked-question">{item.question}</p>
              <Show when={item.options.length > 0}>
                <ul class="asked-options">
                  <For each={item.options}>
                    {(option) => {
                      const chosen = () => item.answers?.includes(option.label) ?? false;
                      return (
                        <li data-chosen={chosen()}>
                          <span class="asked-mark" aria-hidden="true">
                            {chosen() ? "●" : "○"}
                          </span>
                          <span class="asked-label">{option.label}</span>
                          <Show when={option.description}>
                            <span class="muted"> — {option.description}</span>
                          </Show>
                          <Show when={chosen()}>
                            <span class="sr-only"> (chosen)</span>
                          </Show>
                        </li>
                      );
                    }}
                  </For>
                </ul>
              </Show>
              <Show when={item.answers !== undefined}>
                <p class="asked-answer">
                  <span class="tool-field-label">Answer</span>{" "}
                  {(item.answers ?? []).length > 0 ? (item.answers ?? []).join(", ") : "none"}
                </p>
              </Show>
              <Show when={typed().length > 0}>
                <p class="muted">Typed in: {typed().join(", ")}</p>
              </Show>
              <Show when={item.answers === undefined && active()}>
                <p class="muted">Waiting for your answer (above the prompt).</p>
              </Show>
            </li>
          );
        }}
      </For>
    </ol>
  );
}
