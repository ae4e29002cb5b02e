/**
 * One session: its header (with "Sub-agent of …" for a sub-agent's session, Undo, Redo
 * and the context panel), the conversation (following the newest words while the user
 * is at the bottom; what a revert undid folded into a banner), what the agent and its
 * sub-agents are waiting for (answered here; the badge then says "Waiting for you"), its
 * todo list and the prompt box.
 *
 * The page gives the transcript's messages their actions (`ChatActionsContext`): revert
 * to a prompt (its text comes back into the prompt box), fork (landing in the new
 * session), copy; failures show in one problem box above the prompt.
 */

import {
  createEffect,
  createMemo,
  createSignal,
  For,
  onCleanup,
  onMount,
  Show,
  type JSX,
} from "solid-js";
import { problemOf, type Problem } from "../api/problems";
import { ContextButton } from "../components/context-panel";
import { FilesToggle } from "../components/files/open-file";
import { ChatPaletteCommands } from "../components/palette-host";
import { ProblemBox } from "../components/problem-box";
import { PromptBox, type PromptHandle } from "../components/prompt/prompt-box";
import { PermissionCard, QuestionCard } from "../components/requests";
import { RevertBanner } from "../components/revert-banner";
import { AgentIcon, RedoIcon, UndoIcon } from "../components/session-icons";
import { ArchiveIcon } from "../components/workspace-icons";
import { TodoDock } from "../components/todo-dock";
import { TranscriptView } from "../components/transcript-view";
import { CloseIcon, DiffIcon } from "../components/icons";
import { loadMarkdown, markdownSettled } from "../components/lazy-markdown";
import { ChatActionsContext, createChat, type ChatActions } from "../context/chat";
import { useConnection } from "../context/connection";
import { Link, sessionPath, useRouter } from "../context/router";
import { useServers } from "../context/servers";
import { useSessions } from "../context/sessions";
import { redoStep, shownMessages, shownParts, undoTarget } from "../lib/revert";
import { displayTitle } from "../lib/session-title";
import type { Transcript } from "../lib/transcript";
import type { PromptInput } from "../lib/prompt/parts";
import { isEmptyPrompt } from "../lib/prompt/restore";
import type { Turn } from "../lib/turns";

/** Within this many pixels of the bottom counts as "at the bottom". */
const STICK_PX = 48;

