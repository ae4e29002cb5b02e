import { describe, expect, it } from "vitest";
import { isShortServerId, matchPath, resolveServerSegment, serverShortId } from "./routes";

describe("matchPath", () => {
  it("matches fixed paths exactly", () => {
    expect(matchPath("/", "/")).toEqual({});
    expect(matchPath("/settings/servers", "/settings/servers")).toEqual({});
    expect(matchPath("/settings/servers", "/settings/servers/")).toEqual({});
    expect(matchPath("/settings/servers", "/settings")).toBeNull();
    expect(matchPath("/settings", "/settings/servers")).toBeNull();
  });

  it("decodes parameters", () => {
    const url = "http://127.0.0.1:4096/base";
    expect(
      matchPath("/settings/servers/edit/:url", `/settings/servers/edit/${encodeURIComponent(url)}`),
    ).toEqual({ url });
  });

  it("refuses a malformed escape", () => {
    expect(matchPath("/edit/:url", "/edit/%E0%A4%A")).toBeNull();
  });
});

describe("serverShortId", () => {
  it("is short, stable and differs between servers", () => {
    const a = serverShortId("http://127.0.0.1:4096");
    expect(a).toMatch(/^[0-9a-z]{7}$/);
    expect(serverShortId("http://127.0.0.1:4096")).toBe(a);
    expect(serverShortId("http://127.0.0.1:4097")).not.toBe(a);
    expect(serverShortId("")).toMatch(/^[0-9a-z]{7}$/);
    // Pinned: addresses in bookmarks depend on it never changing.
    expect(serverShortId("http://127.0.0.1:4096")).toBe(a);
    expect(serverShortId("a")).toBe((0xe40c292c).toString(36).padStart(7, "0"));
  });

  it("tells short ids from URLs", () => {
    expect(isShortServerId(serverShortId("http://x:1"))).toBe(true);
    expect(isShortServerId("http://127.0.0.1:4096")).toBe(false);
    expect(isShortServerId("abc")).toBe(false);
  });
});

describe("resolveServerSegment", () => {
  const list = [{ key: "http://127.0.0.1:4096" }, { key: "https://box.example" }];
  const byUrl = (url: string) => list.find((entry) => entry.key === url);

  it("resolves a short id through the list", () => {
    expect(resolveServerSegment(serverShortId("https://box.example"), list, byUrl)).toBe(list[1]);
  });

  it("still resolves a whole URL (old addresses)", () => {
    expect(resolveServerSegment("http://127.0.0.1:4096", list, byUrl)).toBe(list[0]);
  });

  it("is undefined for a server not in the list", () => {
    expect(resolveServerSegment(serverShortId("http://other:1"), list, byUrl)).toBeUndefined();
    expect(resolveServerSegment("http://nowhere.example:4096", list, byUrl)).toBeUndefined();
  });
});
