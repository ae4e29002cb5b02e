/**
 * The user's server list in localStorage, under a versioned key.
 *
 * Only URL, name and username are kept, plus which server is the default. Passwords
 * never come here: they live in the proxy's credential store. When the format changes,
 * bump the key's version and add a Migration from the previous key; `loadServers`
 * finds the newest key present, migrates it forward step by step, writes the result
 * under the current key and removes the old one.
 */

import { normalizeServerUrl } from "./url";

export const STORAGE_VERSION = 1;
export const STORAGE_PREFIX = "opencode-proxy.servers.v";
export const STORAGE_KEY = `${STORAGE_PREFIX}${STORAGE_VERSION}`;

export interface StoredServer {
  url: string;
  name?: string;
  username?: string;
}

export interface ServerList {
  servers: StoredServer[];
  /** The URL of the user's default server, or null to use the operator's default. */
  defaultUrl: string | null;
}

/** Turns the data stored under `fromKey` into the data of the next version. */
export interface Migration {
  fromKey: string;
  migrate: (data: unknown) => unknown;
}

/** Migrations from older keys, oldest first; each produces the next version's data. */
export const MIGRATIONS: readonly Migration[] = [];

/** The subset of the Web Storage API used here, so tests can pass a plain object. */
export type KeyValueStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export const EMPTY_LIST: ServerList = Object.freeze({ servers: [], defaultUrl: null });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalText(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/**
 * Keep only what the current format allows: known fields, normalized URLs, no duplicates.
 * Anything else (a password left by some other tool, say) is dropped, never kept.
 */
export function sanitize(data: unknown): ServerList {
  if (!isRecord(data) || !Array.isArray(data.servers)) return { servers: [], defaultUrl: null };
  const seen = new Set<string>();
  const servers: StoredServer[] = [];
  for (const item of data.servers) {
    if (!isRecord(item) || typeof item.url !== "string") continue;
    const url = normalizeServerUrl(item.url);
    if (url === "" || seen.has(url)) continue;
    seen.add(url);
    const server: StoredServer = { url };
    const name = optionalText(item.name);
    const username = optionalText(item.username);
    if (name !== undefined) server.name = name;
    if (username !== undefined) server.username = username;
    servers.push(server);
  }
  const defaultUrl =
    typeof data.defaultUrl === "string" && data.defaultUrl.trim() !== ""
      ? normalizeServerUrl(data.defaultUrl)
      : null;
  return { servers, defaultUrl };
}

function readJson(storage: KeyValueStorage, key: string): { found: boolean; data: unknown } {
  let text: string | null;
  try {
    text = storage.getItem(key);
  } catch {
    return { found: false, data: undefined };
  }
  if (text === null) return { found: false, data: undefined };
  try {
    return { found: true, data: JSON.parse(text) as unknown };
  } catch {
    // A corrupt entry is treated as empty rather than breaking the app.
    return { found: true, data: undefined };
  }
}

/** Read the server list, migrating data from an older key when that is all there is. */
export function loadServers(
  storage: KeyValueStorage,
  migrations: readonly Migration[] = MIGRATIONS,
): ServerList {
  const current = readJson(storage, STORAGE_KEY);
  if (current.found) return sanitize(current.data);
  for (let index = migrations.length - 1; index >= 0; index--) {
    const old = readJson(storage, migrations[index]!.fromKey);
    if (!old.found) continue;
    let data = old.data;
    for (const step of migrations.slice(index)) data = step.migrate(data);
    const list = sanitize(data);
    if (saveServers(storage, list)) {
      for (const step of migrations) safeRemove(storage, step.fromKey);
    }
    return list;
  }
  return { servers: [], defaultUrl: null };
}

function safeRemove(storage: KeyValueStorage, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    // Nothing to do: the old entry stays, and is ignored while the current one exists.
  }
}

/** Write the server list; false when storage refuses (quota, private mode). */
export function saveServers(storage: KeyValueStorage, list: ServerList): boolean {
  const clean = sanitize(list);
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify({ version: STORAGE_VERSION, ...clean }));
    return true;
  } catch {
    return false;
  }
}
