/**
 * The frame around every view: a top bar with the server in use, the event stream's
 * state and the way to Settings, and the main area below it. On a phone-narrow screen
 * the top bar keeps only icons (each with its accessible name) and gains a button that
 * opens the session list as a drawer.
 */

import { createEffect, onCleanup, Show, type JSX } from "solid-js";
import { useConnection } from "../context/connection";
import { useHealth } from "../context/health";
import { DRAWER_ID, DRAWER_TOGGLE_ID, LayoutProvider, useLayout } from "../context/layout";
import { useNotifications } from "../context/notifications";
import { Link, useRouter } from "../context/router";
import { useTerminal } from "../context/terminal";
import { titleWithCount } from "../lib/attention";
import { currentPlatform, isShortcut } from "../lib/shortcuts";
import { ConnectionIndicator } from "./connection-indicator";
import { HealthDot } from "./health-dot";
import { StatusButton } from "./status-popover";
import { GearIcon, Logo, TerminalIcon } from "./icons";
import { MenuIcon } from "./workspace-icons";

export function Shell(props: { children: JSX.Element }): JSX.Element {
  return (
    <LayoutProvider>
      <Frame>{props.children}</Frame>
    </LayoutProvider>
  );
}

function Frame(props: { children: JSX.Element }): JSX.Element {
  const layout = useLayout();
  const { server } = useConnection();
  const health = useHealth();
  const router = useRouter();
  const terminal = useTerminal();
  const notifications = useNotifications();
  const inSettings = () => router.path().startsWith("/settings");
  // Ctrl+` toggles the terminal, as in most editors (the key is in lib/shortcuts.ts).
  const platform = currentPlatform();
  const onKey = (event: KeyboardEvent) => {
    if (isShortcut(event, "terminal.toggle", platform) && server() && !inSettings()) {
      event.preventDefault();
      terminal.toggle();
    }
  };
  document.addEventListener("keydown", onKey);
  onCleanup(() => document.removeEventListener("keydown", onKey));
  // The tab's title names the server and counts the sessions that need the user.
  createEffect(() => {
    const current = server();
    const base = current ? `${current.label} · OpenCode` : "OpenCode";
    document.title = titleWithCount(base, notifications.count());
  });

  return (
    <div class="shell">
      <header class="topbar">
        <Show when={layout.phone() && server() && !inSettings()}>
          <button
            type="button"
            id={DRAWER_TOGGLE_ID}
            class="icon-button drawer-toggle"
            aria-label="Sessions"
            title="Sessions"
            aria-haspopup="dialog"
            aria-controls={DRAWER_ID}
            aria-expanded={layout.drawerOpen()}
            onClick={() => layout.toggleDrawer()}
          >
            <MenuIcon />
          </button>
        </Show>
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
        <StatusButton />
        <Show when={server() && !inSettings()}>
          <button
            type="button"
            class="button ghost small topbar-button"
            aria-label="Terminal"
            aria-pressed={terminal.open()}
            title="Terminal (Ctrl+`)"
            onClick={() => terminal.toggle()}
          >
            <TerminalIcon />
            <span class="topbar-label">Terminal</span>
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
