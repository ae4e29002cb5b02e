/**
 * The list of servers: the operator's (from `api/config`, managed) and the user's own
 * (in localStorage, shared by every tab), which one is the default, which one is in use,
 * and which have a password in the proxy's credential store.
 */

import {
  createContext,
  createMemo,
  createSignal,
  onCleanup,
  useContext,
  type Accessor,
  type JSX,
} from "solid-js";
import { createCredentialStore, type CredentialEntry } from "../api/service";
import {
  loadServers,
  saveServers,
  STORAGE_KEY,
  type ServerList,
  type StoredServer,
} from "../lib/storage";
import { displayUrl, normalizeServerUrl, serverKey } from "../lib/url";
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
  /** Add a server, or replace `previousKey` with it; local list only. */
  save(input: ServerInput, previousKey?: string): void;
  remove(key: string): Promise<void>;
  setDefault(key: string): void;
  /** Store a password in the proxy; with `verify`, only if the server accepts it. */
  storeCredentials(
    key: string,
    username: string,
    password: string,
    options?: { verify?: boolean },
  ): Promise<void>;
  forgetCredentials(key: string): Promise<void>;
  refreshCredentials(): Promise<void>;
  /** Set when the browser refused to write the list. */
  storageError: Accessor<string | null>;
}

const ServersContext = createContext<ServersValue>();

/** The canonical target of a URL, or the URL itself when it does not parse. */
export function targetKey(url: string): string {
  return serverKey(url);
}

function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function ServersProvider(props: { children: JSX.Element }): JSX.Element {
  const config = useConfig();
  const storage = browserStorage();
  const [stored, setStored] = createSignal<ServerList>(
    storage ? loadServers(storage) : { servers: [], defaultUrl: null },
  );
  const [storageError, setStorageError] = createSignal<string | null>(
    storage ? null : "This browser does not let the page keep a server list.",
  );
  const [credentials, setCredentials] = createSignal<ReadonlyMap<string, string>>(new Map());
  const [activeKey, setActiveKey] = createSignal<string | null>(null);
  const credentialStore = createCredentialStore();

  const onStorage = (event: StorageEvent) => {
    // Another tab changed the list: show its version.
    if (storage && (event.key === STORAGE_KEY || event.key === null)) {
      setStored(loadServers(storage));
      // The other tab may have stored or forgotten a password in the shared session.
      void refreshCredentials();
    }
  };
  window.addEventListener("storage", onStorage);
  onCleanup(() => window.removeEventListener("storage", onStorage));

  const list = createMemo<ServerEntry[]>(() => {
    const own = stored();
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

  const write = (next: ServerList) => {
    setStored(next);
    if (storage && !saveServers(storage, next)) {
      setStorageError("The browser refused to save the server list (storage full or blocked).");
    } else if (storage) {
      setStorageError(null);
    }
  };

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
    save(input, previousKey) {
      const url = normalizeServerUrl(input.url);
      const server: StoredServer = { url };
      if (input.name?.trim()) server.name = input.name.trim();
      if (input.username?.trim()) server.username = input.username.trim();
      const current = stored();
      const newKey = targetKey(url);
      const replaced = previousKey ?? newKey;
      const index = current.servers.findIndex((s) => targetKey(s.url) === replaced);
      const servers = [...current.servers];
      if (index >= 0) servers[index] = server;
      else servers.push(server);
      let defaultUrl = current.defaultUrl;
      if (
        defaultUrl !== null &&
        previousKey !== undefined &&
        targetKey(defaultUrl) === previousKey
      ) {
        defaultUrl = url;
      }
      write({ servers, defaultUrl });
      if (previousKey !== undefined && activeKey() === previousKey) setActiveKey(newKey);
    },
    async remove(key) {
      const current = stored();
      const servers = current.servers.filter((s) => targetKey(s.url) !== key);
      const defaultUrl =
        current.defaultUrl !== null && targetKey(current.defaultUrl) === key
          ? null
          : current.defaultUrl;
      write({ servers, defaultUrl });
      if (activeKey() === key) setActiveKey(null);
      if (credentials().has(key)) await value.forgetCredentials(key);
    },
    setDefault(key) {
      const entry = find(key);
      if (entry) write({ ...stored(), defaultUrl: entry.url });
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
    storageError,
  };
  return <ServersContext.Provider value={value}>{props.children}</ServersContext.Provider>;
}

export function useServers(): ServersValue {
  const servers = useContext(ServersContext);
  if (!servers) throw new Error("useServers needs a ServersProvider");
  return servers;
}
