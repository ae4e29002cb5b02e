/**
 * The terminal panel: a tab per terminal of the terminal context (new, close one, rename
 * by double-click or F2, arrow keys between tabs), and xterm.js showing the active one's
 * PTY, fitted to the panel (the PTY is resized with it), with a handle to change its
 * height by mouse or keyboard (kept across reloads). Hiding the panel keeps the shells;
 * closing it ends them.
 */

import { FitAddon } from "@xterm/addon-fit";
import { Terminal, type ITheme } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { createSignal, For, Match, onCleanup, onMount, Show, Switch, type JSX } from "solid-js";
import { useTerminal, type TerminalTab } from "../context/terminal";
import { THEME_EVENT } from "../lib/theme";
import { ChevronIcon, CloseIcon, PlusIcon, TerminalIcon } from "./icons";
import { ProblemBox } from "./problem-box";
import { createStoredSize, ResizeHandle } from "./resize-handle";

const MIN_HEIGHT = 120;
const DEFAULT_HEIGHT = 280;
const STEP = 40;
const HEIGHT_KEY = "opencode-proxy.terminal-height.v1";

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

function theme(): ITheme {
  return {
    background: cssVar("--terminal-bg", "#111113"),
    foreground: cssVar("--terminal-fg", "#e4e4e7"),
    cursor: cssVar("--terminal-cursor", "#e4e4e7"),
    selectionBackground: cssVar("--terminal-selection", "#3f3f46"),
  };
}

