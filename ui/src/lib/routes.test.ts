import { describe, expect, it } from "vitest";
import { matchPath } from "./routes";

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
