import { beforeEach, describe, expect, it } from "vitest";
import {
  LEGACY_CHOICE_KEY,
  loadLegacyChoices,
  loadServers,
  loadSync,
  removeLegacyChoices,
  saveServers,
  saveState,
  STORAGE_KEY,
  SYNC_KEY,
  type KeyValueStorage,
  type Migration,
} from "./storage";
import { EMPTY_STATE } from "./user-state";

class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  full = false;
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.full) throw new DOMException("full", "QuotaExceededError");
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

let storage: MemoryStorage;
beforeEach(() => {
  storage = new MemoryStorage();
});

describe("persistence", () => {
  it("starts empty", () => {
    expect(loadServers(storage)).toEqual({ servers: [], defaultUrl: null });
  });

  it("round-trips the list and the default under a versioned key", () => {
    const list = {
      servers: [
        { url: "http://127.0.0.1:4096", name: "Local" },
        { url: "http://oc.ns.svc.cluster.local:4096", username: "opencode" },
      ],
      defaultUrl: "http://oc.ns.svc.cluster.local:4096",
    };
    expect(saveServers(storage, list)).toBe(true);
    expect(STORAGE_KEY).toMatch(/\.v\d+$/);
    expect(JSON.parse(storage.getItem(STORAGE_KEY)!)).toMatchObject({ version: 1 });
    expect(loadServers(storage)).toEqual(list);
  });

  it("never stores a password, even when handed one", () => {
    const server = { url: "http://h:1", username: "u", password: "secret" };
    saveServers(storage, { servers: [server], defaultUrl: null });
    expect(storage.getItem(STORAGE_KEY)).not.toContain("secret");
    storage.setItem(STORAGE_KEY, JSON.stringify({ servers: [server] }));
    expect(loadServers(storage).servers).toEqual([{ url: "http://h:1", username: "u" }]);
  });

  it("normalizes, trims and de-duplicates what it reads", () => {
    storage.setItem(
      STORAGE_KEY,
      JSON.stringify({
        servers: [
          { url: " h:1/ ", name: "  A  ", username: "" },
          { url: "http://h:1", name: "duplicate" },
          { url: 42 },
          "junk",
          { url: "" },
        ],
        defaultUrl: "h:1/",
      }),
    );
    expect(loadServers(storage)).toEqual({
      servers: [{ url: "http://h:1", name: "A" }],
      defaultUrl: "http://h:1",
    });
  });

  it("treats corrupt data as empty", () => {
    storage.setItem(STORAGE_KEY, "{not json");
    expect(loadServers(storage)).toEqual({ servers: [], defaultUrl: null });
    storage.setItem(STORAGE_KEY, JSON.stringify([1, 2]));
    expect(loadServers(storage)).toEqual({ servers: [], defaultUrl: null });
  });

  it("reports a full storage instead of throwing", () => {
    storage.full = true;
    expect(saveServers(storage, { servers: [{ url: "http://h" }], defaultUrl: null })).toBe(false);
  });

  it("survives a storage that throws on read", () => {
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new DOMException("denied", "SecurityError");
      },
      setItem: () => {},
      removeItem: () => {},
    };
    expect(loadServers(broken)).toEqual({ servers: [], defaultUrl: null });
  });
});

describe("migration", () => {
  // Two made-up historic formats: v-a kept a bare array of URLs, v-b an object per URL
  // with the default marked on the server itself.
  const migrations: Migration[] = [
    {
      fromKey: "old.a",
      migrate: (data) => ({
        byUrl: Object.fromEntries((data as string[]).map((url, i) => [url, { primary: i === 0 }])),
      }),
    },
    {
      fromKey: "old.b",
      migrate: (data) => {
        const byUrl = (data as { byUrl: Record<string, { label?: string; primary?: boolean }> })
          .byUrl;
        const entries = Object.entries(byUrl);
        return {
          servers: entries.map(([url, value]) => ({ url, name: value.label })),
          defaultUrl: entries.find(([, value]) => value.primary)?.[0] ?? null,
        };
      },
    },
  ];

  it("migrates the newest old key and removes the old keys", () => {
    storage.setItem("old.a", JSON.stringify(["stale:1"]));
    storage.setItem(
      "old.b",
      JSON.stringify({ byUrl: { "h:1": { label: "One" }, "h:2": { primary: true } } }),
    );
    const list = loadServers(storage, migrations);
    expect(list).toEqual({
      servers: [{ url: "http://h:1", name: "One" }, { url: "http://h:2" }],
      defaultUrl: "http://h:2",
    });
    expect(storage.getItem("old.a")).toBeNull();
    expect(storage.getItem("old.b")).toBeNull();
    expect(loadServers(storage, migrations)).toEqual(list);
  });

  it("runs every step from the oldest format", () => {
    storage.setItem("old.a", JSON.stringify(["h:1", "h:2"]));
    expect(loadServers(storage, migrations)).toEqual({
      servers: [{ url: "http://h:1" }, { url: "http://h:2" }],
      defaultUrl: "http://h:1",
    });
    expect(storage.getItem(STORAGE_KEY)).not.toBeNull();
  });

  it("prefers the current key over old ones", () => {
    saveServers(storage, { servers: [{ url: "http://new" }], defaultUrl: null });
    storage.setItem("old.a", JSON.stringify(["h:1"]));
    expect(loadServers(storage, migrations).servers).toEqual([{ url: "http://new" }]);
    expect(storage.getItem("old.a")).not.toBeNull();
  });

  it("keeps old data when the migrated list cannot be written", () => {
    storage.setItem("old.a", JSON.stringify(["h:1"]));
    storage.full = true;
    expect(loadServers(storage, migrations).servers).toEqual([{ url: "http://h:1" }]);
    expect(storage.getItem("old.a")).not.toBeNull();
  });
});

