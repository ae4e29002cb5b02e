/**
 * The top bar's status button and its popover: the server (version, round trip, health),
 * its MCP servers (`GET /mcp`) with Connect and Disconnect (`POST /mcp/{name}/connect`,
 * `/disconnect`), its language servers (`GET /lsp`) and its connected providers
 * (`GET /provider`). Fetched when the server changes, after a reconnect and each time the
 * popover opens; the server's `mcp.tools.changed` and `lsp.updated` events refresh it.
 * The button shows a mark when an MCP or language server is in trouble.
 *
 * Built on the browser's popover (top layer, Escape and a click elsewhere close it).
 */

import { createSignal, For, Match, onCleanup, Show, Switch, type JSX } from "solid-js";
import type { Connection } from "../api/connection";
import { problemOf, type Problem } from "../api/problems";
import type { LspStatus, McpStatus } from "../api/types";
import { useConnection, useResync, useServerEvents } from "../context/connection";
import { useHealth } from "../context/health";
import { displayUrl } from "../lib/url";
import { HealthDot } from "./health-dot";
import { ProblemBox } from "./problem-box";
import { ActivityIcon } from "./workspace-icons";

interface ProviderRow {
  id: string;
  name: string;
  models: number;
}

const POPOVER_ID = "status-popover";
const MARGIN = 8;
const REFRESH_DELAY_MS = 300;

const MCP_WORDS: Record<string, string> = {
  connected: "Connected",
  disabled: "Disconnected",
  failed: "Failed",
  needs_auth: "Needs sign-in",
  needs_client_registration: "Needs registration",
};

function mcpTrouble(status: McpStatus): boolean {
  return status.status !== "connected" && status.status !== "disabled";
}

