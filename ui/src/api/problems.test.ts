import { describe, expect, it } from "vitest";
import { describeResponse, TITLES } from "./problems";

function proxyError(status: number, code: string, message = "details"): Response {
  return new Response(JSON.stringify({ error: code, message }), {
    status,
    headers: { "Content-Type": "application/json", "X-Proxy-Error": code },
  });
}

describe("describeResponse", () => {
  it("is null for a success", async () => {
    expect(await describeResponse(new Response("{}", { status: 200 }))).toBeNull();
  });

  it.each([
    [502, "upstream_unreachable", "Could not connect"],
    [504, "upstream_timeout", "Could not connect"],
    [502, "upstream_error", "Could not connect"],
    [403, "target_not_allowed", "Not allowed by this notebook's policy"],
    [401, "wrong_credentials", "Wrong username or password"],
    [403, "target_address_not_allowed", "Not allowed by this notebook's policy"],
    [400, "bad_target", "Not allowed by this notebook's policy"],
    [429, "rate_limited", "The notebook service is busy"],
  ])("maps the proxy's %i %s to %j", async (status, code, title) => {
    const found = await describeResponse(proxyError(status, code, "why"));
    expect(found).toMatchObject({ title, detail: "why", code, status });
  });

  it("reads an upstream 401 as a wrong password", async () => {
    const found = await describeResponse(new Response("", { status: 401 }));
    expect(found?.title).toBe(TITLES.auth);
  });

  it("does not take the proxy's own 401 for the server's", async () => {
    const found = await describeResponse(proxyError(401, "unauthorized"));
    expect(found?.kind).toBe("service");
  });

  it("reports other upstream errors with their status", async () => {
    const found = await describeResponse(new Response("oops", { status: 500 }));
    expect(found).toMatchObject({ kind: "server", detail: "The server answered HTTP 500." });
  });
});

describe("redirects", () => {
  it("says where a server's redirect pointed, from the proxy's header", async () => {
    const response = new Response(null, {
      status: 307,
      headers: { "X-Proxy-Redirect-Location": "/notebook/ns/nb/api/credentials" },
    });
    const found = await describeResponse(response);
    expect(found).toMatchObject({ kind: "server", status: 307 });
    expect(found?.detail).toContain("redirect (HTTP 307) to /notebook/ns/nb/api/credentials");
    expect(found?.detail).toContain("not followed");
  });

  it("describes a redirect without a target", async () => {
    const found = await describeResponse(new Response(null, { status: 302 }));
    expect(found?.detail).toBe(
      "The server answered with a redirect (HTTP 302). Redirects from a server are not followed.",
    );
  });
});
