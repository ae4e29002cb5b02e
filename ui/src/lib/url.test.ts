import { describe, expect, it } from "vitest";
import targetKeys from "../../../tests/target-keys.json?raw";
import { displayUrl, normalizeServerUrl, serverKey } from "./url";

describe("normalizeServerUrl", () => {
  it.each([
    ["http://127.0.0.1:4096", "http://127.0.0.1:4096"],
    ["  http://127.0.0.1:4096  ", "http://127.0.0.1:4096"],
    ["127.0.0.1:4096", "http://127.0.0.1:4096"],
    ["sandbox.ns.svc.cluster.local:4096", "http://sandbox.ns.svc.cluster.local:4096"],
    ["localhost", "http://localhost"],
    ["http://host:4096/", "http://host:4096"],
    ["http://host:4096///", "http://host:4096"],
    ["https://host/base/", "https://host/base"],
    ["HTTPS://Host:443", "https://Host:443"],
    ["", ""],
    ["   ", ""],
  ])("normalizes %j to %j", (input, expected) => {
    expect(normalizeServerUrl(input)).toBe(expected);
  });

  it("keeps another scheme, for the policy check to refuse with a reason", () => {
    expect(normalizeServerUrl("ftp://host")).toBe("ftp://host");
  });
});

describe("displayUrl", () => {
  it("drops the scheme", () => {
    expect(displayUrl("http://127.0.0.1:4096")).toBe("127.0.0.1:4096");
    expect(displayUrl("https://host/base")).toBe("host/base");
  });
});

describe("serverKey", () => {
  // One table with the proxy's tests: the key is the proxy's canonical form of the target.
  const table = JSON.parse(targetKeys) as { cases: [string, string][] };

  it.each(table.cases)("keys %j as %j, as the proxy does", (url, key) => {
    expect(serverKey(url)).toBe(key);
  });

  it("keys what the user typed the same way once normalized", () => {
    expect(serverKey("  Sandbox.ns.svc.cluster.local:4096/ ")).toBe(
      "http://sandbox.ns.svc.cluster.local:4096",
    );
  });
});
