import { afterEach, describe, expect, it, vi } from "vitest";
import { proxyFetch, proxyUrl, streamUrl, websocketUrl } from "./http";

describe("proxy URLs", () => {
  it("are relative to the page, so any prefix works", () => {
    expect(proxyUrl("api/proxy/", "/global/health")).toBe("api/proxy/global/health");
    expect(proxyUrl("api/proxy/", "file", { path: "a b", skip: undefined })).toBe(
      "api/proxy/file?path=a+b",
    );
  });

  it("put the target in the query for streams", () => {
    expect(streamUrl("api/proxy/", "http://127.0.0.1:4096", "event")).toBe(
      "api/proxy/event?target=http%3A%2F%2F127.0.0.1%3A4096",
    );
  });

  it("resolve websockets against the page under its prefix", () => {
    const page = "https://kubeflow.example/notebook/ns/nb/#/settings";
    expect(websocketUrl("api/proxy/pty/1/connect?target=x", page)).toBe(
      "wss://kubeflow.example/notebook/ns/nb/api/proxy/pty/1/connect?target=x",
    );
    expect(websocketUrl("api/proxy/x", "http://127.0.0.1:8888/")).toBe(
      "ws://127.0.0.1:8888/api/proxy/x",
    );
  });
});

describe("proxyFetch", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("never follows a server's redirect, and says where it pointed", async () => {
    const seen: RequestInit[] = [];
    vi.stubGlobal("fetch", (_url: string, init: RequestInit) => {
      seen.push(init);
      return Promise.resolve(
        new Response(null, {
          status: 307,
          headers: { "X-Proxy-Redirect-Location": "/notebook/ns/nb/api/credentials" },
        }),
      );
    });
    const failure = proxyFetch("api/proxy/", "http://s:4096", "session/x", { method: "DELETE" });
    await expect(failure).rejects.toThrow(/redirect \(HTTP 307\) to \/notebook\/ns\/nb\/api/);
    expect(seen[0]?.redirect).toBe("manual");
  });
});
