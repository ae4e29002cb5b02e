/**
 * One session: its header, the conversation (following the newest words while the user
 * is at the bottom), what the agent is waiting for, and the prompt box.
 */

import { createEffect, createSignal, For, onCleanup, onMount, Show, type JSX } from "solid-js";
import { ProblemBox } from "../components/problem-box";
import { PromptBox } from "../components/prompt-box";
import { PermissionCard, QuestionCard } from "../components/requests";
import { TranscriptView } from "../components/transcript-view";
import { DiffIcon } from "../components/icons";
import { createChat } from "../context/chat";
import { useConnection } from "../context/connection";
import { useSessions } from "../context/sessions";

/** Within this many pixels of the bottom counts as "at the bottom". */
const STICK_PX = 48;

export function ChatView(props: {
  sessionID: string;
  changesOpen: boolean;
  onToggleChanges: () => void;
}): JSX.Element {
  const sessions = useSessions();
  const { state } = useConnection();
  const chat = createChat(props.sessionID);
  const session = () => sessions.get(props.sessionID);
  const busy = () => sessions.busy(props.sessionID);
  const status = () => sessions.status(props.sessionID);
  let scroller: HTMLDivElement | undefined;
  let content: HTMLDivElement | undefined;
  const [stick, setStick] = createSignal(true);

  const toBottom = () => {
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  };
  onMount(() => {
    if (!scroller || !content) return;
    // Follow the conversation as it grows (or as the dock below takes more room), unless
    // the user scrolled up to read.
    const observer = new ResizeObserver(() => {
      if (stick()) toBottom();
    });
    observer.observe(content);
    observer.observe(scroller);
    onCleanup(() => observer.disconnect());
  });
  createEffect(() => {
    // A new session opened: start at its end.
    void props.sessionID;
    setStick(true);
    queueMicrotask(toBottom);
  });

  const empty = () => !chat.loading() && chat.transcript.order.length === 0 && !chat.problem();
  const missing = () => chat.problem()?.status === 404 && !session();
  const reconnecting = () => state().status === "reconnecting";
  const error = () => sessions.error(props.sessionID);

  return (
    <section class="chat" aria-labelledby="chat-title">
      <header class="chat-header">
        <div class="chat-title-block">
          <h1 id="chat-title">{session()?.title ?? "Session"}</h1>
          <span
            class="status-badge"
            data-status={status().type}
            role="status"
            aria-label={`Session ${busy() ? "busy" : "idle"}`}
          >
            {status().type === "retry" ? "Retrying" : busy() ? "Working" : "Idle"}
          </span>
        </div>
        <Show when={session()?.summary?.files}>
          <span class="chat-summary mono" aria-label="Changed lines">
            <span class="added">+{session()?.summary?.additions ?? 0}</span>{" "}
            <span class="deleted">−{session()?.summary?.deletions ?? 0}</span>
          </span>
        </Show>
        <button
          type="button"
          class="button ghost small"
          aria-pressed={props.changesOpen}
          onClick={() => props.onToggleChanges()}
        >
          <DiffIcon />
          <span>Changes</span>
        </button>
      </header>

      <Show when={reconnecting()}>
        <p class="banner warning" role="status">
          The connection to the server was lost. Reconnecting; anything missed will be fetched
          again.
        </p>
      </Show>

      <div
        class="chat-scroll"
        ref={scroller}
        onScroll={() => {
          if (!scroller) return;
          const gap = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
          setStick(gap < STICK_PX);
        }}
      >
        <div class="chat-content" ref={content}>
          <Show when={chat.problem()}>
            {(found) => (
              <div class="chat-problem">
                <ProblemBox
                  problem={
                    missing()
                      ? {
                          title: "This session does not exist on the server",
                          detail:
                            "It may have been deleted. Pick another session on the left, or start a new one.",
                        }
                      : found()
                  }
                />
                <button type="button" class="button small" onClick={() => chat.reload()}>
                  Try again
                </button>
              </div>
            )}
          </Show>
          <Show when={chat.loading() && chat.transcript.order.length === 0}>
            <p class="chat-loading muted" aria-busy="true">
              Loading the conversation…
            </p>
          </Show>
          <Show when={empty()}>
            <div class="chat-empty">
              <h2>What should we work on?</h2>
              <p>
                Ask a question or describe a change. The agent works in the server's project and
                asks before it runs anything that needs permission.
              </p>
            </div>
          </Show>
          <TranscriptView transcript={chat.transcript} />
          <Show when={busy() && !lastIsStreaming(chat.transcript)}>
            <p class="working" aria-hidden="true">
              <span class="dots">
                <span />
                <span />
                <span />
              </span>
            </p>
          </Show>
        </div>
      </div>

      <div class="chat-dock">
        <Show when={!stick()}>
          <button
            type="button"
            class="button small jump"
            onClick={() => {
              setStick(true);
              toBottom();
            }}
          >
            Jump to latest
          </button>
        </Show>
        <Show when={error()}>
          {(found) => (
            <ProblemBox
              problem={{
                title: "The agent stopped with an error",
                detail: found().data?.message ?? found().name,
              }}
            />
          )}
        </Show>
        <For each={sessions.permissions(props.sessionID)}>
          {(request) => <PermissionCard request={request} />}
        </For>
        <For each={sessions.questions(props.sessionID)}>
          {(request) => <QuestionCard request={request} />}
        </For>
        <PromptBox
          disabled={missing()}
          busy={busy()}
          onSend={chat.send}
          onStop={chat.stop}
          autofocus
        />
      </div>
    </section>
  );
}

/** Whether the newest part is text still streaming (then no extra "working" dots). */
function lastIsStreaming(transcript: ReturnType<typeof createChat>["transcript"]): boolean {
  const last = transcript.order[transcript.order.length - 1];
  if (!last) return false;
  const ids = transcript.parts[last] ?? [];
  const part = transcript.part[ids[ids.length - 1] ?? ""];
  if (!part) return false;
  if (part.type === "text" || part.type === "reasoning") return part.time?.end === undefined;
  return part.type === "tool" && part.state.status === "running";
}
