/**
 * The list of servers: the operator's (from `api/config`, managed) and the user's own,
 * which one is the default, which one is in use, which have a password in the proxy's
 * credential store, and the user's choices (model, agent, effort) per server.
 *
 * The user's own servers, default and choices are kept by the proxy (`api/state`), so
 * they follow the user to another browser; `api/state-sync.ts` keeps this browser's view
 * in step with it and with the copy in localStorage (shown when the proxy does not
 * answer, handed to the proxy once when it was kept the old way, and how other tabs hear
 * of a change). Nothing renders until the first answer (or failure), so a link to a
 * session resolves against the real list. The list is fetched again when the tab comes
 * back into view. A change of the list is shown once the proxy stored it; when it could
 * not, the list stays as it was and `problem` says so. A choice of model or agent shows
 * at once and, if it could not be saved, holds for this page.
 */

import {
  createContext,
  createMemo,
  createSignal,
  onCleanup,
  Show,
  useContext,
  type Accessor,
  type JSX,
} from "solid-js";
import { createCredentialStore, type CredentialEntry } from "../api/service";
import { createStateClient } from "../api/state";
import { StateSync, type SyncProblem } from "../api/state-sync";
import { localStore, STORAGE_KEY, SYNC_KEY, type StoredServer } from "../lib/storage";
import { displayUrl, normalizeServerUrl, serverKey } from "../lib/url";
import {
  EMPTY_STATE,
  settleChange,
  shownPreferences,
  type PendingChange,
  type PreferenceChange,
  type Preferences,
  type UserState,
} from "../lib/user-state";
import { useConfig } from "./config";

export interface ServerEntry {
  /** The normalized URL, as the user entered it (or the operator configured it). */
  url: string;
  /** The canonical target: what is sent to the proxy and compared. */
  key: string;
  /** What to call it: its name, or the URL without the scheme. */
  label: string;
  name?: string;
  username?: string;
  managed: boolean;
  isDefault: boolean;
  /** The proxy holds a password for it (never the password itself). */
  hasCredentials: boolean;
}

export interface ServerInput {
  url: string;
  name?: string;
  username?: string;
}

interface ServersValue {
  list: Accessor<ServerEntry[]>;
  find(keyOrUrl: string): ServerEntry | undefined;
  defaultServer: Accessor<ServerEntry | undefined>;
  /** The server the app talks to. */
  active: Accessor<ServerEntry | undefined>;
  select(key: string): void;
  /** Add a server, or replace `previousKey` with it; throws (a ProblemError) when not kept. */
  save(input: ServerInput, previousKey?: string): Promise<void>;
  remove(key: string): Promise<void>;
  setDefault(key: string): Promise<void>;
  /** The user's choices on a server (its key). */
  preferences(key: string): Preferences;
  /** Change them: shown at once, kept by the proxy. */
  setPreferences(key: string, change: PreferenceChange): void;
  /** Store a password in the proxy; with `verify`, only if the server accepts it. */
  storeCredentials(
    key: string,
    username: string,
    password: string,
    options?: { verify?: boolean },
  ): Promise<void>;
  forgetCredentials(key: string): Promise<void>;
  refreshCredentials(): Promise<void>;
  /** The user the proxy keeps the list for (null: the notebook's one local user). */
  user: Accessor<string | null>;
  /** False when the proxy keeps the list only until it restarts. */
  persistent: Accessor<boolean>;
  /** Set while the list is this browser's copy, or after a change was not kept. */
  problem: Accessor<SyncProblem | null>;
  /** Fetch the proxy's list again (after a problem). */
  retry(): Promise<void>;
}

const ServersContext = createContext<ServersValue>();

/** The canonical target of a URL, or the URL itself when it does not parse. */
export function targetKey(url: string): string {
  return serverKey(url);
}

