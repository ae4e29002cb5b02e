/**
 * The main area. For now it says which server is in use and how the connection is;
 * part 2 puts sessions, chat and the terminal here.
 */

import { createSignal, For, Match, Show, Switch, type JSX } from "solid-js";
import type { PathInfo } from "../api/types";
import { HealthDot } from "../components/health-dot";
import { ProblemBox } from "../components/problem-box";
import { healthProblem, healthTitle } from "../components/server-row";
import { useConnection, useResync } from "../context/connection";
import { useHealth } from "../context/health";
import { Link, useRouter } from "../context/router";
import { useServers, type ServerEntry } from "../context/servers";
import { displayUrl } from "../lib/url";
import { EXAMPLE_URL } from "./servers";

const STREAM_TEXT = {
  connecting: "Opening the event stream…",
  connected: "Live: receiving events",
  reconnecting: "Event stream lost; reconnecting",
  closed: "Not connected",
} as const;

export function HomePage(): JSX.Element {
  const servers = useServers();
  return (
    <div class="home">
      <Show when={servers.active()} fallback={<NoServers />}>
        {(server) => <ServerStatus server={server()} />}
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

  return (
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
              <Match when={true}>Connected to {props.server.label}</Match>
            </Switch>
          </h1>
          <p class="mono status-url">{displayUrl(props.server.url)}</p>
        </div>
        <Link href="/settings/servers" class="button ghost">
          Change server
        </Link>
      </div>

      <Show when={healthProblem(props.server, current())}>
        {(found) => <ProblemBox problem={found()} />}
      </Show>

      <dl class="facts">
        <dt>Server</dt>
        <dd>
          {current().version ? `OpenCode v${current().version}` : "—"}
          <Show when={current().rttMs !== undefined}>
            <span class="muted"> · {current().rttMs} ms round trip</span>
          </Show>
        </dd>
        <dt>Events</dt>
        <dd data-stream={state().status}>{STREAM_TEXT[state().status]}</dd>
        <dt>Project</dt>
        <dd>
          <Show when={path()} fallback={<span class="muted">—</span>}>
            {(info) => <span class="mono">{info().directory}</span>}
          </Show>
        </dd>
      </dl>

      <Show when={current().status === "unhealthy"}>
        <OtherServers except={props.server.key} />
      </Show>
      <Show when={current().status === "healthy"}>
        <p class="placeholder">Sessions, chat and the terminal will appear here.</p>
      </Show>
    </section>
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
