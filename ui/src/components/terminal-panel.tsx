/**
 * The terminal panel: xterm.js showing the PTY of the terminal context, fitted to the
 * panel (the PTY is resized with it), with a handle to change its height by mouse or
 * keyboard.
 */

import { FitAddon } from "@xterm/addon-fit";
import { Terminal, type ITheme } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { createSignal, Match, onCleanup, onMount, Switch, type JSX } from "solid-js";
import { useTerminal } from "../context/terminal";
import { CloseIcon, TerminalIcon } from "./icons";
import { ProblemBox } from "./problem-box";

const MIN_HEIGHT = 120;
const DEFAULT_HEIGHT = 280;
const STEP = 40;

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

export function TerminalPanel(): JSX.Element {
  const terminal = useTerminal();
  const [height, setHeight] = createSignal(DEFAULT_HEIGHT);
  let screen: HTMLDivElement | undefined;

  const maxHeight = () => Math.max(MIN_HEIGHT, Math.round(window.innerHeight * 0.75));
  const clamp = (value: number) => Math.min(maxHeight(), Math.max(MIN_HEIGHT, Math.round(value)));

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
    term.focus();
    onCleanup(() => {
      scheme.removeEventListener("change", onScheme);
      observer.disconnect();
      input.dispose();
      resized.dispose();
      detach();
      term.dispose();
    });
  });

  const startDrag = (event: PointerEvent) => {
    event.preventDefault();
    const handle = event.currentTarget as HTMLElement;
    handle.setPointerCapture(event.pointerId);
    const startY = event.clientY;
    const startHeight = height();
    const move = (moved: PointerEvent) => setHeight(clamp(startHeight + startY - moved.clientY));
    const end = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", end);
      handle.removeEventListener("pointercancel", end);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", end);
    handle.addEventListener("pointercancel", end);
  };

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
      style={{ height: `${height()}px` }}
    >
      <div
        class="resize-handle"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize terminal"
        aria-valuemin={MIN_HEIGHT}
        aria-valuemax={maxHeight()}
        aria-valuenow={height()}
        tabindex="0"
        onPointerDown={startDrag}
        onKeyDown={(event) => {
          if (event.key === "ArrowUp") setHeight(clamp(height() + STEP));
          else if (event.key === "ArrowDown") setHeight(clamp(height() - STEP));
          else return;
          event.preventDefault();
        }}
      />
      <header class="panel-head terminal-head">
        <TerminalIcon />
        <h2 id="terminal-title">Terminal</h2>
        <span class="terminal-state" role="status" data-status={terminal.state().status}>
          {stateText()}
        </span>
        <div class="panel-spacer" />
        <button
          type="button"
          class="icon-button small"
          aria-label="Close terminal"
          title="Close terminal (the shell ends)"
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
      <div class="terminal-screen" ref={screen} />
    </section>
  );
}
