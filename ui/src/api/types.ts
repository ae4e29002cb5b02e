/**
 * Types of the OpenCode server's API, written against the OpenAPI document that
 * `opencode serve` 1.18.33 publishes at `GET /doc`. Only what the UI uses is here;
 * add endpoints as the UI grows (part 2: sessions, messages, permissions, PTY).
 */

/** `GET /global/health` */
export interface Health {
  healthy: true;
  version: string;
}

/** `GET /path` */
export interface PathInfo {
  home: string;
  state: string;
  config: string;
  worktree: string;
  directory: string;
}

/** `GET /project/current` (the fields the UI reads). */
export interface Project {
  id: string;
  worktree: string;
  name?: string;
  vcs?: string;
  time: { created: number; updated?: number };
}

/** One event of `GET /event`: `data: {"id", "type", "properties"}`. */
export interface ServerEvent {
  id?: string;
  type: string;
  properties: Record<string, unknown>;
}

/** The first event of every stream. */
export const EVENT_CONNECTED = "server.connected";
/** Sent about every 10 s by the server, so silence means a dead stream. */
export const EVENT_HEARTBEAT = "server.heartbeat";
