/**
 * The user's state kept by the notebook service (`api/state`): their servers, their
 * default, their choices per server. Every change answers the whole new state, so the app
 * never fetches it again after a change. Failures are ProblemErrors, as elsewhere.
 */

import { cleanPreferenceMap, sanitize, type StoredServer } from "../lib/storage";
import type { PreferenceChange, SkippedServer, UserState } from "../lib/user-state";
import { describeResponse, problem, ProblemError } from "./problems";
import { serviceFetch } from "./service";
import { isRecord } from "../lib/records";

export const STATE_ENDPOINT = "api/state";
/** A state request that takes longer counts as not answered. */
export const STATE_TIMEOUT_MS = 15_000;

/**
 * The state in an answer, in the app's shape: servers as the storage keeps them (known
 * fields, no duplicates), preferences keyed like the server list. Null when the answer
 * is not a state at all.
 */
export function parseState(body: unknown): UserState | null {
  if (!isRecord(body) || !Array.isArray(body.servers)) return null;
  const list = sanitize({ servers: body.servers, defaultUrl: body.default_url });
  const revision = typeof body.revision === "number" ? body.revision : 0;
  return {
    user: typeof body.user === "string" ? body.user : null,
    servers: list.servers,
    defaultUrl: list.defaultUrl,
    preferences: cleanPreferenceMap(body.preferences),
    revision: Number.isFinite(revision) ? revision : 0,
    persistent: body.persistent !== false,
    ...(Array.isArray(body.skipped) ? { skipped: skippedOf(body.skipped) } : {}),
  };
}

function skippedOf(items: unknown[]): SkippedServer[] {
  return items
    .filter(isRecord)
    .filter((item) => typeof item.url === "string" && typeof item.error === "string")
    .map((item) => ({ url: item.url as string, error: item.error as string }));
}

/** The servers and default handed over by `importList`. */
export interface ImportedList {
  servers: StoredServer[];
  defaultUrl: string | null;
}

export interface StateClient {
  /** `GET api/state` */
  load(): Promise<UserState>;
  /** Add a server, or change the one with the same URL (name, username); with
   * `replaces`, the server at that URL moves to this one, keeping its place in the list,
   * its place as the default and its choices. */
  putServer(server: StoredServer, replaces?: string): Promise<UserState>;
  removeServer(url: string): Promise<UserState>;
  /** The user's default server; null goes back to the operator's default. */
  setDefault(url: string | null): Promise<UserState>;
  setPreferences(url: string, change: PreferenceChange): Promise<UserState>;
  /** Hand over a list kept by this browser: servers not yet there are added (theirs win). */
  importList(list: ImportedList): Promise<UserState>;
}

async function call(path: string, init: RequestInit = {}): Promise<UserState> {
  const response = await serviceFetch(path, {
    ...init,
    signal: AbortSignal.timeout(STATE_TIMEOUT_MS),
  });
  const failure = await describeResponse(response);
  if (failure !== null) throw new ProblemError(failure);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const state = parseState(body);
  if (state === null) {
    throw new ProblemError(problem("service", "The notebook service answered something else."));
  }
  return state;
}

function send(method: string, path: string, body: unknown): Promise<UserState> {
  return call(path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** A client of `api/state`. */
export function createStateClient(): StateClient {
  return {
    load: () => call(STATE_ENDPOINT),
    putServer: (server, replaces) =>
      send("POST", `${STATE_ENDPOINT}/servers`, replaces ? { ...server, replaces } : server),
    removeServer: (url) =>
      call(`${STATE_ENDPOINT}/servers?${new URLSearchParams({ url })}`, { method: "DELETE" }),
    setDefault: (url) => send("PUT", `${STATE_ENDPOINT}/default`, { url }),
    setPreferences: (url, change) =>
      send("PATCH", `${STATE_ENDPOINT}/preferences`, { url, set: change }),
    importList: (list) =>
      send("POST", `${STATE_ENDPOINT}/import`, {
        servers: list.servers,
        default_url: list.defaultUrl,
      }),
  };
}
