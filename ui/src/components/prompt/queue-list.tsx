/**
 * The follow-ups waiting for the agent to finish, above the prompt box: each with its
 * text, what goes with it, and "Send now" (OpenCode hands it to the running turn),
 * "Edit" (back into the box) and "Remove". After Stop, or a follow-up that could not be
 * sent, the queue waits until "Resume".
 */

import { For, Show, type JSX } from "solid-js";
import type { QueuedPrompt } from "../../lib/prompt/queue-store";
import { oneLine } from "../../lib/format";
import { CloseIcon, PencilIcon, SendIcon } from "../icons";
import { ClockIcon } from "./prompt-icons";

export function QueueList(props: {
  items: QueuedPrompt[];
  paused: boolean;
  onSendNow: (id: string) => void;
  onEdit: (id: string) => void;
  onRemove: (id: string) => void;
  onResume: () => void;
}): JSX.Element {
  return (
    <Show when={props.items.length > 0}>
      <section class="queue" aria-labelledby="queue-title">
        <header class="queue-head">
          <ClockIcon />
          <h3 id="queue-title">Queued</h3>
          <span class="muted">
            {props.paused ? "paused: sent when you resume" : "sent when the agent is done"}
          </span>
          <Show when={props.paused}>
            <button type="button" class="button small" onClick={() => props.onResume()}>
              Resume
            </button>
          </Show>
        </header>
        <ol class="queue-items" aria-label="Queued follow-ups">
          <For each={props.items}>
            {(item) => (
              <li class="queue-item">
                <span class="queue-text" classList={{ mono: item.input.shell === true }}>
                  {item.input.shell ? "$ " : ""}
                  {oneLine(item.input.text, 300)}
                </span>
                <Show when={item.input.attachments.length > 0}>
                  <span class="queue-extra muted">
                    +{item.input.attachments.length}{" "}
                    {item.input.attachments.length === 1 ? "attachment" : "attachments"}
                  </span>
                </Show>
                <span class="queue-actions">
                  <button
                    type="button"
                    class="button ghost small"
                    aria-label="Send now"
                    title="Send it now: the agent reads it while it works"
                    onClick={() => props.onSendNow(item.id)}
                  >
                    <SendIcon />
                    <span>Send now</span>
                  </button>
                  <button
                    type="button"
                    class="icon-button small"
                    aria-label="Edit"
                    title="Edit: back into the prompt box"
                    onClick={() => props.onEdit(item.id)}
                  >
                    <PencilIcon />
                  </button>
                  <button
                    type="button"
                    class="icon-button small"
                    aria-label="Remove"
                    title="Remove from the queue"
                    onClick={() => props.onRemove(item.id)}
                  >
                    <CloseIcon />
                  </button>
                </span>
              </li>
            )}
          </For>
        </ol>
      </section>
    </Show>
  );
}
