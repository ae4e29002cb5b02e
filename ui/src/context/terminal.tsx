/**
 * The terminal panel's terminals on the server in use, one tab each, each its own PTY.
 * Opening the panel the first time makes one (`POST /pty`) and connects its websocket
 * through the proxy; "New terminal" adds another; each stream reconnects after drops
 * from where it stopped. Hiding the panel keeps the shells running (and their output
 * coming in); closing a tab deletes its PTY (`DELETE /pty/{id}`) and leaves the others;
 * closing the panel, switching servers or leaving the page deletes them all, so no shell
 * is left running. The panel remembers which tab is active.
 *
 * `commandsSettled` ticks when a command typed in any terminal has finished printing (its
 * output quiet for a moment), so views of the project's files can refresh: OpenCode's
 * file watcher does not report changes made outside the agent.
 *
 * The screen (xterm.js) lives in the panel component and may come and go (hidden panel,
 * another tab, Settings); each terminal's output is kept here, so a new screen shows all
 * of it.
 */

import {
  batch,
  createContext,
  createEffect,
  createSignal,
  on,
  onCleanup,
  untrack,
  useContext,
  type Accessor,
  type JSX,
} from "solid-js";
import { createStore, produce } from "solid-js/store";
import type { Connection } from "../api/connection";
import { problemOf, ProblemError, type Problem } from "../api/problems";
import { PtyStream, type PtyState } from "../api/pty";
import type { Pty } from "../api/types";
import { useConnection } from "./connection";

/** Output kept for a screen that attaches later, in UTF-16 code units, per terminal. */
const HISTORY_LIMIT = 2_000_000;
const RESIZE_DELAY_MS = 120;
/** After Enter, output quiet this long means the command finished (or paused). */
const SETTLE_MS = 700;
/** How long after Enter output still counts as the command's. */
const COMMAND_WINDOW_MS = 30_000;

export interface TerminalSink {
  write(text: string): void;
  reset(): void;
}

/** One tab as the panel shows it. */
export interface TerminalTab {
  id: string;
  title: string;
  pty: Pty | undefined;
  state: PtyState;
  problem: Problem | null;
}

interface TerminalValue {
  open: Accessor<boolean>;
  /** Show or hide the panel; the shells keep running while it is hidden. */
  toggle(): void;
  show(): void;
  /** Close the panel and end every terminal (their PTYs are deleted). */
  close(): void;
  tabs: Accessor<TerminalTab[]>;
  active: Accessor<string | undefined>;
  select(id: string): void;
  /** A new terminal in its own tab, made active. */
  add(): void;
  /** End one terminal (its PTY is deleted); the others stay. */
  remove(id: string): void;
  rename(id: string, title: string): void;
  // ---- the active terminal ----
  /** After the shell ended: a fresh PTY in the same tab. */
  restart(): void;
  pty: Accessor<Pty | undefined>;
  state: Accessor<PtyState>;
  problem: Accessor<Problem | null>;
  /** The screen to write output to; returns the function that detaches it. */
  attach(sink: TerminalSink): () => void;
  input(data: string): void;
  resize(rows: number, cols: number): void;
  /** Ticks when a command typed in a terminal has finished printing. */
  commandsSettled: Accessor<number>;
}

const TerminalContext = createContext<TerminalValue>();

/** What runs behind one tab; not reactive. */
interface Running {
  connection: Connection;
  pty: Pty | undefined;
  stream: PtyStream | undefined;
  closed: boolean;
  resizeTimer: ReturnType<typeof setTimeout> | undefined;
  size: { rows: number; cols: number } | undefined;
  history: string[];
  historySize: number;
  sink: TerminalSink | undefined;
}

const CLOSED: PtyState = { status: "closed" };

