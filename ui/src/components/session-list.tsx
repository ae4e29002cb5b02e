/**
 * The sidebar: the server's sessions, newest first, grouped by the day they last changed
 * ("Today", "Yesterday", dates), each with its title (OpenCode's raw placeholder made
 * readable), when it last changed, whether the agent is working or waiting in it, and an
 * unread mark when it finished while nobody was looking. A search field filters by
 * title; the archived sessions have their own view. Each row's menu renames it in place,
 * archives or brings it back, compacts it, shares it (when the server allows), exports it
 * as markdown or JSON, or deletes it after a confirmation. Sub-agent sessions (those with
 * a `parentID`) are nested under their parent, folded behind a count until opened
 * (opened by themselves when the session shown is one of them).
 *
 * On a phone-narrow screen the same list is a drawer opened from the top bar.
 */

import {
  createEffect,
  createMemo,
  createSignal,
  For,
  onCleanup,
  Show,
  type Accessor,
  type JSX,
  type Setter,
} from "solid-js";
import { problemOf, type Problem } from "../api/problems";
import type { Session } from "../api/types";
import { DRAWER_ID, DRAWER_TOGGLE_ID, useLayout } from "../context/layout";
import { useNotifications } from "../context/notifications";
import { Link, sessionPath, useRouter } from "../context/router";
import { useSessions } from "../context/sessions";
import { relativeTime } from "../lib/format";
import { filterByTitle, groupByDay } from "../lib/session-groups";
import { exportFileName, exportJson, exportMarkdown } from "../lib/session-export";
import { displayTitle } from "../lib/session-title";
import { ConfirmDialog } from "./confirm-dialog";
import { downloadText } from "./download";
import { ChevronIcon, CloseIcon, PencilIcon, PlusIcon, SearchIcon, TrashIcon } from "./icons";
import { Menu, type MenuAction } from "./menu";
import { ProblemBox } from "./problem-box";
import { AgentIcon, CopyIcon } from "./session-icons";
import { ArchiveIcon, CompactIcon, DownloadIcon, MoreIcon, ShareIcon } from "./workspace-icons";

/** What the list shows; kept above the drawer so it survives opening and closing it. */
interface ListView {
  query: Accessor<string>;
  setQuery: Setter<string>;
  showArchived: Accessor<boolean>;
  setShowArchived: Setter<boolean>;
}

export function SessionList(props: {
  serverKey: string;
  selected: string | undefined;
}): JSX.Element {
  const layout = useLayout();
  const [query, setQuery] = createSignal("");
  const [showArchived, setShowArchived] = createSignal(false);
  const view: ListView = { query, setQuery, showArchived, setShowArchived };
  const body = () => (
    <SidebarBody
      serverKey={props.serverKey}
      selected={props.selected}
      drawer={layout.phone()}
      view={view}
    />
  );
  return (
    <Show
      when={layout.phone()}
      fallback={
        <nav class="sidebar" aria-label="Sidebar">
          {body()}
        </nav>
      }
    >
      <Drawer>{body()}</Drawer>
    </Show>
  );
}

/**
 * The session list on a phone: a modal drawer from the left (`<dialog>`, so the page
 * behind it is inert and focus stays inside), opened from the top bar; Escape, a tap on
 * the scrim or choosing a session closes it and focus goes back to the top bar's button.
 */
function Drawer(props: { children: JSX.Element }): JSX.Element {
  const layout = useLayout();
  let dialog: HTMLDialogElement | undefined;
  createEffect(() => {
    if (!dialog) return;
    if (layout.drawerOpen() && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>("[data-drawer-focus]")?.focus();
    } else if (!layout.drawerOpen() && dialog.open) {
      dialog.close();
      document.getElementById(DRAWER_TOGGLE_ID)?.focus();
    }
  });
  onCleanup(() => {
    if (dialog?.open) dialog.close();
  });
  return (
    <dialog
      ref={dialog}
      id={DRAWER_ID}
      class="drawer"
      aria-label="Sessions"
      onCancel={(event) => {
        event.preventDefault();
        layout.closeDrawer();
      }}
      onClose={() => layout.closeDrawer()}
      onClick={(event) => {
        // The dialog itself is hit only through its backdrop (the scrim).
        if (event.target === dialog) layout.closeDrawer();
        else if (event.target instanceof Element && event.target.closest("a.session-link")) {
          layout.closeDrawer();
        }
      }}
    >
      <nav class="sidebar" aria-label="Sidebar">
        {props.children}
      </nav>
    </dialog>
  );
}

