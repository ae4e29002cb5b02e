import { describe, expect, it } from "vitest";
import { checkAllowed, parsePattern, patternMatches } from "./allow";
import { parseTarget } from "./target";

function allowed(url: string, patterns: string[]): boolean {
  return checkAllowed(url, patterns).ok;
}

describe("allow patterns", () => {
  it.each([
    // A leading `*.` covers one or more whole labels.
    ["*.svc.cluster.local", "http://oc.team.svc.cluster.local:4096", true],
    ["*.svc.cluster.local", "http://a.b.team.svc.cluster.local", true],
    ["*.svc.cluster.local", "http://svc.cluster.local", false],
    ["*.svc.cluster.local", "http://evilsvc.cluster.local", false],
    ["*.svc.cluster.local", "http://x.svc.cluster.local.evil.example", false],
    ["*.svc.cluster.local", "http://OC.Team.SVC.cluster.local.:4096", true],
    // A `*` inside a label stays inside that label.
    ["sandbox-*.team.svc.cluster.local", "http://sandbox-7.team.svc.cluster.local", true],
    ["sandbox-*.team.svc.cluster.local", "http://sandbox-7.x.team.svc.cluster.local", false],
    ["sandbox.*.svc.cluster.local", "http://sandbox.team.svc.cluster.local", true],
    ["sandbox.*.svc.cluster.local", "http://sandbox.a.b.svc.cluster.local", false],
    // Ports: none or `*` means any; a number means exactly that one.
    ["host.example", "http://host.example:1234", true],
    ["host.example:*", "http://host.example:1234", true],
    ["host.example:4096", "http://host.example:4096", true],
    ["host.example:4096", "http://host.example:4097", false],
    ["host.example:80", "http://host.example", true],
    ["host.example:443", "https://host.example", true],
    ["HOST.example.:4096", "http://host.example:4096", true],
    // `*` alone: any name, never an address.
    ["*", "http://anything.example:1", true],
    ["*", "http://10.0.0.5:4096", false],
    ["*.svc.cluster.local", "http://10.0.0.5:4096", false],
    // Addresses only when named exactly.
    ["127.0.0.1:4096", "http://127.0.0.1:4096", true],
    ["127.0.0.1:4096", "http://127.0.0.1:4097", false],
    ["127.0.0.1", "http://127.0.0.1:9", true],
    ["[::1]:4096", "http://[::1]:4096", true],
    ["[0::1]:4096", "http://[::1]:4096", true],
    ["[::1]:4096", "http://127.0.0.1:4096", false],
    ["localhost:*", "http://localhost:4096", true],
    ["localhost:*", "http://127.0.0.1:4096", false],
  ])("pattern %j on %j: %s", (pattern, url, expected) => {
    expect(allowed(url, [pattern])).toBe(expected);
  });

  it("allows when any of several patterns covers the target", () => {
    const patterns = ["127.0.0.1:4096", "*.svc.cluster.local"];
    expect(allowed("http://127.0.0.1:4096", patterns)).toBe(true);
    expect(allowed("http://oc.ns.svc.cluster.local", patterns)).toBe(true);
    expect(allowed("http://127.0.0.1:4097", patterns)).toBe(false);
  });

  it("ignores malformed patterns", () => {
    expect(parsePattern("http://host")).toBeNull();
    expect(parsePattern("host:99999")).toBeNull();
    expect(parsePattern("ho_st")).toBeNull();
    expect(allowed("http://host", ["ho_st", "host"])).toBe(true);
  });

  it("matches with the pattern's parsed form", () => {
    const pattern = parsePattern("*.example");
    const target = parseTarget("http://a.example:1");
    expect(pattern).not.toBeNull();
    expect(target.ok).toBe(true);
    if (pattern && target.ok) expect(patternMatches(pattern, target.target)).toBe(true);
  });
});

describe("checkAllowed reasons", () => {
  it("says why a malformed address is refused", () => {
    const verdict = checkAllowed("http://user@host", ["*"]);
    expect(verdict).toMatchObject({ ok: false, kind: "malformed" });
  });

  it("names the allowed patterns", () => {
    const verdict = checkAllowed("http://evil.example:4096", ["*.svc.cluster.local"]);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.kind).toBe("policy");
      expect(verdict.reason).toContain("evil.example:4096");
      expect(verdict.reason).toContain("*.svc.cluster.local");
    }
  });

  it("explains a wrong port", () => {
    const verdict = checkAllowed("http://127.0.0.1:5000", ["127.0.0.1:4096"]);
    expect(!verdict.ok && verdict.reason).toMatch(/only on port 4096, not 5000/);
  });

  it("explains that wildcards never cover addresses", () => {
    const verdict = checkAllowed("http://10.1.2.3:4096", ["*.svc.cluster.local"]);
    expect(!verdict.ok && verdict.reason).toMatch(/IP address/);
  });

  it("says so when nothing is allowed", () => {
    const verdict = checkAllowed("http://host", []);
    expect(!verdict.ok && verdict.reason).toMatch(/allows no servers/);
  });
});
