/**
 * The actions under a message: on a prompt "Revert to here", "Fork from here" and "Copy
 * message"; under a finished reply "Copy reply" (the whole turn's text as markdown) and
 * "Fork from here" (a new session holding this turn). They act through the chat page
 * (`useChatActions`), which reports failures in its problem box.
 */

import { createSignal, onCleanup, Show, type JSX } from "solid-js";
import { problemOf } from "../api/problems";
import { useChatActions } from "../context/chat";
import { promptText, turnMarkdown, type Turn } from "../lib/turns";
import { CheckIcon, CopyIcon, ForkIcon, UndoIcon } from "./session-icons";

/** How long "Copied" shows. */
const COPIED_MS = 2000;

/** A button that copies `text()` to the clipboard and says "Copied" for a moment. */
export function CopyButton(props: { label: string; text: () => string }): JSX.Element {
  const actions = useChatActions();
  const [copied, setCopied] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const copy = async () => {
    actions?.report(null);
    try {
      if (!navigator.clipboard) throw new Error("This page may not use the clipboard.");
      await navigator.clipboard.writeText(props.text());
      setCopied(true);
      clearTimeout(timer);
      timer = setTimeout(() => setCopied(false), COPIED_MS);
    } catch (error) {
      actions?.report({ ...problemOf(error), title: "Not copied" });
    }
  };
  return (
    <>
      <button
        type="button"
        class="action-button"
        classList={{ done: copied() }}
        aria-label={props.label}
        title={props.label}
        onClick={() => void copy()}
      >
        <Show when={copied()} fallback={<CopyIcon />}>
          <CheckIcon />
        </Show>
        <span class="action-text">{copied() ? "Copied" : "Copy"}</span>
      </button>
      <span class="sr-only" role="status">
        {copied() ? "Copied" : ""}
      </span>
    </>
  );
}

/** The actions of one of the user's prompts. (No label here says "prompt": the prompt box
 * owns that word, and tests find it by label.) */
export function UserMessageActions(props: { id: string }): JSX.Element {
  const actions = useChatActions();
  const [pending, setPending] = createSignal<"revert" | "fork" | null>(null);
  const run = async (kind: "revert" | "fork", action: () => Promise<void>) => {
    if (pending()) return;
    setPending(kind);
    try {
      await action();
    } finally {
      setPending(null);
    }
  };
  const meta = () => {
    const info = actions?.chat.transcript.messages[props.id];
    if (!info || info.role !== "user") return "";
    const time = new Date(info.time.created).toLocaleTimeString(undefined, {
      hour: "2-digit",
      minute: "2-digit",
    });
    return [info.agent, info.model?.modelID, time].filter(Boolean).join(" · ");
  };
  return (
    <Show when={actions}>
      {(found) => (
        <div class="message-actions" role="group" aria-label="Message actions">
          <span class="message-when">{meta()}</span>
          <button
            type="button"
            class="action-button"
            disabled={found().busy() || pending() !== null}
            aria-busy={pending() === "revert"}
            title={
              found().busy()
                ? "Stop the agent first"
                : "Undo this prompt and everything after it, files included; its text goes back into the prompt box"
            }
            onClick={() => void run("revert", () => found().revertTo(props.id))}
          >
            <UndoIcon />
            <span class="action-text">Revert to here</span>
          </button>
          <button
            type="button"
            class="action-button"
            disabled={pending() !== null}
            aria-busy={pending() === "fork"}
            title="A new session with the conversation before this prompt; the prompt goes into its prompt box"
            onClick={() => void run("fork", () => found().forkBefore(props.id))}
          >
            <ForkIcon />
            <span class="action-text">Fork from here</span>
          </button>
          <CopyButton
            label="Copy message"
            text={() => promptText(found().chat.transcript, props.id)}
          />
        </div>
      )}
    </Show>
  );
}

/** The actions of a finished reply. */
export function TurnActions(props: { turn: Turn }): JSX.Element {
  const actions = useChatActions();
  const [forking, setForking] = createSignal(false);
  const fork = async () => {
    if (!actions || forking()) return;
    setForking(true);
    try {
      await actions.forkAfter(props.turn);
    } finally {
      setForking(false);
    }
  };
  return (
    <Show when={actions}>
      {(found) => (
        <div class="message-actions" role="group" aria-label="Reply actions">
          <CopyButton
            label="Copy reply"
            text={() => turnMarkdown(found().chat.transcript, props.turn)}
          />
          <button
            type="button"
            class="action-button"
            disabled={forking()}
            aria-busy={forking()}
            title="A new session with the conversation up to this reply"
            onClick={() => void fork()}
          >
            <ForkIcon />
            <span class="action-text">Fork from here</span>
          </button>
        </div>
      )}
    </Show>
  );
}