export function StatusButton(): JSX.Element {
  const { connection, server } = useConnection();
  const health = useHealth();
  const [mcp, setMcp] = createSignal<Array<[string, McpStatus]>>();
  const [lsp, setLsp] = createSignal<LspStatus[]>();
  const [providers, setProviders] = createSignal<ProviderRow[]>();
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [pending, setPending] = createSignal<string>();
  const [open, setOpen] = createSignal(false);
  let trigger: HTMLButtonElement | undefined;
  let panel: HTMLDivElement | undefined;
  let generation = 0;

  const load = async (current: Connection) => {
    const mine = ++generation;
    const client = current.client;
    const [mcpResult, lspResult, providerResult] = await Promise.allSettled([
      client.mcpStatus(),
      client.lspStatus(),
      client.providerCatalog(),
    ]);
    if (mine !== generation || current.disposed) return;
    setMcp(
      mcpResult.status === "fulfilled"
        ? Object.entries(mcpResult.value).sort(([a], [b]) => a.localeCompare(b))
        : undefined,
    );
    setLsp(lspResult.status === "fulfilled" ? lspResult.value : undefined);
    if (providerResult.status === "fulfilled") {
      const catalog = providerResult.value;
      const connected = new Set(catalog.connected);
      setProviders(
        catalog.all
          .filter((provider) => connected.has(provider.id))
          .map((provider) => ({
            id: provider.id,
            name: provider.name ?? provider.id,
            models: Object.keys(provider.models ?? {}).length,
          })),
      );
    } else {
      setProviders(undefined);
    }
    const failed = [mcpResult, lspResult, providerResult].find(
      (result): result is PromiseRejectedResult => result.status === "rejected",
    );
    setProblem(failed ? problemOf(failed.reason) : null);
  };
  useResync((current) => {
    setMcp(undefined);
    setLsp(undefined);
    setProviders(undefined);
    void load(current);
  });
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(refreshTimer));
  useServerEvents((event) => {
    if (event.type !== "mcp.tools.changed" && event.type !== "lsp.updated") return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      const current = connection();
      if (current) void load(current);
    }, REFRESH_DELAY_MS);
  });

  const toggleMcp = async (name: string, connect: boolean) => {
    const current = connection();
    if (!current || pending()) return;
    setPending(name);
    setProblem(null);
    try {
      if (connect) await current.client.mcpConnect(name);
      else await current.client.mcpDisconnect(name);
    } catch (error) {
      const found = problemOf(error);
      setProblem({
        ...found,
        title: `${name} not ${connect ? "connected" : "disconnected"}: ${found.title}`,
      });
    } finally {
      await load(current);
      setPending(undefined);
    }
  };

  const place = () => {
    if (!trigger || !panel) return;
    const anchor = trigger.getBoundingClientRect();
    const width = panel.offsetWidth;
    const left = Math.max(
      MARGIN,
      Math.min(anchor.right - width, window.innerWidth - width - MARGIN),
    );
    panel.style.left = `${Math.round(left)}px`;
    panel.style.top = `${Math.round(anchor.bottom + 6)}px`;
  };

  const trouble = () =>
    (mcp() ?? []).some(([, status]) => mcpTrouble(status)) ||
    (lsp() ?? []).some((item) => item.status === "error");
  const current = () => {
    const entry = server();
    return entry ? health.of(entry.key) : undefined;
  };

  return (
    <Show when={server()}>
      {(entry) => (
        <>
          <button
            ref={trigger}
            type="button"
            class="icon-button status-button"
            classList={{ trouble: trouble() }}
            aria-label="Status"
            title={trouble() ? "Status: an MCP or language server needs attention" : "Status"}
            aria-haspopup="dialog"
            aria-expanded={open()}
            aria-controls={POPOVER_ID}
            popovertarget={POPOVER_ID}
          >
            <ActivityIcon />
            <Show when={trouble()}>
              <span class="status-mark" aria-hidden="true" />
            </Show>
          </button>
          <div
            ref={panel}
            id={POPOVER_ID}
            class="status-popover"
            role="dialog"
            aria-label="Status"
            popover="auto"
            on:beforetoggle={(event: ToggleEvent) => {
              if (event.newState === "open") {
                setOpen(true);
                const live = connection();
                if (live) void load(live);
              }
            }}
            on:toggle={(event: ToggleEvent) => {
              if (event.newState === "open") {
                place();
                panel?.focus();
              } else {
                setOpen(false);
                if (
                  panel?.contains(document.activeElement) ||
                  document.activeElement === document.body
                ) {
                  trigger?.focus();
                }
              }
            }}
            tabindex="-1"
          >
            <section class="status-section" aria-labelledby="status-server">
              <h3 id="status-server">Server</h3>
              <div class="status-server">
                <HealthDot status={current()?.status ?? "checking"} />
                <div class="status-server-text">
                  <span class="status-name">{entry().label}</span>
                  <span class="mono muted">{displayUrl(entry().url)}</span>
                  <span class="muted">
                    <Switch fallback="Checking…">
                      <Match when={current()?.status === "healthy"}>
                        {`OpenCode v${current()?.version ?? "?"}`}
                        {current()?.rttMs !== undefined ? ` · ${current()?.rttMs} ms` : ""}
                      </Match>
                      <Match when={current()?.status === "unhealthy"}>
                        {current()?.problem?.title ?? "Not reachable"}
                      </Match>
                      <Match when={current()?.status === "unknown"}>
                        Unknown: the notebook service does not answer
                      </Match>
                    </Switch>
                  </span>
                </div>
              </div>
            </section>

            <Show when={problem()}>{(found) => <ProblemBox problem={found()} />}</Show>

            <section class="status-section" aria-labelledby="status-mcp">
              <h3 id="status-mcp">MCP servers</h3>
              <Show
                when={mcp()}
                fallback={<p class="status-empty">{problem() ? "Not known." : "Loading…"}</p>}
              >
                {(list) => (
                  <Show
                    when={list().length > 0}
                    fallback={<p class="status-empty">None configured.</p>}
                  >
                    <ul class="status-list" aria-label="MCP servers">
                      <For each={list()}>
                        {([name, status]) => (
                          <li class="status-row" aria-label={name} data-status={status.status}>
                            <span class="status-dot" aria-hidden="true" />
                            <span class="status-row-text">
                              <span class="status-name">{name}</span>
                              <span class="status-detail">
                                {MCP_WORDS[status.status] ?? status.status}
                                <Show when={"error" in status && status.error}>
                                  {(error) => <>: {error()}</>}
                                </Show>
                              </span>
                            </span>
                            <button
                              type="button"
                              class="button small"
                              disabled={pending() !== undefined}
                              aria-busy={pending() === name}
                              onClick={() => void toggleMcp(name, status.status !== "connected")}
                            >
                              {status.status === "connected" ? "Disconnect" : "Connect"}
                            </button>
                          </li>
                        )}
                      </For>
                    </ul>
                  </Show>
                )}
              </Show>
            </section>

            <section class="status-section" aria-labelledby="status-lsp">
              <h3 id="status-lsp">Language servers</h3>
              <Show
                when={lsp()}
                fallback={<p class="status-empty">{problem() ? "Not known." : "Loading…"}</p>}
              >
                {(list) => (
                  <Show
                    when={list().length > 0}
                    fallback={
                      <p class="status-empty">
                        None running; they start when the agent opens a file of their language.
                      </p>
                    }
                  >
                    <ul class="status-list" aria-label="Language servers">
                      <For each={list()}>
                        {(item) => (
                          <li class="status-row" aria-label={item.name} data-status={item.status}>
                            <span class="status-dot" aria-hidden="true" />
                            <span class="status-row-text">
                              <span class="status-name">{item.name}</span>
                              <span class="status-detail mono">{item.root}</span>
                            </span>
                            <span class="status-detail">
                              {item.status === "connected" ? "Running" : "Error"}
                            </span>
                          </li>
                        )}
                      </For>
                    </ul>
                  </Show>
                )}
              </Show>
            </section>

            <section class="status-section" aria-labelledby="status-providers">
              <h3 id="status-providers">Providers</h3>
              <Show
                when={providers()}
                fallback={<p class="status-empty">{problem() ? "Not known." : "Loading…"}</p>}
              >
                {(list) => (
                  <Show
                    when={list().length > 0}
                    fallback={<p class="status-empty">No provider is connected.</p>}
                  >
                    <ul class="status-list" aria-label="Connected providers">
                      <For each={list()}>
                        {(provider) => (
                          <li class="status-row" aria-label={provider.name} data-status="connected">
                            <span class="status-dot" aria-hidden="true" />
                            <span class="status-row-text">
                              <span class="status-name">{provider.name}</span>
                              <span class="status-detail">
                                {provider.models} model{provider.models === 1 ? "" : "s"}
                              </span>
                            </span>
                          </li>
                        )}
                      </For>
                    </ul>
                  </Show>
                )}
              </Show>
            </section>
          </div>
        </>
      )}
    </Show>
  );
}