/** The xterm.js screen of the active terminal; made again when another tab is chosen. */
function Screen(props: { tabID: string }): JSX.Element {
  const terminal = useTerminal();
  let screen: HTMLDivElement | undefined;

  onMount(() => {
    if (!screen) return;
    const term = new Terminal({
      fontFamily: cssVar("--font-mono", "monospace"),
      fontSize: 13,
      lineHeight: 1.2,
      cursorBlink: true,
      scrollback: 5000,
      theme: theme(),
      allowProposedApi: false,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(screen);
    const refit = () => {
      if (!screen || screen.clientWidth === 0 || screen.clientHeight === 0) return;
      try {
        fit.fit();
      } catch {
        // Not laid out yet; the next resize fits it.
      }
    };
    refit();
    const detach = terminal.attach({
      write: (text) => term.write(text),
      reset: () => term.reset(),
    });
    const input = term.onData((data) => terminal.input(data));
    const resized = term.onResize(({ rows, cols }) => terminal.resize(rows, cols));
    terminal.resize(term.rows, term.cols);
    const observer = new ResizeObserver(refit);
    observer.observe(screen);
    const scheme = window.matchMedia("(prefers-color-scheme: dark)");
    const onScheme = () => (term.options.theme = theme());
    scheme.addEventListener("change", onScheme);
    document.documentElement.addEventListener(THEME_EVENT, onScheme);
    term.focus();
    onCleanup(() => {
      scheme.removeEventListener("change", onScheme);
      document.documentElement.removeEventListener(THEME_EVENT, onScheme);
      observer.disconnect();
      input.dispose();
      resized.dispose();
      detach();
      term.dispose();
    });
  });

  return (
    <div
      class="terminal-screen"
      ref={screen}
      id="terminal-screen"
      role="tabpanel"
      aria-labelledby={`terminal-tab-${props.tabID}`}
    />
  );
}

export function TerminalPanel(): JSX.Element {
  const terminal = useTerminal();
  // The height chosen is kept across reloads; the window's height bounds it.
  const height = createStoredSize(
    HEIGHT_KEY,
    (view) => Math.min(DEFAULT_HEIGHT, Math.round(view.height * 0.4)),
    (view) => ({ min: MIN_HEIGHT, max: Math.round(view.height * 0.75) }),
  );

  const stateText = () => {
    const state = terminal.state();
    switch (state.status) {
      case "connecting":
        return "Connecting…";
      case "reconnecting":
        return "Reconnecting…";
      case "ended":
        return "Ended";
      case "connected":
        return "";
      default:
        return "";
    }
  };

  return (
    <section
      class="terminal-panel"
      aria-labelledby="terminal-title"
      style={{ height: `${height.size()}px` }}
    >
      <ResizeHandle label="Resize terminal" orientation="horizontal" sized={height} step={STEP} />
      <header class="panel-head terminal-head">
        <TerminalIcon />
        <h2 id="terminal-title" class="sr-only">
          Terminal
        </h2>
        <TabStrip />
        <button
          type="button"
          class="icon-button small"
          aria-label="New terminal"
          title="New terminal"
          onClick={() => terminal.add()}
        >
          <PlusIcon />
        </button>
        <span class="terminal-state" role="status" data-status={terminal.state().status}>
          {stateText()}
        </span>
        <div class="panel-spacer" />
        <button
          type="button"
          class="icon-button small hide-terminal"
          aria-label="Hide terminal"
          title="Hide the panel (Ctrl+`); the shells keep running"
          onClick={() => terminal.toggle()}
        >
          <ChevronIcon />
        </button>
        <button
          type="button"
          class="icon-button small"
          aria-label="Close terminal"
          title="Close the panel (every shell ends)"
          onClick={() => terminal.close()}
        >
          <CloseIcon />
        </button>
      </header>
      <Switch>
        <Match when={terminal.problem()}>
          {(found) => (
            <div class="terminal-message">
              <ProblemBox problem={{ ...found(), title: `No terminal: ${found().title}` }} />
              <button type="button" class="button small" onClick={() => terminal.restart()}>
                Try again
              </button>
            </div>
          )}
        </Match>
        <Match when={terminal.state().status === "ended"}>
          <div class="terminal-message">
            <p>
              {(() => {
                const state = terminal.state();
                return state.status === "ended" ? state.reason : "";
              })()}
            </p>
            <button type="button" class="button small" onClick={() => terminal.restart()}>
              New terminal
            </button>
          </div>
        </Match>
      </Switch>
      <Show when={terminal.active()} keyed>
        {(id) => <Screen tabID={id} />}
      </Show>
    </section>
  );
}

/** The tabs: one per terminal, each with its close button; arrows move between them. */
function TabStrip(): JSX.Element {
  const terminal = useTerminal();
  const [renaming, setRenaming] = createSignal<string>();
  let strip: HTMLDivElement | undefined;

  const focusTab = (id: string | undefined) =>
    queueMicrotask(() =>
      strip?.querySelector<HTMLElement>(`#terminal-tab-${CSS.escape(id ?? "")}`)?.focus(),
    );
  const move = (tab: TerminalTab, step: number) => {
    const list = terminal.tabs();
    const index = list.findIndex((item) => item.id === tab.id);
    const next = list[(index + step + list.length) % list.length];
    if (!next) return;
    terminal.select(next.id);
    focusTab(next.id);
  };
  const finishRename = (tab: TerminalTab, input: HTMLInputElement, save: boolean) => {
    if (renaming() !== tab.id) return;
    setRenaming(undefined);
    if (save) terminal.rename(tab.id, input.value);
    focusTab(tab.id);
  };

  return (
    <div class="terminal-tabs" role="tablist" aria-label="Terminals" ref={strip}>
      <For each={terminal.tabs()}>
        {(tab) => (
          <div class="terminal-tab" data-active={terminal.active() === tab.id ? "true" : undefined}>
            <Show
              when={renaming() === tab.id}
              fallback={
                <button
                  type="button"
                  role="tab"
                  id={`terminal-tab-${tab.id}`}
                  class="terminal-tab-name"
                  aria-selected={terminal.active() === tab.id}
                  aria-controls="terminal-screen"
                  tabindex={terminal.active() === tab.id ? 0 : -1}
                  title={`${tab.title} — double-click or F2 to rename`}
                  data-status={tab.state.status}
                  onClick={() => terminal.select(tab.id)}
                  onDblClick={() => setRenaming(tab.id)}
                  onKeyDown={(event) => {
                    if (event.key === "ArrowRight") move(tab, 1);
                    else if (event.key === "ArrowLeft") move(tab, -1);
                    else if (event.key === "F2") setRenaming(tab.id);
                    else if (event.key === "Delete") terminal.remove(tab.id);
                    else return;
                    event.preventDefault();
                  }}
                >
                  <span class="terminal-tab-dot" aria-hidden="true" />
                  <span>{tab.title}</span>
                </button>
              }
            >
              <input
                class="terminal-tab-rename"
                type="text"
                aria-label="Terminal name"
                value={tab.title}
                ref={(input) =>
                  queueMicrotask(() => {
                    input.focus();
                    input.select();
                  })
                }
                onKeyDown={(event) => {
                  if (event.key === "Enter") finishRename(tab, event.currentTarget, true);
                  else if (event.key === "Escape") finishRename(tab, event.currentTarget, false);
                  else return;
                  event.preventDefault();
                  event.stopPropagation();
                }}
                onBlur={(event) => finishRename(tab, event.currentTarget, true)}
              />
            </Show>
            <button
              type="button"
              class="icon-button small terminal-tab-close"
              aria-label={`Close tab ${tab.title}`}
              title={`Close ${tab.title} (its shell ends)`}
              tabindex="-1"
              onClick={() => terminal.remove(tab.id)}
            >
              <CloseIcon />
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
