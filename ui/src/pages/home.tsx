/**
 * The workspace of the server in use: the sessions on the left, the chosen session's
 * chat in the middle (or, with none chosen, which server this is and how it is doing, in
 * a compact card, and the prompt box: a prompt sent there starts a session),
 * the session's changes or the project's files on the right, as wide as the user drags
 * them, and the terminal below both, when opened.
 *
 * The route names the server and the session (`#/s/<server>/<session>`), so a session's
 * address can be bookmarked and survives a reload; a link to another listed server
 * switches to it.
 */

import {
  createEffect,
  createSignal,
  For,
  lazy,
  Match,
  onCleanup,
  Show,
  Suspense,
  Switch,
  type JSX,
} from "solid-js";
import type { PathInfo } from "../api/types";
import { HealthDot } from "../components/health-dot";
import { ProblemBox } from "../components/problem-box";
import { healthProblem, healthTitle } from "../components/server-row";
import { useConnection, useResync } from "../context/connection";
import { useFiles } from "../context/files";
import { useHealth } from "../context/health";
import { Link, sessionPath, useRouter } from "../context/router";
import { useServers, type ServerEntry } from "../context/servers";
import { useSessions } from "../context/sessions";
import { createStarter } from "../context/starter";
import { useTerminal } from "../context/terminal";
import { ChangesPanel } from "../components/changes-panel";
import { PlusIcon } from "../components/icons";
import { PromptBox } from "../components/prompt/prompt-box";
import { createStoredSize, ResizeHandle } from "../components/resize-handle";
import { SessionList } from "../components/session-list";
import { isShortServerId, resolveServerSegment } from "../lib/routes";
import { displayUrl } from "../lib/url";
import { ChatView } from "./chat";
import { EXAMPLE_URL } from "./servers";

const STREAM_TEXT = {
  connecting: "Opening the event stream…",
  connected: "Live: receiving events",
  reconnecting: "Event stream lost; reconnecting",
  closed: "Not connected",
} as const;

// The file panel (tree, search, viewer) loads when first shown.
const FilesPanel = lazy(() =>
  import("../components/files/files-panel").then((module) => ({ default: module.FilesPanel })),
);

// xterm.js is most of the bundle: load it when the terminal is first opened.
const TerminalPanel = lazy(() =>
  import("../components/terminal-panel").then((module) => ({ default: module.TerminalPanel })),
);

export function HomePage(props: { server?: string; session?: string }): JSX.Element {
  const servers = useServers();
  const router = useRouter();
  // The address names the server by its short id; an old address with the whole URL
  // still resolves, and is rewritten.
  const linkedServer = () =>
    props.server === undefined
      ? undefined
      : resolveServerSegment(props.server, servers.list(), servers.find);
  // A link to a session on another listed server switches to that server.
  createEffect(() => {
    const entry = linkedServer();
    if (entry && servers.active()?.key !== entry.key) servers.select(entry.key);
    if (entry && props.server !== undefined && !isShortServerId(props.server) && props.session) {
      router.navigate(sessionPath(entry.key, props.session), { replace: true });
    }
  });
  const sessionID = () => {
    const active = servers.active();
    const linked = linkedServer();
    return linked && active && linked.key === active.key ? props.session : undefined;
  };
  return (
    <Switch
      fallback={
        <div class="home">
          <NoServers />
        </div>
      }
    >
      <Match when={props.server !== undefined && !linkedServer()}>
        <div class="home">
          <section class="card center">
            <h1>This link is for a server that is not in your list</h1>
            <p>
              <code>{props.server}</code> is not one of this notebook's servers. Add it in Settings,
              or go back to your sessions.
            </p>
            <div class="card-actions">
              <button type="button" class="button" onClick={() => router.navigate("/")}>
                Back to sessions
              </button>
              <Link href="/settings/servers/new" class="button primary">
                Add server
              </Link>
            </div>
          </section>
        </div>
      </Match>
      <Match when={servers.active()}>
        {(server) => <Workspace server={server()} sessionID={sessionID()} />}
      </Match>
    </Switch>
  );
}

