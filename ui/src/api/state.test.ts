import { afterEach, describe, expect, it, vi } from "vitest";
import { ProblemError } from "./problems";
import { createStateClient, parseState } from "./state";

interface Call {
  url: string;
  method: string;
  body: unknown;
  signal: AbortSignal | undefined;
}

const ANSWER = {
  user: "alice",
  servers: [
    { url: "http://h:1", name: "One", username: "opencode" },
    { url: "http://h:2", password: "never kept" },
  ],
  default_url: "http://h:2",
  preferences: { "http://h:1": { model: "p/m", agent: "plan", extra: "dropped" } },
  revision: 3,
  persistent: true,
};

function fakeFetch(answer: (call: Call) => Response): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
    const body = typeof init.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    const call = { url, method: init.method ?? "GET", body, signal: init.signal ?? undefined };
    calls.push(call);
    return answer(call);
  });
  return calls;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("parseState", () => {
  it("takes the contract's fields into the app's shape", () => {
    expect(parseState(ANSWER)).toEqual({
      user: "alice",
      servers: [{ url: "http://h:1", name: "One", username: "opencode" }, { url: "http://h:2" }],
      defaultUrl: "http://h:2",
      preferences: { "http://h:1": { model: "p/m", agent: "plan" } },
      revision: 3,
      persistent: true,
    });
  });

  it("reads the local user, a state kept in memory, and missing fields", () => {
    expect(parseState({ user: null, servers: [], persistent: false })).toEqual({
      user: null,
      servers: [],
      defaultUrl: null,
      preferences: {},
      revision: 0,
      persistent: false,
    });
  });

  it("refuses what is not a state", () => {
    expect(parseState(null)).toBeNull();
    expect(parseState({ servers: "x" })).toBeNull();
    expect(parseState([1])).toBeNull();
  });
});

describe("state client", () => {
  it("loads the state, never from a cache, with a time limit", async () => {
    const calls = fakeFetch(() => json(ANSWER));
    const state = await createStateClient().load();
    expect(state.revision).toBe(3);
    expect(calls[0]).toMatchObject({ url: "api/state", method: "GET" });
    expect(calls[0]!.signal).toBeInstanceOf(AbortSignal);
  });

  it("sends each change to its endpoint, as the contract says", async () => {
    const calls = fakeFetch(() => json(ANSWER));
    const client = createStateClient();
    await client.putServer({ url: "http://h:1", name: "One" });
    await client.putServer({ url: "http://h:2" }, "http://h:1");
    await client.removeServer("http://h:1/a b");
    await client.setDefault(null);
    await client.setPreferences("http://h:1", { model: "p/m", agent: null });
    await client.importList({ servers: [{ url: "http://h:3" }], defaultUrl: "http://h:3" });
    expect(calls.map((call) => [call.method, call.url, call.body])).toEqual([
      ["POST", "api/state/servers", { url: "http://h:1", name: "One" }],
      ["POST", "api/state/servers", { url: "http://h:2", replaces: "http://h:1" }],
      ["DELETE", "api/state/servers?url=http%3A%2F%2Fh%3A1%2Fa+b", undefined],
      ["PUT", "api/state/default", { url: null }],
      ["PATCH", "api/state/preferences", { url: "http://h:1", set: { model: "p/m", agent: null } }],
      ["POST", "api/state/import", { servers: [{ url: "http://h:3" }], default_url: "http://h:3" }],
    ]);
  });

  it("turns a refusal into the proxy's problem", async () => {
    fakeFetch(() =>
      json({ error: "too_many_servers", message: "At most 200 servers." }, 400, {
        "X-Proxy-Error": "too_many_servers",
      }),
    );
    const error = await createStateClient()
      .putServer({ url: "http://h:1" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).problem).toMatchObject({
      kind: "service",
      code: "too_many_servers",
      detail: "At most 200 servers.",
    });
  });

  it("says so when the service does not answer, or answers something else", async () => {
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("Failed to fetch");
    });
    const unreachable = await createStateClient()
      .load()
      .catch((e: unknown) => e);
    expect((unreachable as ProblemError).problem.detail).toContain("did not answer");

    fakeFetch(() => new Response("<html>login</html>", { status: 200 }));
    const other = await createStateClient()
      .load()
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(ProblemError);

    fakeFetch(() => new Response("", { status: 502 }));
    const gateway = await createStateClient()
      .load()
      .catch((e: unknown) => e);
    expect((gateway as ProblemError).problem.status).toBe(502);
  });
});