/** What a row's menu asks of the list (confirmations and problems live there). */
interface RowHandlers {
  onDelete: (session: Session) => void;
  onProblem: (problem: Problem | null) => void;
  onNotice: (text: string) => void;
}

function SidebarBody(props: {
  serverKey: string;
  selected: string | undefined;
  /** Shown in the phone drawer (then it has its own close button). */
  drawer: boolean;
  view: ListView;
}): JSX.Element {
  const layout = useLayout();
  const sessions = useSessions();
  const router = useRouter();
  const [creating, setCreating] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [notice, setNotice] = createSignal("");
  const [deleting, setDeleting] = createSignal<Session>();
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), 30_000);
  onCleanup(() => clearInterval(tick));
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(noticeTimer));
  const showNotice = (text: string) => {
    setNotice(text);
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => setNotice(""), 6000);
  };

  const archivedView = () => props.view.showArchived();
  const source = () => (archivedView() ? sessions.archived() : sessions.list());
  const groups = createMemo(() => groupByDay(filterByTitle(source(), props.view.query()), now()));

  const create = async () => {
    if (creating()) return;
    setCreating(true);
    setProblem(null);
    try {
      const session = await sessions.create();
      props.view.setShowArchived(false);
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

  const handlers: RowHandlers = {
    onDelete: setDeleting,
    onProblem: setProblem,
    onNotice: showNotice,
  };

  return (
    <>
      <div class="sidebar-head">
        <h2>{archivedView() ? "Archived" : "Sessions"}</h2>
        <button
          type="button"
          class="button small"
          data-drawer-focus
          onClick={() => void create()}
          disabled={creating()}
          aria-busy={creating()}
        >
          <PlusIcon />
          <span>New session</span>
        </button>
        <Show when={props.drawer}>
          <button
            type="button"
            class="icon-button small"
            aria-label="Close sessions"
            title="Close"
            onClick={() => layout.closeDrawer()}
          >
            <CloseIcon />
          </button>
        </Show>
      </div>
      <div class="sidebar-search">
        <SearchIcon />
        <input
          type="search"
          aria-label="Search sessions"
          placeholder={archivedView() ? "Search archived sessions" : "Search sessions"}
          value={props.view.query()}
          onInput={(event) => props.view.setQuery(event.currentTarget.value)}
          onKeyDown={(event) => {
            // Escape first clears the field; an empty field lets it close the drawer.
            if (event.key === "Escape" && event.currentTarget.value !== "") {
              event.preventDefault();
              event.stopPropagation();
              props.view.setQuery("");
            }
          }}
        />
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
      <p class="sidebar-notice" role="status">
        {notice()}
      </p>
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
          when={groups().length > 0}
          fallback={
            <Show when={!sessions.problem()}>
              <p class="sidebar-empty">
                {props.view.query().trim() !== ""
                  ? `No ${archivedView() ? "archived " : ""}session matches “${props.view.query().trim()}”.`
                  : archivedView()
                    ? "No archived sessions."
                    : "No sessions yet. Start one with New session."}
              </p>
            </Show>
          }
        >
          <ul class="session-list" aria-label={archivedView() ? "Archived sessions" : "Sessions"}>
            <For each={groups()}>
              {(group) => (
                <li class="session-day" role="none">
                  <h3 class="session-day-title" id={`day-${group.key}`}>
                    {group.label}
                  </h3>
                  <ul class="session-group" aria-labelledby={`day-${group.key}`}>
                    <For each={group.items}>
                      {(session) => (
                        <SessionNode
                          session={session}
                          serverKey={props.serverKey}
                          selected={props.selected}
                          now={now()}
                          depth={0}
                          handlers={handlers}
                        />
                      )}
                    </For>
                  </ul>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
      <div class="sidebar-foot">
        <button
          type="button"
          class="button ghost small"
          aria-pressed={archivedView()}
          onClick={() => props.view.setShowArchived(!archivedView())}
        >
          <Show
            when={archivedView()}
            fallback={
              <>
                <ArchiveIcon />
                <span>Archived ({sessions.archived().length})</span>
              </>
            }
          >
            <ChevronIcon />
            <span>Back to sessions</span>
          </Show>
        </button>
      </div>
      <ConfirmDialog
        open={deleting() !== undefined}
        title={`Delete “${deleting() ? displayTitle(deleting()!) : ""}”?`}
        message="The session and its messages are deleted on the server. This cannot be undone."
        confirmLabel="Delete"
        danger
        onConfirm={() => void confirmDelete()}
        onCancel={() => setDeleting(undefined)}
      />
    </>
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
  handlers: RowHandlers;
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
  const waitingBelow = () => children().some((child) => sessions.waiting(child.id));
  return (
    <>
      <SessionItem
        session={props.session}
        href={sessionPath(props.serverKey, props.session.id)}
        selected={props.selected === props.session.id}
        now={props.now}
        depth={props.depth}
        subagents={children().length}
        subagentsBusy={busyBelow()}
        subagentsWaiting={waitingBelow()}
        expanded={expanded()}
        onToggle={() => setChosen(!expanded())}
        handlers={props.handlers}
      />
      <Show when={expanded() && children().length > 0}>
        <li class="session-children">
          <ul
            id={`subagents-${props.session.id}`}
            class="session-sublist"
            aria-label={`Sub-agents of ${displayTitle(props.session)}`}
          >
            <For each={children()}>
              {(child) => (
                <SessionNode
                  session={child}
                  serverKey={props.serverKey}
                  selected={props.selected}
                  now={props.now}
                  depth={props.depth + 1}
                  handlers={props.handlers}
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
  now: number;
  depth: number;
  /** How many sub-agent sessions it has. */
  subagents: number;
  subagentsBusy: boolean;
  /** One of them (or one below) waits for the user. */
  subagentsWaiting: boolean;
  expanded: boolean;
  onToggle: () => void;
  handlers: RowHandlers;
}): JSX.Element {
  const sessions = useSessions();
  const notifications = useNotifications();
  const [editing, setEditing] = createSignal(false);
  const [working, setWorking] = createSignal(false);
  let input: HTMLInputElement | undefined;
  let row: HTMLLIElement | undefined;

  const title = () => displayTitle(props.session);
  const id = () => props.session.id;
  const busy = () => sessions.busy(id());
  // A sub-agent's request waits in every session above it, folded or not.
  const waiting = () => sessions.waiting(id());
  const unread = () => notifications.unread(id());

  const startRename = () => {
    setEditing(true);
    queueMicrotask(() => {
      input?.focus();
      input?.select();
    });
  };
  const focusMenu = () =>
    queueMicrotask(() => row?.querySelector<HTMLElement>(".menu-trigger")?.focus());
  const finishRename = async (save: boolean) => {
    if (!editing()) return;
    const value = input?.value.trim() ?? "";
    setEditing(false);
    focusMenu();
    if (!save || value === "" || value === props.session.title) return;
    props.handlers.onProblem(null);
    try {
      await sessions.rename(id(), value);
    } catch (error) {
      props.handlers.onProblem({
        ...problemOf(error),
        title: `Not renamed: ${problemOf(error).title}`,
      });
    }
  };

  /** Run a row action once at a time; its failure shows above the list. */
  const run = async (failure: string, action: () => Promise<void>) => {
    if (working()) return;
    setWorking(true);
    props.handlers.onProblem(null);
    try {
      await action();
    } catch (error) {
      props.handlers.onProblem({
        ...problemOf(error),
        title: `${failure}: ${problemOf(error).title}`,
      });
    } finally {
      setWorking(false);
    }
  };

  const download = (kind: "md" | "json") =>
    run("Not exported", async () => {
      const data = await sessions.exportData(id());
      if (kind === "json") {
        downloadText(
          exportFileName(data.info, "json"),
          "application/json",
          exportJson(data.info, data.messages),
        );
      } else {
        downloadText(
          exportFileName(data.info, "md"),
          "text/markdown",
          exportMarkdown(data.info, data.messages),
        );
      }
    });

  const copyShareLink = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      props.handlers.onNotice(`Share link copied: ${url}`);
    } catch {
      props.handlers.onNotice(`Share link: ${url}`);
    }
  };

  const actions = (): MenuAction[] => {
    const archived = !!props.session.time.archived;
    const shared = props.session.share?.url;
    const list: MenuAction[] = [
      { label: "Rename", icon: PencilIcon, onSelect: startRename },
      {
        label: archived ? "Unarchive" : "Archive",
        icon: ArchiveIcon,
        onSelect: () =>
          void run(archived ? "Not unarchived" : "Not archived", async () => {
            await sessions.archive(id(), !archived);
            props.handlers.onNotice(
              archived ? `“${title()}” is back in Sessions.` : `“${title()}” archived.`,
            );
          }),
      },
      {
        label: "Compact",
        icon: CompactIcon,
        disabled: busy(),
        onSelect: () =>
          void run("Not compacted", async () => {
            await sessions.compact(id());
            props.handlers.onNotice(`“${title()}” is being compacted.`);
          }),
      },
    ];
    if (sessions.shareAllowed()) {
      if (shared) {
        list.push(
          { label: "Copy share link", icon: CopyIcon, onSelect: () => void copyShareLink(shared) },
          {
            label: "Stop sharing",
            icon: ShareIcon,
            onSelect: () =>
              void run("Still shared", async () => {
                await sessions.unshare(id());
                props.handlers.onNotice(`“${title()}” is no longer shared.`);
              }),
          },
        );
      } else {
        list.push({
          label: "Share",
          icon: ShareIcon,
          onSelect: () =>
            void run("Not shared", async () => {
              const session = await sessions.share(id());
              if (session.share?.url) await copyShareLink(session.share.url);
            }),
        });
      }
    }
    list.push(
      {
        label: "Export as Markdown",
        icon: DownloadIcon,
        separated: true,
        onSelect: () => void download("md"),
      },
      { label: "Export as JSON", icon: DownloadIcon, onSelect: () => void download("json") },
      {
        label: "Delete",
        icon: TrashIcon,
        danger: true,
        separated: true,
        onSelect: () => props.handlers.onDelete(props.session),
      },
    );
    return list;
  };

  const state = () => (waiting() ? "waiting" : busy() ? "busy" : "idle");
  const stateLabel = () => (waiting() ? "waiting for you" : busy() ? "working" : "idle");

  return (
    <li
      ref={row}
      class="session-item"
      classList={{ subagent: props.depth > 0 }}
      aria-current={props.selected ? "page" : undefined}
      aria-label={title()}
      aria-busy={working()}
      data-state={state()}
      data-unread={unread() ? "true" : undefined}
    >
      <Show
        when={editing()}
        fallback={
          <Link href={props.href} class="session-link" title={title()}>
            <span class="session-title">{title()}</span>
            <span class="session-meta">
              <span class="session-state" role="img" aria-label={stateLabel()} />
              <Show when={unread()}>
                <span
                  class="session-unread"
                  role="img"
                  aria-label="unread"
                  title="Finished while you were away"
                />
              </Show>
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
          classList={{ busy: props.subagentsBusy, waiting: props.subagentsWaiting }}
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
          <Menu label="Session actions" icon={MoreIcon} actions={actions} />
        </span>
      </Show>
    </li>
  );
}