describe("the copy of the proxy's state", () => {
  const state = {
    ...EMPTY_STATE,
    user: "alice",
    servers: [{ url: "http://h:1", name: "One" }],
    defaultUrl: "http://h:1",
    preferences: { "http://h:1": { model: "p/m", variant: "high" } },
    revision: 4,
    persistent: false,
  };

  it("has no marker before the first sync", () => {
    saveServers(storage, { servers: [{ url: "http://h:1" }], defaultUrl: null });
    expect(loadSync(storage)).toBeNull();
  });

  it("keeps the list where it always was, and the marker with the preferences", () => {
    expect(saveState(storage, state)).toBe(true);
    expect(loadServers(storage)).toEqual({ servers: state.servers, defaultUrl: "http://h:1" });
    expect(loadSync(storage)).toEqual({
      user: "alice",
      revision: 4,
      persistent: false,
      preferences: state.preferences,
    });
    expect(JSON.parse(storage.getItem(SYNC_KEY)!)).toMatchObject({ version: 1 });
  });

  it("keeps no list at all for an empty state, but marks the sync", () => {
    saveServers(storage, { servers: [{ url: "http://h:1" }], defaultUrl: null });
    saveState(storage, { ...EMPTY_STATE, revision: 2 });
    expect(storage.getItem(STORAGE_KEY)).toBeNull();
    expect(loadSync(storage)).toMatchObject({ user: null, revision: 2 });
  });

  it("drops unknown, empty and overlong preferences, and corrupt markers", () => {
    storage.setItem(
      SYNC_KEY,
      JSON.stringify({
        version: 1,
        user: null,
        revision: 1,
        preferences: {
          "http://H:1/": { model: "p/m", password: "x", agent: "", variant: "v".repeat(201) },
          "http://h:2": "junk",
        },
      }),
    );
    expect(loadSync(storage)).toEqual({
      user: null,
      revision: 1,
      persistent: true,
      preferences: { "http://h:1": { model: "p/m" } },
    });
    for (const junk of [
      "{not json",
      "[]",
      '{"version":2,"user":null,"revision":1}',
      '{"version":1,"user":3,"revision":1}',
      '{"version":1,"user":null}',
    ]) {
      storage.setItem(SYNC_KEY, junk);
      expect(loadSync(storage)).toBeNull();
    }
  });

  it("reports a full storage instead of throwing", () => {
    storage.full = true;
    expect(saveState(storage, state)).toBe(false);
  });
});

describe("model choices kept the old way", () => {
  it("become preferences, with the effort of the chosen model", () => {
    storage.setItem(
      LEGACY_CHOICE_KEY,
      JSON.stringify({
        version: 1,
        servers: {
          "http://a:1": {
            model: "p/two",
            agent: "plan",
            variants: { "p/one": "low", "p/two": "high" },
          },
          "http://b:2": { variants: { "p/one": "low" } },
          "http://c:3": { model: "no-slash", agent: 4 },
          "http://d:4": "junk",
        },
      }),
    );
    expect(loadLegacyChoices(storage)).toEqual({
      "http://a:1": { model: "p/two", agent: "plan", variant: "high" },
      "http://b:2": { variant: "low" },
    });
    removeLegacyChoices(storage);
    expect(storage.getItem(LEGACY_CHOICE_KEY)).toBeNull();
    expect(loadLegacyChoices(storage)).toEqual({});
  });

  it("are nothing when corrupt or of another version", () => {
    storage.setItem(LEGACY_CHOICE_KEY, "{not json");
    expect(loadLegacyChoices(storage)).toEqual({});
    storage.setItem(
      LEGACY_CHOICE_KEY,
      JSON.stringify({ version: 2, servers: { "http://a:1": { agent: "p" } } }),
    );
    expect(loadLegacyChoices(storage)).toEqual({});
  });
});
