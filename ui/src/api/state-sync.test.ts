import { beforeEach, describe, expect, it } from "vitest";
import { problem, ProblemError } from "./problems";
import type { ImportedList, StateClient } from "./state";
import { StateSync, type SyncProblem } from "./state-sync";
import {
  LEGACY_CHOICE_KEY,
  loadServers,
  loadSync,
  saveServers,
  saveState,
  STORAGE_KEY,
  type KeyValueStorage,
  type StoredServer,
} from "../lib/storage";
import {
  applyChange,
  type PreferenceChange,
  type Preferences,
  type UserState,
} from "../lib/user-state";

class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/**
 * The contract of `api/state` for one user, in memory: upsert by URL at the end, import
 * adds what is missing and a default only when there is none, a revision per change.
 */
class MemoryProxy implements StateClient {
  servers: StoredServer[] = [];
  defaultUrl: string | null = null;
  preferences: Record<string, Preferences> = {};
  revision = 0;
  /** When set, every request fails with it (the proxy down, or a 5xx). */
  failure: ProblemError | null = null;
  /** Requests whose answer waits until the test releases them. */
  held: Array<() => void> = [];
  hold = false;
  readonly calls: string[] = [];

  constructor(
    public user: string | null = "alice",
    readonly operator: string[] = [],
  ) {}

  private async answer(name: string, apply: () => void = () => {}): Promise<UserState> {
    this.calls.push(name);
    if (this.failure) throw this.failure;
    const before = JSON.stringify([this.servers, this.defaultUrl, this.preferences]);
    apply();
    if (JSON.stringify([this.servers, this.defaultUrl, this.preferences]) !== before) {
      this.revision++;
    }
    const state: UserState = {
      user: this.user,
      servers: this.servers.map((server) => ({ ...server })),
      defaultUrl: this.defaultUrl,
      preferences: structuredClone(this.preferences),
      revision: this.revision,
      persistent: true,
    };
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    return state;
  }

  private known(url: string): boolean {
    return this.operator.includes(url) || this.servers.some((server) => server.url === url);
  }

  load(): Promise<UserState> {
    return this.answer("load");
  }
  putServer(server: StoredServer): Promise<UserState> {
    return this.answer(`put ${server.url}`, () => {
      const index = this.servers.findIndex((item) => item.url === server.url);
      if (index >= 0) this.servers[index] = server;
      else this.servers.push(server);
    });
  }
  removeServer(url: string): Promise<UserState> {
    return this.answer(`remove ${url}`, () => {
      this.servers = this.servers.filter((server) => server.url !== url);
      delete this.preferences[url];
      if (this.defaultUrl === url) this.defaultUrl = null;
    });
  }
  setDefault(url: string | null): Promise<UserState> {
    return this.answer(`default ${url}`, () => {
      this.defaultUrl = url;
    });
  }
  setPreferences(url: string, change: PreferenceChange): Promise<UserState> {
    if (!this.known(url)) {
      return Promise.reject(new ProblemError(problem("service", "Not one of your servers.")));
    }
    return this.answer(`preferences ${url}`, () => {
      const next = applyChange(this.preferences[url] ?? {}, change);
      if (Object.keys(next).length > 0) this.preferences[url] = next;
      else delete this.preferences[url];
    });
  }
  /** URLs an import leaves out (the policy refuses them), as the proxy's `skipped`. */
  refused: string[] = [];

  async importList(list: ImportedList): Promise<UserState> {
    const skipped = list.servers
      .filter((server) => this.refused.includes(server.url))
      .map((server) => ({ url: server.url, error: "target_not_allowed" }));
    const state = await this.answer("import", () => {
      for (const server of list.servers) {
        if (!this.known(server.url) && !this.refused.includes(server.url)) {
          this.servers.push(server);
        }
      }
      if (this.defaultUrl === null && list.defaultUrl !== null && this.known(list.defaultUrl)) {
        this.defaultUrl = list.defaultUrl;
      }
    });
    return skipped.length > 0 ? { ...state, skipped } : state;
  }

