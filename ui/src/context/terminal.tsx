/**
 * The terminal panel's PTY on the server in use. Opening the panel creates a PTY
 * (`POST /pty`) and connects its websocket through the proxy; the stream reconnects
 * after drops from where it stopped. Closing the panel, switching servers or leaving
 * the page deletes the PTY (`DELETE /pty/{id}`), so no shell is left running.
 *
 * The screen (xterm.js) lives in the panel component and may come and go (e.g. while
 * Settings is shown); output is kept here, so a new screen shows all of it.
 */

import {
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
import type { Connection } from "../api/connection";
import { problemOf, ProblemError, type Problem } from "../api/problems";
import { PtyStream, type PtyState } from "../api/pty";
import type { Pty } from "../api/types";
import { useConnection } from "./connection";

/** Output kept for a screen that attaches later, in UTF-16 code units. */
const HISTORY_LIMIT = 2_000_000;
const RESIZE_DELAY_MS = 120;

export interface TerminalSink {
  write(text: string): void;
  reset(): void;
}

interface TerminalValue {
  open: Accessor<boolean>;
  toggle(): void;
  show(): void;
  /** Close the panel and delete the PTY. */
  close(): void;
  /** After the shell ended: a fresh PTY in the same panel. */
  restart(): void;
  pty: Accessor<Pty | undefined>;
  state: Accessor<PtyState>;
  problem: Accessor<Problem | null>;
  /** The screen to write output to; returns the function that detaches it. */
  attach(sink: TerminalSink): () => void;
  input(data: string): void;
  resize(rows: number, cols: number): void;
}

const TerminalContext = createContext<TerminalValue>();

interface Running {
  connection: Connection;
  pty: Pty | undefined;
  stream: PtyStream | undefined;
  closed: boolean;
  resizeTimer: ReturnType<typeof setTimeout> | undefined;
  size: { rows: number; cols: number } | undefined;
}

export function TerminalProvider(props: { children: JSX.Element }): JSX.Element {
  const { connection } = useConnection();
  const [open, setOpen] = createSignal(false);
  const [pty, setPty] = createSignal<Pty>();
  const [state, setState] = createSignal<PtyState>({ status: "closed" });
  const [problem, setProblem] = createSignal<Problem | null>(null);
  let running: Running | undefined;
  let sink: TerminalSink | undefined;
  let history: string[] = [];
  let historySize = 0;

  const record = (text: string) => {
    history.push(text);
    historySize += text.length;
    while (historySize > HISTORY_LIMIT && history.length > 1) {
      historySize -= history.shift()!.length;
    }
    sink?.write(text);
  };

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

  const start = (current: Connection) => {
    stop(running);
    history = [];
    historySize = 0;
    sink?.reset();
    setProblem(null);
    setPty(undefined);
    setState({ status: "connecting" });
    const mine: Running = {
      connection: current,
      pty: undefined,
      stream: undefined,
      closed: false,
      resizeTimer: undefined,
      size: undefined,
    };
    running = mine;
    current.client.createPty({ title: "Terminal" }).then(
      (created) => {
        mine.pty = created;
        if (mine.closed || current.disposed) {
          // The panel closed while the PTY was being made.
          current.client.deletePty(created.id).catch(() => {});
          return;
        }
        setPty(created);
        const path = `pty/${encodeURIComponent(created.id)}/connect`;
        const stream = new PtyStream({
          open: (cursor) => current.openSocket(path, { cursor: String(cursor) }),
          onOutput: record,
          onState: (next) => {
            if (running === mine) setState(next);
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
        if (mine.size) sendSize(mine);
      },
      (error: unknown) => {
        if (running !== mine) return;
        setProblem(problemOf(error));
        setState({ status: "closed" });
      },
    );
  };

  const sendSize = (target: Running) => {
    clearTimeout(target.resizeTimer);
    target.resizeTimer = setTimeout(() => {
      const { pty: current, size } = target;
      if (!current || !size || target.closed) return;
      target.connection.client.resizePty(current.id, size).catch(() => {
        // The next resize tries again; the shell keeps its old size meanwhile.
      });
    }, RESIZE_DELAY_MS);
  };

  // The panel follows the server in use: a switch closes the old PTY and, if the panel is
  // open, makes one on the new server.
  createEffect(
    on([open, connection], ([isOpen, current]) => {
      if (!isOpen || !current) {
        stop(running);
        running = undefined;
        setPty(undefined);
        setState({ status: "closed" });
        return;
      }
      if (running?.connection !== current) untrack(() => start(current));
    }),
  );

  // Leaving the page: the PTY would otherwise outlive it on the server.
  const onPageHide = () => {
    const target = running;
    if (!target?.pty || target.closed) return;
    target.closed = true;
    target.stream?.stop();
    void target.connection.client
      .fetch(`pty/${encodeURIComponent(target.pty.id)}`, { method: "DELETE", keepalive: true })
      .catch(() => {});
  };
  window.addEventListener("pagehide", onPageHide);
  onCleanup(() => {
    window.removeEventListener("pagehide", onPageHide);
    stop(running);
  });

  const value: TerminalValue = {
    open,
    toggle: () => setOpen(!open()),
    show: () => setOpen(true),
    close: () => setOpen(false),
    restart: () => {
      const current = connection();
      if (current && open()) start(current);
    },
    pty,
    state,
    problem,
    attach(next) {
      sink = next;
      for (const text of history) next.write(text);
      return () => {
        if (sink === next) sink = undefined;
      };
    },
    input: (data) => running?.stream?.send(data),
    resize(rows, cols) {
      const target = running;
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