export function ChatView(props: {
  sessionID: string;
  changesOpen: boolean;
  onToggleChanges: () => void;
}): JSX.Element {
  const sessions = useSessions();
  const servers = useServers();
  const router = useRouter();
  const { state } = useConnection();
  const chat = createChat(props.sessionID);
  // Markdown's chunk comes in alongside the conversation; the messages wait for it.
  void loadMarkdown();
  const session = () => sessions.get(props.sessionID);
  const busy = () => sessions.busy(props.sessionID);
  const status = () => sessions.status(props.sessionID);
  const waiting = () => sessions.waiting(props.sessionID);
  const revert = () => session()?.revert;
  const parent = () => {
    const id = session()?.parentID;
    return id ? { id, session: sessions.get(id) } : undefined;
  };
  const serverKey = () => servers.active()?.key ?? "";

  // ---- session actions ----
  let prompt: PromptHandle | undefined;
  const [actionProblem, setActionProblem] = createSignal<Problem | null>(null);
  const [pending, setPending] = createSignal<"undo" | "redo" | "restore" | null>(null);
  /** The prompt a revert put into the prompt box (taken out again when it is undone). */
  let restored: PromptInput | undefined;
  const fillPrompt = (next: PromptInput | undefined) => {
    if (!prompt) return;
    const current = prompt.current();
    // Never overwrite what the user typed or attached since the last revert.
    const blank = current.text.trim() === "" && current.attachments.length === 0;
    const untouched =
      restored !== undefined &&
      current.text === restored.text &&
      sameIds(current.attachments, restored.attachments);
    if (!blank && !untouched) return;
    restored = next;
    prompt.fill(next);
    prompt.focus();
  };
  const act = async (
    kind: "undo" | "redo" | "restore" | null,
    title: string,
    action: () => Promise<void>,
  ) => {
    if (pending()) return;
    setPending(kind);
    setActionProblem(null);
    try {
      await action();
    } catch (error) {
      setActionProblem({ ...problemOf(error), title: `${title}: ${problemOf(error).title}` });
    } finally {
      setPending(null);
    }
  };
  /** After a revert the banner at the end says what happened: go there. */
  const showEnd = () => {
    setStick(true);
    queueMicrotask(toBottom);
  };
  const undo = () =>
    act("undo", "Not undone", async () => {
      const undone = await chat.undo();
      if (undone !== undefined) fillPrompt(undone);
      showEnd();
    });
  const redo = () =>
    act("redo", "Not redone", async () => {
      fillPrompt(await chat.redo());
      showEnd();
    });
  const restore = () =>
    act("restore", "Not restored", async () => {
      await chat.restore();
      fillPrompt(undefined);
    });
  const openFork = async (messageID: string | undefined, sent: PromptInput | undefined) => {
    const fork = await chat.fork(messageID);
    if (sent && !isEmptyPrompt(sent)) sessions.setDraft(fork.id, sent);
    router.navigate(sessionPath(serverKey(), fork.id));
  };
  const actions: ChatActions = {
    chat,
    busy,
    revertTo: (messageID) =>
      act(null, "Not reverted", async () => {
        fillPrompt(await chat.revertTo(messageID));
        showEnd();
      }),
    forkBefore: (messageID) =>
      act(null, "Not forked", () => openFork(messageID, chat.sentPrompt(messageID))),
    forkAfter: (turn: Turn) =>
      act(null, "Not forked", () => {
        // The fork holds this whole turn: it is cut at the prompt after it, if any.
        const order = chat.transcript.order;
        const last = turn.assistantIDs[turn.assistantIDs.length - 1] ?? turn.userID ?? "";
        const next = order.find((id) => id > last && chat.transcript.messages[id]?.role === "user");
        return openFork(next, undefined);
      }),
    undo,
    redo,
    forkAll: () => act(null, "Not forked", () => openFork(undefined, undefined)),
    report: setActionProblem,
  };
  const unarchive = () =>
    act(null, "Not unarchived", () => sessions.archive(props.sessionID, false));
  const canUndo = () => undoTarget(chat.transcript, revert()) !== undefined;
  const canRedo = () => redoStep(chat.transcript, revert()) !== undefined;

  /** The transcript as shown: what the revert point undid is left out. */
  const shownOrder = createMemo(() => shownMessages(chat.transcript.order, revert()));
  // Read through to the store on every access (a reload may replace its objects).
  const shownPartsOf = new Proxy({} as Transcript["parts"], {
    get(_target, key) {
      if (typeof key !== "string") return undefined;
      const list = chat.transcript.parts[key];
      return list ? shownParts(key, list, revert()) : list;
    },
    has: (_target, key) => typeof key === "string" && key in chat.transcript.parts,
  });
  const shown: Transcript = {
    get order() {
      return shownOrder();
    },
    get messages() {
      return chat.transcript.messages;
    },
    get parts() {
      return revert()?.partID ? shownPartsOf : chat.transcript.parts;
    },
    get part() {
      return chat.transcript.part;
    },
  };
  let scroller: HTMLDivElement | undefined;
  let content: HTMLDivElement | undefined;
  const [stick, setStick] = createSignal(true);
  // Where the view was after the last scroll we saw or made. Only a move up from there
  // is the user leaving the end: a scroll event can also arrive after the content grew
  // and before the resize observer follows it, and must not stop the following.
  let lastTop = 0;

  const toBottom = () => {
    if (!scroller) return;
    scroller.scrollTop = scroller.scrollHeight;
    lastTop = scroller.scrollTop;
  };
  const onScroll = () => {
    if (!scroller) return;
    const top = scroller.scrollTop;
    if (atBottom(scroller)) setStick(true);
    else if (top < lastTop - 1) setStick(false);
    lastTop = top;
  };
  onMount(() => {
    if (!scroller || !content) return;
    // Follow the conversation as it grows (or as the dock below takes more room), unless
    // the user scrolled up to read.
    const observer = new ResizeObserver(() => {
      if (stick()) toBottom();
      // Shrunk (a revert hid messages) until the end is in view: following again.
      else if (scroller && atBottom(scroller)) setStick(true);
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
    <ChatActionsContext.Provider value={actions}>
      <ChatPaletteCommands chat={chat} />
      <section class="chat" aria-labelledby="chat-title">
        <header class="chat-header">
          <div class="chat-title-block">
            <Show when={parent()}>
              {(found) => (
                <Link
                  href={sessionPath(serverKey(), found().id)}
                  class="parent-link"
                  title="Open the session that started this sub-agent"
                >
                  <AgentIcon />
                  <span>
                    Sub-agent of{" "}
                    <span class="parent-title">
                      {found().session ? displayTitle(found().session!) : "its parent session"}
                    </span>
                  </span>
                </Link>
              )}
            </Show>
            <div class="chat-title-row">
              <h1 id="chat-title">{session() ? displayTitle(session()!) : "Session"}</h1>
              <span
                class="status-badge"
                data-status={waiting() ? "waiting" : status().type}
                role="status"
                aria-label={`Session ${waiting() ? "waiting for you" : busy() ? "busy" : "idle"}`}
              >
                <span class="status-text">
                  {waiting()
                    ? "Waiting for you"
                    : status().type === "retry"
                      ? "Retrying"
                      : busy()
                        ? "Working"
                        : "Idle"}
                </span>
              </span>
              <Show when={session()?.time.archived}>
                <span class="archived-badge">
                  <ArchiveIcon />
                  Archived
                  <button
                    type="button"
                    class="archived-undo"
                    title="Bring it back to the session list"
                    onClick={() => void unarchive()}
                  >
                    Unarchive
                  </button>
                </span>
              </Show>
            </div>
          </div>
          <Show when={session()?.summary?.files}>
            <span class="chat-summary mono" aria-label="Changed lines">
              <span class="added">+{session()?.summary?.additions ?? 0}</span>{" "}
              <span class="deleted">−{session()?.summary?.deletions ?? 0}</span>
            </span>
          </Show>
          <div class="chat-tools">
            <button
              type="button"
              class="button ghost small"
              aria-label="Undo"
              title={
                busy()
                  ? "Stop the agent first"
                  : "Undo the last message and its changes (its text goes back into the prompt box)"
              }
              disabled={!canUndo() || busy() || pending() !== null}
              aria-busy={pending() === "undo"}
              onClick={() => void undo()}
            >
              <UndoIcon />
              <span class="tool-text">Undo</span>
            </button>
            <Show when={revert()}>
              <button
                type="button"
                class="button ghost small"
                aria-label="Redo"
                title="Bring back the next reverted message"
                disabled={!canRedo() || busy() || pending() !== null}
                aria-busy={pending() === "redo"}
                onClick={() => void redo()}
              >
                <RedoIcon />
                <span class="tool-text">Redo</span>
              </button>
            </Show>
            <ContextButton transcript={chat.transcript} session={session()} />
            <button
              type="button"
              class="button ghost small"
              aria-label="Changes"
              aria-pressed={props.changesOpen}
              onClick={() => props.onToggleChanges()}
            >
              <DiffIcon />
              <span class="tool-text">Changes</span>
            </button>
            <FilesToggle />
          </div>
        </header>

        <Show when={reconnecting()}>
          <p class="banner warning" role="status">
            The connection to the server was lost. Reconnecting; anything missed will be fetched
            again.
          </p>
        </Show>

        <div class="chat-scroll" ref={scroller} onScroll={onScroll}>
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
            <Show when={chat.transcript.order.length === 0 ? chat.loading() : !markdownSettled()}>
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
            <Show when={markdownSettled()}>
              <TranscriptView transcript={shown} />
            </Show>
            <Show when={revert()}>
              {(point) => (
                <RevertBanner
                  transcript={chat.transcript}
                  revert={point()}
                  busy={busy()}
                  pending={
                    pending() === "redo" || pending() === "restore"
                      ? (pending() as "redo" | "restore")
                      : null
                  }
                  onRedo={() => void redo()}
                  onRestore={() => void restore()}
                />
              )}
            </Show>
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
          <Show when={actionProblem()}>
            {(found) => (
              <div class="action-problem">
                <ProblemBox problem={found()} />
                <button
                  type="button"
                  class="icon-button small"
                  aria-label="Dismiss"
                  onClick={() => setActionProblem(null)}
                >
                  <CloseIcon />
                </button>
              </div>
            )}
          </Show>
          <For each={sessions.waitingPermissions(props.sessionID)}>
            {(request) => <PermissionCard request={request} sessionID={props.sessionID} />}
          </For>
          <For each={sessions.waitingQuestions(props.sessionID)}>
            {(request) => <QuestionCard request={request} sessionID={props.sessionID} />}
          </For>
          <TodoDock
            todos={chat.todos()}
            changed={chat.todosChanged()}
            busy={busy()}
            waiting={waiting()}
          />
          <PromptBox
            chat={chat}
            draftKey={`${serverKey()}\n${props.sessionID}`}
            disabled={missing()}
            busy={busy()}
            autofocus
            control={(handle) => {
              prompt = handle;
              // A fork of a prompt opens with that prompt to edit.
              const draft = sessions.takeDraft(props.sessionID);
              if (draft) handle.fill(draft);
            }}
          />
        </div>
      </section>
    </ChatActionsContext.Provider>
  );
}

function sameIds(a: readonly { id: string }[], b: readonly { id: string }[]): boolean {
  return a.length === b.length && a.every((item, index) => item.id === b[index]!.id);
}

function atBottom(scroller: HTMLElement): boolean {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < STICK_PX;
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