/** The session list's width beside a side panel (workspace.css), and the least the chat keeps. */
const SIDEBAR_WIDTH = 272;
const CHAT_MIN_WIDTH = 400;
const SIDE_MIN_WIDTH = 320;
const SIDE_WIDTH_KEY = "opencode-proxy.side-panel-width.v1";

function Workspace(props: { server: ServerEntry; sessionID: string | undefined }): JSX.Element {
  const terminal = useTerminal();
  // The side panel shown (Changes or Files) is the files context's: the palette and a
  // tool card's "Open file" change it too.
  const files = useFiles();
  const changesOpen = () => files.panel() === "changes";
  const setChangesOpen = (open: boolean) => files.setPanel(open ? "changes" : null);
  const filesOpen = () => files.panel() === "files";
  const sideOpen = () => (changesOpen() && !!props.sessionID) || filesOpen();
  // The side panel's width, one for both panels, kept across reloads (not on a phone or a
  // narrow window, where the panel lies over the chat: workspace.css).
  const sideWidth = createStoredSize(
    SIDE_WIDTH_KEY,
    (view) => Math.round(view.width * 0.38),
    (view) => ({
      min: SIDE_MIN_WIDTH,
      max: Math.min(Math.round(view.width * 0.7), view.width - SIDEBAR_WIDTH - CHAT_MIN_WIDTH),
    }),
  );
  return (
    <div
      class="workspace"
      classList={{ "with-changes": sideOpen() }}
      style={sideOpen() ? { "--side-width": `${sideWidth.size()}px` } : undefined}
    >
      <SessionList serverKey={props.server.key} selected={props.sessionID} />
      <div class="workspace-main">
        <Show
          when={props.sessionID}
          keyed
          fallback={
            <div class="home">
              <ServerStatus server={props.server} />
            </div>
          }
        >
          {(id) => (
            <ChatView
              sessionID={id}
              changesOpen={changesOpen()}
              onToggleChanges={() => setChangesOpen(!changesOpen())}
            />
          )}
        </Show>
      </div>
      <Show when={sideOpen()}>
        <ResizeHandle
          label="Resize side panel"
          orientation="vertical"
          sized={sideWidth}
          step={40}
          class="side-resize"
        />
      </Show>
      <Show when={changesOpen() && props.sessionID} keyed>
        {(id) => <ChangesPanel sessionID={id} onClose={() => setChangesOpen(false)} />}
      </Show>
      <Show when={filesOpen()}>
        <Suspense fallback={<aside class="files-panel" aria-busy="true" />}>
          <FilesPanel />
        </Suspense>
      </Show>
      {/* Below the chat and the side panel both, as wide as they are together. */}
      <Show when={terminal.open()}>
        <Suspense fallback={<div class="terminal-panel loading" aria-busy="true" />}>
          <TerminalPanel />
        </Suspense>
      </Show>
    </div>
  );
}

function NoServers(): JSX.Element {
  const router = useRouter();
  return (
    <section class="card center">
      <h1>No server yet</h1>
      <p>
        Enter the address of the OpenCode server running in your sandbox, for example{" "}
        <code>{EXAMPLE_URL}</code>.
      </p>
      <button
        type="button"
        class="button primary"
        onClick={() => router.navigate("/settings/servers/new")}
      >
        Add server
      </button>
    </section>
  );
}