  /** Let every held answer go, newest first (the order most likely to go wrong). */
  releaseNewestFirst(): void {
    const held = this.held.reverse();
    this.held = [];
    for (const resolve of held) resolve();
  }
}

const DOWN = new ProblemError(
  problem("service", "The notebook service did not answer; check your network connection."),
);
const OLD_LIST = {
  servers: [{ url: "http://a:1", name: "A" }, { url: "http://b:2" }],
  defaultUrl: "http://b:2",
};

let storage: MemoryStorage;
let problems: Array<SyncProblem | null>;
let shown: UserState[];

function open(proxy: StateClient, on: KeyValueStorage | null = storage, operator: string[] = []) {
  return new StateSync(proxy, on, operator, {
    state: (next) => shown.push(next),
    problem: (next) => problems.push(next),
  });
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  storage = new MemoryStorage();
  problems = [];
  shown = [];
});

describe("the first sync", () => {
  it("hands over a list kept the old way, with its model choices, once", async () => {
    saveServers(storage, OLD_LIST);
    storage.setItem(
      LEGACY_CHOICE_KEY,
      JSON.stringify({
        version: 1,
        servers: {
          "http://a:1": { model: "p/m", variants: { "p/m": "high" } },
          "http://gone:9": { agent: "plan" },
        },
      }),
    );
    const proxy = new MemoryProxy();
    proxy.servers = [{ url: "http://b:2", name: "Named elsewhere" }];
    const sync = open(proxy);
    // Before the answer: the copy, with the old choices.
    expect(sync.state.servers).toEqual(OLD_LIST.servers);
    expect(sync.state.preferences).toEqual({
      "http://a:1": { model: "p/m", variant: "high" },
      "http://gone:9": { agent: "plan" },
    });
    await sync.sync();
    expect(proxy.calls).toEqual(["load", "import", "preferences http://a:1"]);
    // The proxy's records win; the default is the imported one (there was none).
    expect(proxy.servers).toEqual([
      { url: "http://b:2", name: "Named elsewhere" },
      OLD_LIST.servers[0],
    ]);
    expect(proxy.defaultUrl).toBe("http://b:2");
    expect(proxy.preferences).toEqual({ "http://a:1": { model: "p/m", variant: "high" } });
    expect(sync.state).toMatchObject({
      user: "alice",
      servers: proxy.servers,
      revision: proxy.revision,
    });
    expect(loadServers(storage).servers).toEqual(proxy.servers);
    expect(loadSync(storage)).toMatchObject({ user: "alice", revision: proxy.revision });
    expect(storage.getItem(LEGACY_CHOICE_KEY)).toBeNull();
    expect(problems.at(-1)).toBeNull();

    // A reload: nothing is handed over again, even after a removal elsewhere.
    await proxy.removeServer("http://a:1");
    const again = open(proxy);
    await again.sync();
    expect(proxy.calls.slice(-2)).toEqual(["remove http://a:1", "load"]);
    expect(again.state.servers).toEqual([{ url: "http://b:2", name: "Named elsewhere" }]);
  });

  it("names the servers the proxy would not take, and keeps no trace of 'skipped'", async () => {
    saveServers(storage, OLD_LIST);
    const proxy = new MemoryProxy();
    proxy.refused = ["http://a:1"];
    const sync = open(proxy);
    await sync.sync();
    expect(proxy.servers).toEqual([OLD_LIST.servers[1]]);
    expect(sync.state.servers).toEqual([OLD_LIST.servers[1]]);
    expect(sync.state).not.toHaveProperty("skipped");
    expect(storage.getItem(STORAGE_KEY)).not.toContain("skipped");
    const said = problems.at(-1);
    expect(said).toMatchObject({ kind: "save", copy: false });
    expect(said?.message).toBe(
      "A server this browser kept was not added to your list: http://a:1 " +
        "(not allowed by this notebook's policy).",
    );
  });

  it("in a browser that kept nothing, shows the proxy's list without sending anything", async () => {
    const proxy = new MemoryProxy();
    proxy.servers = [{ url: "http://a:1" }];
    proxy.revision = 4;
    const sync = open(proxy);
    await sync.sync();
    expect(proxy.calls).toEqual(["load"]);
    expect(sync.state.servers).toEqual([{ url: "http://a:1" }]);
    expect(shown.at(-1)?.revision).toBe(4);
  });

  it("never hands one user's copy to another", async () => {
    const alice = new MemoryProxy("alice");
    await alice.putServer({ url: "http://alices:1" });
    await open(alice).sync();
    const bob = new MemoryProxy("bob");
    const sync = open(bob);
    await sync.sync();
    expect(bob.calls).toEqual(["load"]);
    expect(bob.servers).toEqual([]);
    expect(sync.state).toMatchObject({ user: "bob", servers: [] });
    // And the copy is now bob's.
    expect(storage.getItem(STORAGE_KEY)).toBeNull();
  });

  it("hands the copy back, with its choices, to a proxy that lost its state", async () => {
    const before = new MemoryProxy(null);
    await before.putServer({ url: "http://a:1", name: "A" });
    await before.setPreferences("http://a:1", { agent: "plan" });
    await open(before).sync();
    const restarted = new MemoryProxy(null);
    const sync = open(restarted);
    await sync.sync();
    expect(restarted.calls).toEqual(["load", "import", "preferences http://a:1"]);
    expect(restarted.servers).toEqual([{ url: "http://a:1", name: "A" }]);
    expect(sync.state.preferences).toEqual({ "http://a:1": { agent: "plan" } });
  });

  it("keeps old choices it could not hand over, to try again", async () => {
    storage.setItem(
      LEGACY_CHOICE_KEY,
      JSON.stringify({ version: 1, servers: { "http://op:1": { agent: "plan" } } }),
    );
    const proxy = new MemoryProxy("alice", ["http://op:1"]);
    proxy.setPreferences = () => Promise.reject(DOWN);
    const sync = open(proxy, storage, ["http://op:1"]);
    await sync.sync();
    expect(storage.getItem(LEGACY_CHOICE_KEY)).not.toBeNull();
    expect(problems.at(-1)).toBeNull();
  });
});

