import { describe, expect, it } from "vitest";
import { parseTarget } from "./target";

describe("parseTarget", () => {
  it.each([
    ["http://127.0.0.1:4096", "http://127.0.0.1:4096", "127.0.0.1:4096"],
    [
      "http://Sandbox.NS.svc.cluster.local.:4096",
      "http://sandbox.ns.svc.cluster.local:4096",
      "sandbox.ns.svc.cluster.local:4096",
    ],
    ["http://host:80", "http://host", "host:80"],
    ["https://host:443/base/", "https://host/base", "host:443"],
    ["http://[::1]:4096", "http://[::1]:4096", "[::1]:4096"],
    ["http://[0:0:0:0:0:0:0:1]", "http://[::1]", "[::1]:80"],
  ])("accepts %j as %j", (raw, url, hostPort) => {
    const result = parseTarget(raw);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.target.url).toBe(url);
      expect(result.target.hostPort).toBe(hostPort);
    }
  });

  it.each([
    ["ftp://host", /http:\/\/ or https:\/\//],
    ["http://user:pw@host", /user name or password/],
    ["http://allowed@evil", /user name or password/],
    ["http://evil\\@allowed", /backslash/],
    ["http://host:4096?x=1", /query/],
    ["http://host#frag", /fragment/],
    ["http://host:70000", /port/],
    ["http://2130706433", /dotted quad/],
    ["http://0177.0.0.1", /dotted quad/],
    ["http://0x7f.0.0.1", /dotted quad/],
    ["http://host_name", /letters, digits/],
    ["http://bücher.example", /plain letters/],
    ["http://host name", /plain letters/],
    ["http://[1::2::3]", /IPv6/],
    ["http://host/a//b", /'\/\/'/],
    ["http://host/a/../b", /'\.\.'/],
    ["http://host/%2e%2e", /'\.\.'/],
    ["not a url", /plain letters/],
    ["host:4096", /base URL/],
  ])("refuses %j with a reason", (raw, reason) => {
    const result = parseTarget(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
