/**
 * The connection to the server in use: its API client, its kept-alive event stream and
 * (part 2) its terminals. Choosing another server closes everything of the previous one
 * and opens the new one; the rest of the app reads the server only through this.
 */

import {
  createContext,
  createEffect,
  createMemo,
  createSignal,
  on,
  onCleanup,
  untrack,
  useContext,
  type Accessor,
  type JSX,
} from "solid-js";
import { openConnection, type Connection } from "../api/connection";
import type { StreamState } from "../api/events";
import type { ServerEvent } from "../api/types";
import { useConfig } from "./config";
import { useHealth } from "./health";
import { useServers, type ServerEntry } from "./servers";

interface ConnectionValue {
  /** The open connection, undefined while no server is chosen. */
  connection: Accessor<Connection | undefined>;
  server: Accessor<ServerEntry | undefined>;
  /** The event stream's state, for the indicator in the shell. */
  state: Accessor<StreamState>;
}

const ConnectionContext = createContext<ConnectionValue>();
const CLOSED: StreamState = { status: "closed" };

export function ConnectionProvider(props: { children: JSX.Element }): JSX.Element {
  const config = useConfig();
  const servers = useServers();
  const health = useHealth();
  const [connection, setConnection] = createSignal<Connection>();
  const [state, setState] = createSignal<StreamState>(CLOSED);

  // A memo, so that a new list with the same server in use does not reopen the connection.
  const activeKey = createMemo(() => servers.active()?.key);
  createEffect(
    on(activeKey, (key) => {
      if (key === undefined) {
        setState(CLOSED);
        setConnection(undefined);
        return;
      }
      const opened = openConnection(key, { proxyPath: config.proxy_path });
      opened.onDispose(opened.events.onState((next) => setState(next)));
      setState(opened.events.state);
      setConnection(opened);
      onCleanup(() => opened.dispose());
    }),
  );

  // When the server in use answers its health check again, do not wait out the backoff.
  createEffect(
    on(
      () => {
        const key = activeKey();
        return key === undefined ? undefined : health.of(key).status;
      },
      (status) => {
        if (status === "healthy") connection()?.events.retryNow();
      },
    ),
  );

  const retry = () => connection()?.events.retryNow();
  const onVisibility = () => {
    if (document.visibilityState === "visible") retry();
  };
  window.addEventListener("online", retry);
  document.addEventListener("visibilitychange", onVisibility);
  onCleanup(() => {
    window.removeEventListener("online", retry);
    document.removeEventListener("visibilitychange", onVisibility);
  });

  const value: ConnectionValue = { connection, server: servers.active, state };
  return <ConnectionContext.Provider value={value}>{props.children}</ConnectionContext.Provider>;
}

export function useConnection(): ConnectionValue {
  const value = useContext(ConnectionContext);
  if (!value) throw new Error("useConnection needs a ConnectionProvider");
  return value;
}

/**
 * Listen to the events of whichever server is in use, for as long as the calling
 * component lives; follows server switches.
 */
export function useServerEvents(listener: (event: ServerEvent) => void): void {
  const { connection } = useConnection();
  createEffect(() => {
    const current = connection();
    if (current) onCleanup(current.events.onEvent(listener));
  });
}

/**
 * Run `refetch` whenever what was fetched from the server may be stale: when the server
 * in use changes, and after its event stream reconnected (events were missed).
 */
export function useResync(refetch: (connection: Connection) => void): void {
  const { connection } = useConnection();
  createEffect(() => {
    const current = connection();
    if (!current) return;
    untrack(() => refetch(current));
    onCleanup(current.events.onResync(() => refetch(current)));
  });
}