describe("when the proxy does not answer", () => {
  it("shows the copy, says so, saves nothing, and catches up once it answers", async () => {
    saveServers(storage, OLD_LIST);
    const proxy = new MemoryProxy();
    proxy.failure = DOWN;
    const sync = open(proxy);
    await expect(sync.sync()).rejects.toBe(DOWN);
    expect(sync.state.servers).toEqual(OLD_LIST.servers);
    expect(problems.at(-1)).toMatchObject({ kind: "load", copy: true });
    expect(problems.at(-1)?.message).toContain("copy kept in this browser");
    expect(problems.at(-1)?.message).toContain("did not answer");

    // A change first tries to sync, and fails plainly.
    await expect(sync.change((client) => client.setDefault("http://a:1"))).rejects.toBe(DOWN);
    expect(problems.at(-1)).toMatchObject({ kind: "save", copy: true });
    expect(problems.at(-1)?.message).toMatch(
      /^Could not save the change, and this list is the copy kept in this browser\. The notebook service did not answer/,
    );
    expect(sync.state.defaultUrl).toBe("http://b:2");
    expect(loadServers(storage)).toEqual(OLD_LIST);

    // Back: the change syncs first (the old list is handed over), then goes.
    proxy.failure = null;
    await sync.change((client) => client.setDefault("http://a:1"));
    expect(proxy.calls.filter((call) => !call.startsWith("load"))).toEqual([
      "import",
      "default http://a:1",
    ]);
    expect(sync.state).toMatchObject({ servers: OLD_LIST.servers, defaultUrl: "http://a:1" });
    expect(problems.at(-1)).toBeNull();
  });

  it("says a change was not kept, once synced, without calling the list a copy", async () => {
    const proxy = new MemoryProxy();
    await proxy.putServer({ url: "http://a:1" });
    const sync = open(proxy);
    await sync.sync();
    proxy.failure = DOWN;
    await expect(sync.change((client) => client.removeServer("http://a:1"))).rejects.toBe(DOWN);
    expect(problems.at(-1)).toEqual({
      kind: "save",
      copy: false,
      message:
        "Could not save the change. The notebook service did not answer; check your network connection.",
    });
    expect(sync.state.servers).toEqual([{ url: "http://a:1" }]);
    proxy.failure = null;
    await sync.change((client) => client.removeServer("http://a:1"));
    expect(problems.at(-1)).toBeNull();
  });

  it("keeps showing the proxy's state when a later refresh fails", async () => {
    const proxy = new MemoryProxy();
    await proxy.putServer({ url: "http://a:1" });
    const sync = open(proxy);
    await sync.sync();
    proxy.failure = DOWN;
    await expect(sync.sync()).rejects.toBe(DOWN);
    expect(sync.state.servers).toEqual([{ url: "http://a:1" }]);
    expect(problems.at(-1)).toBeNull();
  });

  it("works without any storage at all", async () => {
    const proxy = new MemoryProxy();
    await proxy.putServer({ url: "http://a:1" });
    const sync = open(proxy, null);
    await sync.sync();
    expect(sync.state.servers).toEqual([{ url: "http://a:1" }]);
  });
});

