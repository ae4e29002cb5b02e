/**
 * The sidebar: the server's sessions, newest first, each with its title, when it last
 * changed and whether the agent is working in it; "New session"; rename in place and
 * delete after a confirmation. Sub-agent sessions (those with a `parentID`) are nested
 * under their parent, folded behind a count until opened (opened by themselves when the
 * session shown is one of them).
 */

import { createMemo, createSignal, For, onCleanup, Show, type JSX } from "solid-js";
import { problemOf, type Problem } from "../api/problems";
import type { Session } from "../api/types";
import { Link, sessionPath, useRouter } from "../context/router";
import { useSessions } from "../context/sessions";
import { relativeTime } from "../lib/format";
import { ConfirmDialog } from "./confirm-dialog";
import { ChevronIcon, PencilIcon, PlusIcon, TrashIcon } from "./icons";
import { AgentIcon } from "./session-icons";
import { ProblemBox } from "./problem-box";

export function SessionList(props: {
  serverKey: string;
  selected: string | undefined;
}): JSX.Element {
  const sessions = useSessions();
  const router = useRouter();
  const [creating, setCreating] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [deleting, setDeleting] = createSignal<Session>();
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), 30_000);
  onCleanup(() => clearInterval(tick));

  const create = async () => {
    if (creating()) return;
    setCreating(true);
    setProblem(null);
    try {
      const session = await sessions.create();
      router.navigate(sessionPath(props.serverKey, session.id));
    } catch (error) {
      setProblem({ ...problemOf(error), title: `No new session: ${problemOf(error).title}` });
    } finally {
      setCreating(false);
    }
  };

  const confirmDelete = async () => {
    const session = deleting();
    setDeleting(undefined);
    if (!session) return;
    setProblem(null);
    try {
      await sessions.remove(session.id);
      if (props.selected === session.id) router.navigate("/");
    } catch (error) {
      setProblem({ ...problemOf(error), title: `Not deleted: ${problemOf(error).title}` });
    }
  };

  return (
    <nav class="sidebar" aria-label="Sidebar">
      <div class="sidebar-head">
        <h2>Sessions</h2>
        <button
          type="button"
          class="button small"
          onClick={() => void create()}
          disabled={creating()}
          aria-busy={creating()}
        >
          <PlusIcon />
          <span>New session</span>
        </button>
      </div>
      <Show when={problem() ?? sessions.problem()}>
        {(found) => (
          <div class="sidebar-problem">
            <ProblemBox problem={found()} />
            <Show when={sessions.problem()}>
              <button type="button" class="button small" onClick={() => sessions.reload()}>
                Try again
              </button>
            </Show>
          </div>
        )}
      </Show>
      <Show
        when={sessions.loaded()}
        fallback={
          <ul class="session-list skeleton" aria-hidden="true">
            <li />
            <li />
            <li />
          </ul>
        }
      >
        <Show
          when={sessions.list().length > 0}
          fallback={
            <Show when={!sessions.problem()}>
              <p class="sidebar-empty">No sessions yet. Start one with New session.</p>
            </Show>
          }
        >
          <ul class="session-list" aria-label="Sessions">
            <For each={sessions.list()}>
              {(session) => (
                <SessionNode
                  session={session}
                  serverKey={props.serverKey}
                  selected={props.selected}
                  now={now()}
                  depth={0}
                  onDelete={setDeleting}
                  onProblem={setProblem}
                />
              )}
            </For>
          </ul>
        </Show>
      </Show>
      <ConfirmDialog
        open={deleting() !== undefined}
        title={`Delete “${deleting()?.title ?? ""}”?`}
        message="The session and its messages are deleted on the server. This cannot be undone."
        confirmLabel="Delete"
        danger
        onConfirm={() => void confirmDelete()}
        onCancel={() => setDeleting(undefined)}
      />
    </nav>
  );
}

/** Sub-agents nest this deep at most; deeper ones are listed at the last level. */
const MAX_DEPTH = 4;

