/**
 * The sidebar: the server's sessions, newest first, each with its title, when it last
 * changed and whether the agent is working in it; "New session"; rename in place and
 * delete after a confirmation.
 */

import { createSignal, For, onCleanup, Show, type JSX } from "solid-js";
import { problemOf, type Problem } from "../api/problems";
import type { Session } from "../api/types";
import { Link, sessionPath, useRouter } from "../context/router";
import { useSessions } from "../context/sessions";
import { relativeTime } from "../lib/format";
import { ConfirmDialog } from "./confirm-dialog";
import { PencilIcon, PlusIcon, TrashIcon } from "./icons";
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
                <SessionItem
                  session={session}
                  href={sessionPath(props.serverKey, session.id)}
                  selected={props.selected === session.id}
                  busy={sessions.busy(session.id)}
                  waiting={
                    sessions.permissions(session.id).length +
                      sessions.questions(session.id).length >
                    0
                  }
                  now={now()}
                  onDelete={() => setDeleting(session)}
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

function SessionItem(props: {
  session: Session;
  href: string;
  selected: boolean;
  busy: boolean;
  waiting: boolean;
  now: number;
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
