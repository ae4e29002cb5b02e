/**
 * The prompt box: Enter sends, Shift+Enter starts a new line; the model and agent for
 * the next prompt; "Stop" while the assistant works.
 */

import { createSignal, For, onMount, Show, type JSX } from "solid-js";
import { problemOf, type Problem } from "../api/problems";
import { useModels } from "../context/models";
import { SendIcon, StopIcon } from "./icons";
import { ProblemBox } from "./problem-box";

const MAX_HEIGHT_PX = 280;

/** What the page may do to the prompt box. */
export interface PromptHandle {
  text(): string;
  setText(text: string): void;
  focus(): void;
}

export function PromptBox(props: {
  busy: boolean;
  disabled?: boolean;
  onSend: (text: string) => Promise<void>;
  onStop: () => Promise<void>;
  /** Focus the box when it appears. */
  autofocus?: boolean;
  /** Hands the page a way to fill the box (a reverted prompt comes back into it). */
  control?: (handle: PromptHandle) => void;
}): JSX.Element {
  const models = useModels();
  const [text, setText] = createSignal("");
  const [sending, setSending] = createSignal(false);
  const [stopping, setStopping] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  let input: HTMLTextAreaElement | undefined;

  const fit = () => {
    if (!input) return;
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, MAX_HEIGHT_PX)}px`;
  };
  props.control?.({
    text,
    setText(value) {
      setText(value);
      queueMicrotask(fit);
    },
    focus: () => input?.focus(),
  });
  onMount(() => {
    if (props.autofocus) input?.focus();
  });

  const send = async () => {
    const value = text();
    if (value.trim() === "" || sending() || props.disabled) return;
    setSending(true);
    setProblem(null);
    setText("");
    queueMicrotask(fit);
    try {
      await props.onSend(value);
    } catch (error) {
      // Nothing was sent: give the text back.
      if (text() === "") setText(value);
      queueMicrotask(fit);
      setProblem({ ...problemOf(error), title: `Not sent: ${problemOf(error).title}` });
    } finally {
      setSending(false);
      input?.focus();
    }
  };

  const stop = async () => {
    if (stopping()) return;
    setStopping(true);
    setProblem(null);
    try {
      await props.onStop();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setStopping(false);
    }
  };

  return (
    <form
      class="prompt"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <Show when={problem()}>{(found) => <ProblemBox problem={found()} />}</Show>
      <div class="prompt-box">
        <label for="prompt-input" class="sr-only">
          Prompt
        </label>
        <textarea
          id="prompt-input"
          ref={input}
          rows={1}
          placeholder="Ask anything… (Enter to send, Shift+Enter for a new line)"
          value={text()}
          disabled={props.disabled}
          onInput={(event) => {
            setText(event.currentTarget.value);
            fit();
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void send();
            }
          }}
        />
        <div class="prompt-bar">
          <label class="picker">
            <span class="sr-only">Agent</span>
            <select
              aria-label="Agent"
              value={models.agent()}
              onChange={(event) => models.setAgent(event.currentTarget.value)}
            >
              <option value="">Default agent</option>
              <For each={models.agents()}>
                {(agent) => <option value={agent.name}>{agent.name}</option>}
              </For>
            </select>
          </label>
          <label class="picker">
            <span class="sr-only">Model</span>
            <select
              aria-label="Model"
              value={models.model()}
              onChange={(event) => models.setModel(event.currentTarget.value)}
            >
              <option value="">Default model</option>
              <For each={groupByProvider(models.models())}>
                {(group) => (
                  <optgroup label={group.provider}>
                    <For each={group.models}>
                      {(choice) => <option value={choice.key}>{choice.label}</option>}
                    </For>
                  </optgroup>
                )}
              </For>
            </select>
          </label>
          <div class="prompt-spacer" />
          <Show when={props.busy}>
            <button
              type="button"
              class="button stop"
              onClick={() => void stop()}
              disabled={stopping()}
              aria-busy={stopping()}
            >
              <StopIcon />
              <span>Stop</span>
            </button>
          </Show>
          <button
            type="submit"
            class="button primary send"
            disabled={text().trim() === "" || sending() || props.disabled}
            aria-label="Send"
            title="Send (Enter)"
          >
            <SendIcon />
          </button>
        </div>
      </div>
    </form>
  );
}

function groupByProvider<T extends { provider: string }>(
  items: T[],
): Array<{ provider: string; models: T[] }> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(item.provider) ?? [];
    list.push(item);
    groups.set(item.provider, list);
  }
  return [...groups].map(([provider, models]) => ({ provider, models }));
}
