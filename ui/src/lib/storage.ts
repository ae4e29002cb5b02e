/**
 * This browser's copy of the user's state, in localStorage under versioned keys.
 *
 * The proxy keeps the user's servers and preferences (`api/state`); the copy here lets the
 * app start from the last list it saw when the proxy does not answer, and tells other tabs
 * about a change (their `storage` event). Before the proxy kept a list, this was the only
 * one: such a list (a list without a sync marker) is handed to the proxy once.
 *
 * The list holds only URL, name and username, plus which server is the default. Passwords
 * never come here: they live in the proxy's credential store. When the format changes,
 * bump the key's version and add a Migration from the previous key; `loadServers`
 * finds the newest key present, migrates it forward step by step, writes the result
 * under the current key and removes the old one.
 *
 * Next to it, the sync marker (`SYNC_KEY`) says whose state the list mirrors, at which
 * revision, and holds the preferences (model, agent, effort per server). The model choices
 * kept per browser before (`LEGACY_CHOICE_KEY`) are read once, to be handed over too.
 */

import { normalizeServerUrl, serverKey } from "./url";
import { PREFERENCE_KEYS, type Preferences, type UserState } from "./user-state";
import { isRecord } from "./records";

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

/** The browser's localStorage, or undefined where the page may not use it (a sandboxed
 * frame, storage turned off): what is kept then lives as long as the page. */
export function localStore(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export const EMPTY_LIST: ServerList = Object.freeze({ servers: [], defaultUrl: null });

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

// ---------- the copy of the proxy's state ----------

export const SYNC_KEY = "opencode-proxy.state.v1";
/** The longest preference value kept (the proxy's limit). */
const MAX_PREFERENCE = 200;

/** What the copy mirrors, and the preferences that go with the list. */
export interface SyncRecord {
  user: string | null;
  revision: number;
  persistent: boolean;
  preferences: Record<string, Preferences>;
}

/** Known keys with short, non-empty string values; anything else is dropped. */
export function cleanPreferences(value: unknown): Preferences {
  if (!isRecord(value)) return {};
  const clean: Preferences = {};
  for (const key of PREFERENCE_KEYS) {
    const item = value[key];
    if (typeof item === "string" && item !== "" && item.length <= MAX_PREFERENCE) clean[key] = item;
  }
  return clean;
}

/** Server key → preferences, without empty entries. */
export function cleanPreferenceMap(value: unknown): Record<string, Preferences> {
  const map: Record<string, Preferences> = {};
  if (!isRecord(value)) return map;
  for (const [url, item] of Object.entries(value)) {
    const clean = cleanPreferences(item);
    if (Object.keys(clean).length > 0) map[serverKey(url)] = clean;
  }
  return map;
}

/** The sync marker and preferences; null when this browser never synced (or it is corrupt). */
export function loadSync(storage: KeyValueStorage): SyncRecord | null {
  const { found, data } = readJson(storage, SYNC_KEY);
  if (!found || !isRecord(data) || data.version !== 1) return null;
  const user = data.user;
  if (user !== null && typeof user !== "string") return null;
  if (typeof data.revision !== "number" || !Number.isFinite(data.revision)) return null;
  return {
    user,
    revision: data.revision,
    persistent: data.persistent !== false,
    preferences: cleanPreferenceMap(data.preferences),
  };
}

/**
 * Keep a copy of the proxy's state: the list (removed when empty, so a browser that never
 * had one keeps none) and then the marker, so another tab sees the list before the
 * revision that announces it. False when storage refuses.
 */
export function saveState(storage: KeyValueStorage, state: UserState): boolean {
  const list: ServerList = { servers: state.servers, defaultUrl: state.defaultUrl };
  let saved = true;
  if (list.servers.length === 0 && list.defaultUrl === null) {
    try {
      storage.removeItem(STORAGE_KEY);
    } catch {
      saved = false;
    }
  } else {
    saved = saveServers(storage, list);
  }
  const record = {
    version: 1,
    user: state.user,
    revision: state.revision,
    persistent: state.persistent,
    preferences: state.preferences,
  };
  try {
    storage.setItem(SYNC_KEY, JSON.stringify(record));
  } catch {
    saved = false;
  }
  return saved;
}

export const LEGACY_CHOICE_KEY = "opencode-proxy.model-choice.v1";

/**
 * The model choices kept per browser before the proxy kept them, as preferences: server
 * key → model, agent, and the effort chosen for that model (the old format kept one per
 * model; the proxy keeps one per server).
 */
export function loadLegacyChoices(storage: KeyValueStorage): Record<string, Preferences> {
  const { data } = readJson(storage, LEGACY_CHOICE_KEY);
  if (!isRecord(data) || data.version !== 1 || !isRecord(data.servers)) return {};
  const choices: Record<string, unknown> = {};
  for (const [url, choice] of Object.entries(data.servers)) {
    if (!isRecord(choice)) continue;
    const variants = isRecord(choice.variants) ? choice.variants : {};
    const model =
      typeof choice.model === "string" && choice.model.includes("/") ? choice.model : "";
    const variant = model ? variants[model] : Object.values(variants)[0];
    choices[url] = { model, agent: choice.agent, variant };
  }
  return cleanPreferenceMap(choices);
}

/** Forget the old per-browser model choices, once they are handed to the proxy. */
export function removeLegacyChoices(storage: KeyValueStorage): void {
  safeRemove(storage, LEGACY_CHOICE_KEY);
}