describe("answers", () => {
  it("an older answer never replaces a newer one", async () => {
    const proxy = new MemoryProxy();
    const sync = open(proxy);
    await sync.sync();
    proxy.hold = true;
    const first = sync.change((client) => client.putServer({ url: "http://a:1" }));
    const second = sync.change((client) => client.putServer({ url: "http://b:2" }));
    await flush();
    proxy.releaseNewestFirst();
    await Promise.all([first, second]);
    expect(sync.state.revision).toBe(2);
    expect(sync.state.servers.map((server) => server.url)).toEqual(["http://a:1", "http://b:2"]);
    expect(shown.map((state) => state.revision)).toEqual([0, 2]);
  });

  it("one sync at a time: callers share it", async () => {
    const proxy = new MemoryProxy();
    const sync = open(proxy);
    await Promise.all([sync.sync(), sync.sync(), sync.change((client) => client.setDefault(null))]);
    expect(proxy.calls).toEqual(["load", "default null"]);
  });
});

describe("other tabs", () => {
  it("a newer state another tab wrote into the copy is shown, an older one is not", async () => {
    const proxy = new MemoryProxy();
    const here = open(proxy);
    await here.sync();
    const there = open(proxy);
    await there.sync();
    await there.change((client) => client.putServer({ url: "http://a:1" }));
    expect(here.state.servers).toEqual([]);
    here.copyChanged();
    expect(here.state.servers).toEqual([{ url: "http://a:1" }]);
    // A stale copy (another tab's older answer) changes nothing.
    saveState(storage, { ...here.state, servers: [], revision: 0 });
    here.copyChanged();
    expect(here.state.servers).toEqual([{ url: "http://a:1" }]);
  });

  it("a tab that could not sync takes the state another tab synced", async () => {
    saveServers(storage, OLD_LIST);
    const proxy = new MemoryProxy();
    proxy.failure = DOWN;
    const here = open(proxy);
    await here.sync().catch(() => {});
    proxy.failure = null;
    await open(proxy).sync();
    here.copyChanged();
    expect(here.isSynced).toBe(true);
    expect(here.state).toMatchObject({ user: "alice", servers: OLD_LIST.servers });
  });
});