function ServerStatus(props: { server: ServerEntry }): JSX.Element {
  const health = useHealth();
  const { state } = useConnection();
  const [path, setPath] = createSignal<PathInfo>();
  // Re-read on every switch and after a reconnect, as everything fetched will be in part 2.
  useResync((connection) => {
    setPath(undefined);
    connection.client.path({ timeoutMs: 10_000 }).then(
      (info) => {
        if (!connection.disposed) setPath(info);
      },
      () => {},
    );
  });
  const current = () => health.of(props.server.key);
  const reachable = () => current().status !== "unhealthy";

  return (
    <div class="home-start">
      <section class="card status-card" aria-labelledby="status-title">
        <div class="status-head">
          <HealthDot status={current().status} title={healthTitle(props.server, current())} />
          <div class="status-title-block">
            <h1 id="status-title">
              <Switch>
                <Match when={current().status === "unhealthy"}>
                  {props.server.label} is not reachable
                </Match>
                <Match when={current().status === "checking"}>
                  Connecting to {props.server.label}…
                </Match>
                <Match when={current().status === "unknown"}>
                  Health of {props.server.label} unknown
                </Match>
                <Match when={true}>Connected to {props.server.label}</Match>
              </Switch>
            </h1>
            <p class="mono status-url">{displayUrl(props.server.url)}</p>
          </div>
          <div class="status-actions">
            <Show when={reachable()}>
              <StartSession server={props.server} />
            </Show>
            <Link href="/settings/servers" class="button ghost small">
              Change server
            </Link>
          </div>
        </div>

        <Show when={healthProblem(props.server, current())}>
          {(found) => <ProblemBox problem={found()} />}
        </Show>

        <dl class="facts status-facts">
          <div>
            <dt>Server</dt>
            <dd>
              {current().version ? `OpenCode v${current().version}` : "—"}
              <Show when={current().rttMs !== undefined}>
                <span class="muted"> · {current().rttMs} ms round trip</span>
              </Show>
            </dd>
          </div>
          <div>
            <dt>Events</dt>
            <dd data-stream={state().status}>{STREAM_TEXT[state().status]}</dd>
          </div>
          <Show when={path()}>
            {(info) => (
              <div>
                <dt>Project</dt>
                <dd class="mono">{info().directory}</dd>
              </div>
            )}
          </Show>
        </dl>

        <Show when={!reachable()}>
          <OtherServers except={props.server.key} />
        </Show>
      </section>
      <Show when={reachable()}>
        <HomePrompt server={props.server} />
      </Show>
    </div>
  );
}

/** "Start a session": an empty one, opened. */
function StartSession(props: { server: ServerEntry }): JSX.Element {
  const sessions = useSessions();
  const router = useRouter();
  const [creating, setCreating] = createSignal(false);
  const create = async () => {
    if (creating()) return;
    setCreating(true);
    try {
      const session = await sessions.create();
      router.navigate(sessionPath(props.server.key, session.id));
    } catch {
      // The sidebar's own button reports failures; this one simply stays.
    } finally {
      setCreating(false);
    }
  };
  return (
    <button
      type="button"
      class="button small"
      onClick={() => void create()}
      disabled={creating()}
      title="An empty session, to type in later"
    >
      <PlusIcon />
      <span>Start a session</span>
    </button>
  );
}

/**
 * The chat's prompt box, before there is a session: Enter starts one with the prompt
 * and opens it. The unsent text is kept per server, as a session's is.
 */
function HomePrompt(props: { server: ServerEntry }): JSX.Element {
  const router = useRouter();
  let gone = false;
  onCleanup(() => (gone = true));
  const starter = createStarter((id) => {
    // Left home meanwhile: the session is in the list, the page stays where the user went.
    if (!gone) router.navigate(sessionPath(props.server.key, id));
  });
  return (
    <div class="home-prompt">
      <h2 class="home-prompt-title">What should the agent do?</h2>
      <PromptBox chat={starter} busy={false} autofocus draftKey={`${props.server.key}\nhome`} />
    </div>
  );
}

function OtherServers(props: { except: string }): JSX.Element {
  const servers = useServers();
  const health = useHealth();
  const others = () => servers.list().filter((entry) => entry.key !== props.except);
  return (
    <div class="others">
      <Show
        when={others().length > 0}
        fallback={
          <p>
            There is no other server. <Link href="/settings/servers/new">Add one</Link> or check
            that the sandbox is running.
          </p>
        }
      >
        <h2>Use another server</h2>
        <ul class="other-list">
          <For each={others()}>
            {(entry) => (
              <li>
                <button
                  type="button"
                  class="other-server"
                  disabled={health.of(entry.key).status === "unhealthy"}
                  onClick={() => servers.select(entry.key)}
                >
                  <HealthDot status={health.of(entry.key).status} />
                  <span>{entry.label}</span>
                  <span class="mono muted">{displayUrl(entry.url)}</span>
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
