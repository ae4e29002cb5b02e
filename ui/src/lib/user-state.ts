/**
 * The user's state as the proxy keeps it (`api/state`: servers, default, per-server
 * preferences) and how this browser's copy is reconciled with it (pure, no Solid):
 *
 * - on load, whether this browser's list must be handed to the proxy first: once, for a
 *   list kept the old way (before the proxy kept one), and again when the proxy has lost
 *   what it had (its revision went back: an in-memory proxy restarted), never when the
 *   copy belongs to another user;
 * - which answer wins when several are in flight (the higher revision);
 * - preference changes shown at once while their request is under way, and kept for the
 *   page when it failed, until a later change of the same field is saved.
 */

import { serverKey } from "./url";
import type { ServerList, StoredServer } from "./storage";

export const PREFERENCE_KEYS = ["model", "agent", "variant"] as const;
export type PreferenceKey = (typeof PREFERENCE_KEYS)[number];
/** The choices on one server: `model` as `provider/model`, `agent`, `variant` (effort). */
export type Preferences = Partial<Record<PreferenceKey, string>>;
/** A change of preferences: a string sets a key, null deletes it, absent keeps it. */
export type PreferenceChange = Partial<Record<PreferenceKey, string | null>>;

/** `GET api/state`, with every server and preference keyed as the app keys servers. */
export interface UserState {
  /** The user the ingress named, or null for the notebook's one local user. */
  user: string | null;
  servers: StoredServer[];
  defaultUrl: string | null;
  /** Server key → preferences (never empty objects). */
  preferences: Record<string, Preferences>;
  /** Grows with every change the proxy stores. */
  revision: number;
  /** False when the proxy keeps the state in memory only (until it restarts). */
  persistent: boolean;
  /** Only in an import's answer: the servers handed over that the proxy refused. */
  skipped?: readonly SkippedServer[];
}

/** A server of this browser's list the proxy would not keep, and its error code. */
export interface SkippedServer {
  url: string;
  error: string;
}

export const EMPTY_STATE: UserState = Object.freeze({
  user: null,
  servers: [],
  defaultUrl: null,
  preferences: {},
  revision: 0,
  persistent: true,
});

/** What this browser last adopted from the proxy: whose state, at which revision. */
export interface SyncMarker {
  user: string | null;
  revision: number;
}

/** What to send to `POST api/state/import` before adopting the proxy's state. */
export interface Restore {
  /** "first": a list kept the old way; "reset": the proxy lost the state it had. */
  reason: "first" | "reset";
  list: ServerList;
}

function isEmptyList(list: ServerList): boolean {
  return list.servers.length === 0 && list.defaultUrl === null;
}

/**
 * Whether the browser's list (`cached`, last synced as `marker`, or never) must be handed
 * to the proxy whose state is `state`; null when the proxy's state is simply adopted.
 */
export function planRestore(
  cached: ServerList,
  marker: SyncMarker | null,
  state: UserState,
): Restore | null {
  if (isEmptyList(cached)) return null;
  if (marker === null) return { reason: "first", list: cached };
  // Another user's copy is never handed over: it is replaced.
  if (marker.user !== state.user) return null;
  if (state.revision < marker.revision) return { reason: "reset", list: cached };
  return null;
}

/** The preferences of `source` for servers of the state that have none on the proxy yet. */
export function missingPreferences(
  source: Record<string, Preferences>,
  state: UserState,
  operatorKeys: readonly string[],
): Array<[string, Preferences]> {
  const known = new Set([...operatorKeys, ...state.servers.map((server) => serverKey(server.url))]);
  const missing: Array<[string, Preferences]> = [];
  for (const [url, preferences] of Object.entries(source)) {
    const key = serverKey(url);
    if (!known.has(key) || state.preferences[key] !== undefined) continue;
    if (Object.keys(preferences).length > 0) missing.push([key, preferences]);
  }
  return missing;
}

/**
 * Whether an answer replaces the state shown: a newer revision (or the same: it is the
 * same state), another user's state, or a revision older than the one shown when its
 * request was sent (`sentAt`), which only a proxy that started afresh (in memory) gives.
 * Older than what is shown but not than `sentAt`: another answer overtook it; it is stale.
 */
export function supersedes(shown: UserState, answer: UserState, sentAt: UserState): boolean {
  if (answer.user !== shown.user) return true;
  if (answer.revision >= shown.revision) return true;
  return answer.user === sentAt.user && answer.revision < sentAt.revision;
}

/** The change that turns `from` into `to`; empty when they are the same. */
export function preferenceChange(from: Preferences, to: Preferences): PreferenceChange {
  const change: PreferenceChange = {};
  for (const key of PREFERENCE_KEYS) {
    if (from[key] !== to[key]) change[key] = to[key] ?? null;
  }
  return change;
}

/** `preferences` with `change` applied. */
export function applyChange(preferences: Preferences, change: PreferenceChange): Preferences {
  const next: Preferences = { ...preferences };
  for (const key of PREFERENCE_KEYS) {
    const value = change[key];
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return next;
}

/** A preference change not (yet) in the proxy's state. */
export interface PendingChange {
  id: number;
  key: string;
  change: PreferenceChange;
  /** The proxy refused it or did not answer: it holds for this page only. */
  failed: boolean;
}

/** The preferences of server `key` as shown: the proxy's, then the changes not in it yet. */
export function shownPreferences(
  state: UserState,
  key: string,
  pending: readonly PendingChange[],
): Preferences {
  let preferences = state.preferences[key] ?? {};
  for (const item of pending) {
    if (item.key === key) preferences = applyChange(preferences, item.change);
  }
  return preferences;
}

/**
 * The pending changes once change `id` is answered. Saved: it is in the proxy's state
 * now, and failed changes of the same fields are outdated by it. Failed: it stays, so the
 * page keeps the user's choice.
 */
export function settleChange(
  pending: readonly PendingChange[],
  id: number,
  saved: boolean,
): PendingChange[] {
  const settled = pending.find((item) => item.id === id);
  if (!settled) return [...pending];
  if (!saved) return pending.map((item) => (item.id === id ? { ...item, failed: true } : item));
  const fields = Object.keys(settled.change) as PreferenceKey[];
  const next: PendingChange[] = [];
  for (const item of pending) {
    if (item.id === id) continue;
    if (item.failed && item.key === settled.key && item.id < id) {
      const change = { ...item.change };
      for (const field of fields) delete change[field];
      if (Object.keys(change).length > 0) next.push({ ...item, change });
      continue;
    }
    next.push(item);
  }
  return next;
}
