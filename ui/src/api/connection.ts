/**
 * Everything the app holds open to one server: its API client, its event stream, and
 * any websockets (terminals, in part 2). Switching servers disposes the old Connection,
 * which closes all of them, so nothing of the previous server stays open.
 */

import { EventStream, type EventStreamOptions } from "./events";
import { DEFAULT_PROXY_PATH, streamUrl, websocketUrl } from "./http";
import { createOpenCodeClient, type OpenCodeClient } from "./opencode";

export interface Connection {
  readonly target: string;
  readonly client: OpenCodeClient;
  readonly events: EventStream;
  /** Open a websocket to a path on this server (e.g. `pty/<id>/connect`); closed on dispose. */
  openSocket(path: string, query?: Record<string, string | undefined>): WebSocket;
  /** Run `cleanup` when the connection is disposed (timers, subscriptions...). */
  onDispose(cleanup: () => void): void;
  dispose(): void;
  readonly disposed: boolean;
}

export interface ConnectionOptions {
  proxyPath?: string;
  events?: Omit<EventStreamOptions, "url">;
}

/** Open a connection to `target`: the event stream starts at once. */
export function openConnection(target: string, options: ConnectionOptions = {}): Connection {
  const proxyPath = options.proxyPath ?? DEFAULT_PROXY_PATH;
  const client = createOpenCodeClient(target, proxyPath);
  const events = new EventStream({ ...options.events, url: streamUrl(proxyPath, target, "event") });
  const sockets = new Set<WebSocket>();
  const cleanups: Array<() => void> = [];
  let disposed = false;

  const connection: Connection = {
    target,
    client,
    events,
    openSocket(path, query = {}) {
      if (disposed) throw new Error("This connection is closed.");
      const socket = new WebSocket(websocketUrl(streamUrl(proxyPath, target, path, query)));
      sockets.add(socket);
      socket.addEventListener("close", () => sockets.delete(socket));
      return socket;
    },
    onDispose(cleanup) {
      if (disposed) cleanup();
      else cleanups.push(cleanup);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      events.stop();
      for (const socket of sockets) socket.close(1000, "switched server");
      sockets.clear();
      for (const cleanup of cleanups.splice(0)) {
        try {
          cleanup();
        } catch (error) {
          console.error("connection cleanup failed", error);
        }
      }
    },
    get disposed() {
      return disposed;
    },
  };
  events.start();
  return connection;
}