export function TerminalProvider(props: { children: JSX.Element }): JSX.Element {
  const { connection } = useConnection();
  const [open, setOpen] = createSignal(false);
  const [tabs, setTabs] = createStore<TerminalTab[]>([]);
  const [active, setActive] = createSignal<string>();
  const running = new Map<string, Running>();
  let counter = 0;
  const [commandsSettled, setCommandsSettled] = createSignal(0);
  let commandUntil = 0;
  let settleTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(settleTimer));
  const noteOutput = () => {
    if (Date.now() > commandUntil) return;
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => setCommandsSettled((n) => n + 1), SETTLE_MS);
  };

  const update = (id: string, change: (tab: TerminalTab) => void) =>
    setTabs(
      (tab) => tab.id === id,
      produce((tab) => change(tab)),
    );
  const tabOf = (id: string | undefined) => tabs.find((tab) => tab.id === id);

  const stop = (target: Running | undefined) => {
    if (!target || target.closed) return;
    target.closed = true;
    clearTimeout(target.resizeTimer);
    target.stream?.stop();
    if (target.pty) {
      target.connection.client.deletePty(target.pty.id).catch(() => {
        // Gone already, or the server went away: nothing is left to close.
      });
    }
  };

  /** (Re)start the PTY behind a tab; its old one, if any, ends. */
  const start = (id: string, current: Connection) => {
    const previous = running.get(id);
    stop(previous);
    const mine: Running = {
      connection: current,
      pty: undefined,
      stream: undefined,
      closed: false,
      resizeTimer: undefined,
      size: previous?.size,
      history: [],
      historySize: 0,
      sink: previous?.sink,
    };
    running.set(id, mine);
    mine.sink?.reset();
    update(id, (tab) => {
      tab.pty = undefined;
      tab.problem = null;
      tab.state = { status: "connecting" };
    });
    const record = (text: string) => {
      mine.history.push(text);
      mine.historySize += text.length;
      while (mine.historySize > HISTORY_LIMIT && mine.history.length > 1) {
        mine.historySize -= mine.history.shift()!.length;
      }
      mine.sink?.write(text);
      noteOutput();
    };
    const title = tabOf(id)?.title ?? "Terminal";
    current.client.createPty({ title }).then(
      (created) => {
        mine.pty = created;
        if (mine.closed || current.disposed) {
          // The tab closed while the PTY was being made.
          current.client.deletePty(created.id).catch(() => {});
          return;
        }
        update(id, (tab) => {
          tab.pty = created;
        });
        const path = `pty/${encodeURIComponent(created.id)}/connect`;
        const stream = new PtyStream({
          open: (cursor) => current.openSocket(path, { cursor: String(cursor) }),
          onOutput: record,
          onState: (next) => {
            if (running.get(id) === mine) update(id, (tab) => void (tab.state = next));
          },
          exists: async () => {
            try {
              await current.client.json(`pty/${encodeURIComponent(created.id)}`);
              return true;
            } catch (error) {
              return !(error instanceof ProblemError && error.problem.status === 404);
            }
          },
        });
        mine.stream = stream;
        stream.start();
        // The server makes every PTY at its own default size: the panel's goes at once,
        // before the shell has drawn much at the wrong width.
        if (mine.size) sendSize(mine, 0);
      },
      (error: unknown) => {
        if (running.get(id) !== mine) return;
        update(id, (tab) => {
          tab.problem = problemOf(error);
          tab.state = CLOSED;
        });
      },
    );
  };

  const sendSize = (target: Running, delay = RESIZE_DELAY_MS) => {
    clearTimeout(target.resizeTimer);
    target.resizeTimer = setTimeout(() => {
      const { pty: current, size } = target;
      if (!current || !size || target.closed) return;
      target.connection.client.resizePty(current.id, size).catch(() => {
        // The next resize tries again; the shell keeps its old size meanwhile.
      });
    }, delay);
  };

  /** The lowest "Terminal N" not in use. */
  const nextTitle = () => {
    const used = new Set(tabs.map((tab) => tab.title));
    for (let n = 1; ; n++) if (!used.has(`Terminal ${n}`)) return `Terminal ${n}`;
  };

  const add = () => {
    const current = connection();
    if (!current) return;
    const id = `term-${++counter}`;
    setTabs(tabs.length, {
      id,
      title: nextTitle(),
      pty: undefined,
      state: { status: "connecting" },
      problem: null,
    });
    // Running before it is shown, so that the screen the switch mounts can attach to it.
    untrack(() => start(id, current));
    setActive(id);
  };

  const endAll = () => {
    for (const target of running.values()) stop(target);
    running.clear();
    batch(() => {
      setTabs([]);
      setActive(undefined);
    });
  };

  const remove = (id: string) => {
    const index = tabs.findIndex((tab) => tab.id === id);
    if (index < 0) return;
    stop(running.get(id));
    running.delete(id);
    batch(() => {
      if (active() === id) {
        const neighbour = tabs[index + 1] ?? tabs[index - 1];
        setActive(neighbour?.id);
      }
      setTabs((list) => list.filter((tab) => tab.id !== id));
      if (tabs.length === 0) setOpen(false);
    });
  };

  // A switch of server ends the old server's terminals.
  createEffect(
    on(
      connection,
      () => {
        untrack(endAll);
        if (untrack(open)) untrack(add);
      },
      { defer: true },
    ),
  );
  // Opening the panel with no terminal makes one.
  createEffect(() => {
    if (open() && connection() && untrack(() => tabs.length) === 0) untrack(add);
  });

  // Leaving the page: the PTYs would otherwise outlive it on the server.
  const onPageHide = () => {
    for (const target of running.values()) {
      if (!target.pty || target.closed) continue;
      target.closed = true;
      target.stream?.stop();
      void target.connection.client
        .fetch(`pty/${encodeURIComponent(target.pty.id)}`, { method: "DELETE", keepalive: true })
        .catch(() => {});
    }
  };
  window.addEventListener("pagehide", onPageHide);
  onCleanup(() => {
    window.removeEventListener("pagehide", onPageHide);
    for (const target of running.values()) stop(target);
  });

  const activeTab = () => tabOf(active());
  const value: TerminalValue = {
    open,
    toggle: () => setOpen(!open()),
    show: () => setOpen(true),
    close: () => {
      endAll();
      setOpen(false);
    },
    tabs: () => tabs,
    active,
    select: (id) => {
      if (tabOf(id)) setActive(id);
    },
    add,
    remove,
    rename: (id, title) => {
      const clean = title.trim();
      if (clean) update(id, (tab) => void (tab.title = clean));
    },
    restart: () => {
      const current = connection();
      const id = active();
      if (current && id) start(id, current);
    },
    pty: () => activeTab()?.pty,
    state: () => activeTab()?.state ?? CLOSED,
    problem: () => activeTab()?.problem ?? null,
    attach(next) {
      const target = running.get(active() ?? "");
      if (!target) return () => {};
      target.sink = next;
      for (const text of target.history) next.write(text);
      return () => {
        if (target.sink === next) target.sink = undefined;
      };
    },
    input: (data) => {
      if (/[\r\n]/.test(data)) {
        commandUntil = Date.now() + COMMAND_WINDOW_MS;
        noteOutput();
      }
      running.get(active() ?? "")?.stream?.send(data);
    },
    commandsSettled,
    resize(rows, cols) {
      const target = running.get(active() ?? "");
      if (!target || rows < 1 || cols < 1) return;
      if (target.size?.rows === rows && target.size.cols === cols) return;
      target.size = { rows, cols };
      sendSize(target);
    },
  };
  return <TerminalContext.Provider value={value}>{props.children}</TerminalContext.Provider>;
}

export function useTerminal(): TerminalValue {
  const value = useContext(TerminalContext);
  if (!value) throw new Error("useTerminal needs a TerminalProvider");
  return value;
}