export function ServersProvider(props: { children: JSX.Element }): JSX.Element {
  const config = useConfig();
  const storage = localStore() ?? null;

  const [state, setState] = createSignal<UserState>(EMPTY_STATE);
  const [ready, setReady] = createSignal(false);
  const [problem, setProblem] = createSignal<SyncProblem | null>(null);
  const [pending, setPending] = createSignal<readonly PendingChange[]>([]);
  const [credentials, setCredentials] = createSignal<ReadonlyMap<string, string>>(new Map());
  const [activeKey, setActiveKey] = createSignal<string | null>(null);
  const credentialStore = createCredentialStore();
  const sync = new StateSync(
    createStateClient(),
    storage,
    config.servers.map((server) => targetKey(server.url)),
    { state: setState, problem: setProblem },
  );
  setState(sync.state);
  let nextChange = 1;

  void sync
    .sync()
    .catch(() => {
      // Said by `problem`; the copy is shown.
    })
    .finally(() => setReady(true));

  const onStorage = (event: StorageEvent) => {
    if (event.key !== STORAGE_KEY && event.key !== SYNC_KEY && event.key !== null) return;
    // Another tab adopted a newer state (the list is written before the marker).
    sync.copyChanged();
    // The other tab may have stored or forgotten a password in the shared session.
    void refreshCredentials();
  };
  // Back to this tab (another browser may have changed the list), or back online.
  const refresh = () => {
    if (document.visibilityState === "visible" && ready()) void sync.sync().catch(() => {});
  };
  window.addEventListener("storage", onStorage);
  window.addEventListener("online", refresh);
  document.addEventListener("visibilitychange", refresh);
  onCleanup(() => {
    window.removeEventListener("storage", onStorage);
    window.removeEventListener("online", refresh);
    document.removeEventListener("visibilitychange", refresh);
  });

  const list = createMemo<ServerEntry[]>(() => {
    const own = state();
    const held = credentials();
    const entries: ServerEntry[] = [];
    const seen = new Set<string>();
    const add = (entry: Omit<ServerEntry, "key" | "label" | "isDefault">) => {
      const key = targetKey(entry.url);
      if (seen.has(key)) return;
      seen.add(key);
      entries.push({ ...entry, key, label: entry.name || displayUrl(entry.url), isDefault: false });
    };
    for (const server of config.servers) {
      add({
        url: normalizeServerUrl(server.url),
        ...(server.name ? { name: server.name } : {}),
        ...(server.username ? { username: server.username } : {}),
        managed: true,
        hasCredentials: server.credentials || held.has(targetKey(server.url)),
      });
    }
    for (const server of own.servers) {
      add({ ...server, managed: false, hasCredentials: held.has(targetKey(server.url)) });
    }
    const wanted = own.defaultUrl !== null ? targetKey(own.defaultUrl) : null;
    const operatorDefault = config.servers.find((server) => server.default);
    const fallback = operatorDefault ? targetKey(operatorDefault.url) : null;
    const chosen =
      entries.find((entry) => entry.key === wanted) ??
      entries.find((entry) => entry.key === fallback) ??
      entries[0];
    return entries.map((entry) => (entry === chosen ? { ...entry, isDefault: true } : entry));
  });

  const find = (keyOrUrl: string) => {
    const key = targetKey(keyOrUrl);
    return list().find((entry) => entry.key === key);
  };
  const defaultServer = createMemo(() => list().find((entry) => entry.isDefault));
  // On first load (and whenever the server in use disappears) the default is used.
  const active = createMemo(() => {
    const key = activeKey();
    return (
      (key !== null ? list().find((entry) => entry.key === key) : undefined) ?? defaultServer()
    );
  });

  /** The user's own server with this key, as the proxy keeps it. */
  const ownServer = (key: string) =>
    state().servers.find((server) => targetKey(server.url) === key);

  const refreshCredentials = async () => {
    try {
      const entries: CredentialEntry[] = await credentialStore.list();
      setCredentials(new Map(entries.map((entry) => [targetKey(entry.target), entry.username])));
    } catch {
      // The rows then show no stored password; the form reports real failures.
    }
  };
  void refreshCredentials();

  const value: ServersValue = {
    list,
    find,
    defaultServer,
    active,
    select: (key) => setActiveKey(key),
    async save(input, previousKey) {
      const url = normalizeServerUrl(input.url);
      const server: StoredServer = { url };
      if (input.name?.trim()) server.name = input.name.trim();
      if (input.username?.trim()) server.username = input.username.trim();
      const newKey = targetKey(url);
      const old =
        previousKey !== undefined && previousKey !== newKey ? ownServer(previousKey) : undefined;
      // A new address replaces the old in one change: same place, default and choices.
      await sync.change((client) => client.putServer(server, old?.url));
      if (previousKey !== undefined && activeKey() === previousKey) setActiveKey(newKey);
    },
    async remove(key) {
      const server = ownServer(key);
      if (server) await sync.change((client) => client.removeServer(server.url));
      if (activeKey() === key) setActiveKey(null);
      if (credentials().has(key)) await value.forgetCredentials(key);
    },
    async setDefault(key) {
      const entry = find(key);
      if (entry) await sync.change((client) => client.setDefault(entry.url));
    },
    preferences: (key) => shownPreferences(state(), key, pending()),
    setPreferences(key, preferenceChange) {
      if (Object.keys(preferenceChange).length === 0) return;
      const id = nextChange++;
      setPending([...pending(), { id, key, change: preferenceChange, failed: false }]);
      sync
        .change((client) => client.setPreferences(key, preferenceChange))
        .then(
          () => setPending(settleChange(pending(), id, true)),
          () => setPending(settleChange(pending(), id, false)),
        );
    },
    async storeCredentials(key, username, password, options = {}) {
      const entry = await credentialStore.store(key, username, password, options);
      const next = new Map(credentials());
      next.set(targetKey(entry.target), entry.username);
      setCredentials(next);
    },
    async forgetCredentials(key) {
      await credentialStore.forget(key);
      const next = new Map(credentials());
      next.delete(key);
      setCredentials(next);
    },
    refreshCredentials,
    user: () => state().user,
    persistent: () => state().persistent,
    problem,
    retry: () => sync.sync(),
  };
  return (
    <Show when={ready()} fallback={<div class="splash" aria-busy="true" />}>
      <ServersContext.Provider value={value}>{props.children}</ServersContext.Provider>
    </Show>
  );
}

export function useServers(): ServersValue {
  const servers = useContext(ServersContext);
  if (!servers) throw new Error("useServers needs a ServersProvider");
  return servers;
}
