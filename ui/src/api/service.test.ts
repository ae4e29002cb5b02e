import { afterEach, describe, expect, it, vi } from "vitest";
import { ProblemError } from "./problems";
import { createCredentialStore } from "./service";

interface Call {
  url: string;
  method: string;
  body: string | undefined;
}

function fakeFetch(answer: (call: Call) => Response): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
    const call = { url, method: init.method ?? "GET", body: init.body as string | undefined };
    calls.push(call);
    return answer(call);
  });
  return calls;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("credential store", () => {
  it("hands the password to the service in a POST body, never in the URL", async () => {
    const calls = fakeFetch((call) =>
      call.method === "POST"
        ? json({ target: "http://h:1", username: "opencode" })
        : json({ credentials: [{ target: "http://h:1", username: "opencode" }] }),
    );
    const store = createCredentialStore();
    expect(await store.store("http://h:1", "opencode", "s3cret")).toEqual({
      target: "http://h:1",
      username: "opencode",
    });
    expect(await store.list()).toEqual([{ target: "http://h:1", username: "opencode" }]);
    expect(calls[0]).toMatchObject({ url: "api/credentials", method: "POST" });
    expect(JSON.parse(calls[0]!.body!)).toEqual({
      target: "http://h:1",
      username: "opencode",
      password: "s3cret",
    });
    expect(calls.every((call) => !call.url.includes("s3cret"))).toBe(true);
  });

  it("forgets with DELETE and the target in the query", async () => {
    const calls = fakeFetch(() => new Response(null, { status: 204 }));
    await createCredentialStore().forget("http://h:1");
    expect(calls[0]).toMatchObject({
      url: "api/credentials?target=http%3A%2F%2Fh%3A1",
      method: "DELETE",
    });
  });

  it("fails plainly when the service answers with an error", async () => {
    fakeFetch(() => new Response("", { status: 500 }));
    const error = await createCredentialStore()
      .store("http://h:1", "me", "pw")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
  });

  it("reports a refusal of the service as a problem", async () => {
    fakeFetch(
      () =>
        new Response(JSON.stringify({ error: "target_not_allowed", message: "no" }), {
          status: 403,
          headers: { "X-Proxy-Error": "target_not_allowed" },
        }),
    );
    const error = await createCredentialStore()
      .store("http://evil:1", "u", "p")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).problem.title).toBe("Not allowed by this notebook's policy");
  });

  it("asks the service to verify, and keeps the refusal as an auth problem", async () => {
    const calls = fakeFetch(
      () =>
        new Response(JSON.stringify({ error: "wrong_credentials", message: "refused" }), {
          status: 401,
          headers: { "Content-Type": "application/json", "X-Proxy-Error": "wrong_credentials" },
        }),
    );
    const store = createCredentialStore();
    const failure = await store
      .store("http://h:1", "opencode", "typo", { verify: true })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProblemError);
    expect((failure as ProblemError).problem.kind).toBe("auth");
    expect(JSON.parse(calls[0]!.body!)).toEqual({
      target: "http://h:1",
      username: "opencode",
      password: "typo",
      verify: true,
    });
  });
});