/** A session's row and, when opened, its sub-agent sessions nested under it. */
function SessionNode(props: {
  session: Session;
  serverKey: string;
  selected: string | undefined;
  now: number;
  depth: number;
  onDelete: (session: Session) => void;
  onProblem: (problem: Problem | null) => void;
}): JSX.Element {
  const sessions = useSessions();
  const children = createMemo(() =>
    props.depth < MAX_DEPTH ? sessions.children(props.session.id) : [],
  );
  /** Whether the session shown is below this one (then it opens by itself). */
  const holdsSelected = createMemo(() => {
    let current = props.selected ? sessions.get(props.selected) : undefined;
    for (let hops = 0; current?.parentID && hops < 32; hops++) {
      if (current.parentID === props.session.id) return true;
      current = sessions.get(current.parentID);
    }
    return false;
  });
  const [chosen, setChosen] = createSignal<boolean>();
  const expanded = () => chosen() ?? holdsSelected();
  const busyBelow = () => children().some((child) => sessions.busy(child.id));
  return (
    <>
      <SessionItem
        session={props.session}
        href={sessionPath(props.serverKey, props.session.id)}
        selected={props.selected === props.session.id}
        busy={sessions.busy(props.session.id)}
        waiting={
          sessions.permissions(props.session.id).length +
            sessions.questions(props.session.id).length >
          0
        }
        now={props.now}
        depth={props.depth}
        subagents={children().length}
        subagentsBusy={busyBelow()}
        expanded={expanded()}
        onToggle={() => setChosen(!expanded())}
        onDelete={() => props.onDelete(props.session)}
        onProblem={props.onProblem}
      />
      <Show when={expanded() && children().length > 0}>
        <li class="session-children">
          <ul
            id={`subagents-${props.session.id}`}
            class="session-sublist"
            aria-label={`Sub-agents of ${props.session.title}`}
          >
            <For each={children()}>
              {(child) => (
                <SessionNode
                  session={child}
                  serverKey={props.serverKey}
                  selected={props.selected}
                  now={props.now}
                  depth={props.depth + 1}
                  onDelete={props.onDelete}
                  onProblem={props.onProblem}
                />
              )}
            </For>
          </ul>
        </li>
      </Show>
    </>
  );
}

function SessionItem(props: {
  session: Session;
  href: string;
  selected: boolean;
  busy: boolean;
  waiting: boolean;
  now: number;
  depth: number;
  /** How many sub-agent sessions it has. */
  subagents: number;
  subagentsBusy: boolean;
  expanded: boolean;
  onToggle: () => void;
  onDelete: () => void;
  onProblem: (problem: Problem | null) => void;
}): JSX.Element {
  const sessions = useSessions();
  const [editing, setEditing] = createSignal(false);
  let input: HTMLInputElement | undefined;
  let renameButton: HTMLButtonElement | undefined;

  const startRename = () => {
    setEditing(true);
    queueMicrotask(() => {
      input?.focus();
      input?.select();
    });
  };
  const finishRename = async (save: boolean) => {
    if (!editing()) return;
    const title = input?.value.trim() ?? "";
    setEditing(false);
    queueMicrotask(() => renameButton?.focus());
    if (!save || title === "" || title === props.session.title) return;
    props.onProblem(null);
    try {
      await sessions.rename(props.session.id, title);
    } catch (error) {
      props.onProblem({ ...problemOf(error), title: `Not renamed: ${problemOf(error).title}` });
    }
  };

  const state = () => (props.waiting ? "waiting" : props.busy ? "busy" : "idle");
  const stateLabel = () => (props.waiting ? "waiting for you" : props.busy ? "working" : "idle");

  return (
    <li
      class="session-item"
      classList={{ subagent: props.depth > 0 }}
      aria-current={props.selected ? "page" : undefined}
      aria-label={props.session.title}
      data-state={state()}
    >
      <Show
        when={editing()}
        fallback={
          <Link href={props.href} class="session-link" title={props.session.title}>
            <span class="session-title">{props.session.title}</span>
            <span class="session-meta">
              <span class="session-state" role="img" aria-label={stateLabel()} />
              <span>{relativeTime(props.session.time.updated, props.now)}</span>
            </span>
          </Link>
        }
      >
        <input
          ref={input}
          class="session-rename"
          type="text"
          aria-label="Session title"
          value={props.session.title}
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              void finishRename(true);
            } else if (event.key === "Escape") {
              event.preventDefault();
              event.stopPropagation();
              void finishRename(false);
            }
          }}
          onBlur={() => void finishRename(true)}
        />
      </Show>
      <Show when={!editing() && props.subagents > 0}>
        <button
          type="button"
          class="subagent-toggle"
          classList={{ busy: props.subagentsBusy }}
          aria-expanded={props.expanded}
          aria-controls={`subagents-${props.session.id}`}
          aria-label={`${props.expanded ? "Hide" : "Show"} ${props.subagents} sub-agent${props.subagents === 1 ? "" : "s"}`}
          title={`${props.subagents} sub-agent session${props.subagents === 1 ? "" : "s"}`}
          onClick={() => props.onToggle()}
        >
          <ChevronIcon />
          <AgentIcon />
          <span>{props.subagents}</span>
        </button>
      </Show>
      <Show when={!editing()}>
        <span class="session-actions">
          <button
            ref={renameButton}
            type="button"
            class="icon-button small"
            aria-label="Rename session"
            title="Rename"
            onClick={startRename}
          >
            <PencilIcon />
          </button>
          <button
            type="button"
            class="icon-button small danger-text"
            aria-label="Delete session"
            title="Delete"
            onClick={() => props.onDelete()}
          >
            <TrashIcon />
          </button>
        </span>
      </Show>
    </li>
  );
}
