/**
 * The frame around every view: a top bar with the server in use, the event stream's
 * state and the way to Settings, and the main area below it.
 */

import { createEffect, onCleanup, Show, type JSX } from "solid-js";
import { useConnection } from "../context/connection";
import { useHealth } from "../context/health";
import { Link, useRouter } from "../context/router";
import { useTerminal } from "../context/terminal";
import { ConnectionIndicator } from "./connection-indicator";
import { HealthDot } from "./health-dot";
import { GearIcon, Logo, TerminalIcon } from "./icons";

export function Shell(props: { children: JSX.Element }): JSX.Element {
  const { server } = useConnection();
  const health = useHealth();
  const router = useRouter();
  const terminal = useTerminal();
  const inSettings = () => router.path().startsWith("/settings");
  // Ctrl+` toggles the terminal, as in most editors.
  const onKey = (event: KeyboardEvent) => {
    if (event.ctrlKey && event.key === "`" && server() && !inSettings()) {
      event.preventDefault();
      terminal.toggle();
    }
  };
  document.addEventListener("keydown", onKey);
  onCleanup(() => document.removeEventListener("keydown", onKey));
  createEffect(() => {
    const current = server();
    document.title = current ? `${current.label} · OpenCode` : "OpenCode";
  });

  return (
    <div class="shell">
      <header class="topbar">
        <Link href="/" class="brand" aria-label="OpenCode home">
          <Logo />
          <span class="brand-name">opencode</span>
        </Link>
        <Show when={server()}>
          {(current) => (
            <Link
              href="/settings/servers"
              class="server-chip"
              title={`${current().url} — change server`}
              aria-label={`Server: ${current().label} (${health.of(current().key).status}). Change server`}
            >
              <HealthDot status={health.of(current().key).status} />
              <span class="server-chip-name">{current().label}</span>
            </Link>
          )}
        </Show>
        <div class="topbar-spacer" />
        <ConnectionIndicator />
        <Show when={server() && !inSettings()}>
          <button
            type="button"
            class="button ghost small topbar-button"
            aria-pressed={terminal.open()}
            title="Terminal (Ctrl+`)"
            onClick={() => terminal.toggle()}
          >
            <TerminalIcon />
            <span>Terminal</span>
          </button>
        </Show>
        <Link
          href="/settings/servers"
          class="icon-button"
          classList={{ active: inSettings() }}
          aria-label="Settings"
          title="Settings"
        >
          <GearIcon />
        </Link>
      </header>
      <main class="main">{props.children}</main>
    </div>
  );
}
