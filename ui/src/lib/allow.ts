/**
 * The proxy's allow patterns, mirrored from opencode_proxy/allowlist.py.
 *
 * A pattern is a host glob with an optional port: a leading `*.` stands for one or more
 * whole labels, a `*` inside a label matches within that label, no port (or `:*`) means
 * any port, `*` alone is any name. IP literals are never matched by a wildcard: an
 * address is allowed only when a pattern names it exactly.
 */

import { compressIPv6, parseTarget, type Target } from "./target";

export interface HostPattern {
  text: string;
  port: number | null;
  ip: string | null;
  exact: string | null;
  glob: RegExp | null;
}

const PATTERN = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9*.-]+))(?::(\d{1,5}|\*))?$/;
const GLOB_LABEL = /^[a-z0-9*](?:[a-z0-9*-]*[a-z0-9*])?$/;
const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const DOTTED_QUAD = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compileGlob(host: string): RegExp {
  if (host === "*") return /^.+$/;
  const parts = host.split(".").map((label, index) => {
    if (label === "*" && index === 0) return "(?:[a-z0-9-]+\\.)*[a-z0-9-]+";
    return label.split("*").map(escapeRegExp).join("[a-z0-9-]*");
  });
  return new RegExp("^" + parts.join("\\.") + "$");
}

/** Parse one pattern; null when it is malformed (the proxy would not have started). */
export function parsePattern(text: string): HostPattern | null {
  const match = PATTERN.exec(text.trim());
  if (!match) return null;
  const port = match[3] === undefined || match[3] === "*" ? null : Number(match[3]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  const base = { text, port, ip: null, exact: null, glob: null };
  if (match[1] !== undefined) {
    const ip = compressIPv6(match[1]);
    return ip === null ? null : { ...base, ip };
  }
  let host = match[2]!.toLowerCase();
  while (host.endsWith(".")) host = host.slice(0, -1);
  if (DOTTED_QUAD.test(host)) return { ...base, ip: host };
  if (!host.split(".").every((label) => GLOB_LABEL.test(label))) return null;
  if (!host.includes("*")) return { ...base, exact: host };
  return { ...base, glob: compileGlob(host) };
}

function hostMatches(pattern: HostPattern, target: Target): boolean {
  if (target.ip !== null) return pattern.ip !== null && pattern.ip === target.host;
  if (pattern.exact !== null) return pattern.exact === target.host;
  return pattern.glob !== null && pattern.glob.test(target.host);
}

/** Whether the pattern covers the target's host and port. */
export function patternMatches(pattern: HostPattern, target: Target): boolean {
  if (pattern.port !== null && pattern.port !== target.port) return false;
  return hostMatches(pattern, target);
}

export type AllowVerdict =
  { ok: true; target: Target } | { ok: false; kind: "malformed" | "policy"; reason: string };

/** Judge a normalized server URL against the allow patterns, with the reason when refused. */
export function checkAllowed(url: string, patternTexts: readonly string[]): AllowVerdict {
  const parsed = parseTarget(url);
  if (!parsed.ok) return { ok: false, kind: "malformed", reason: parsed.reason };
  const target = parsed.target;
  const patterns = patternTexts
    .map(parsePattern)
    .filter((pattern): pattern is HostPattern => pattern !== null);
  if (patterns.some((pattern) => patternMatches(pattern, target))) return { ok: true, target };
  return { ok: false, kind: "policy", reason: explainRefusal(target, patterns, patternTexts) };
}

function explainRefusal(
  target: Target,
  patterns: readonly HostPattern[],
  texts: readonly string[],
): string {
  if (texts.length === 0) return "This notebook's policy allows no servers at all.";
  const allowed = `Allowed: ${texts.join(", ")}.`;
  const ports = patterns
    .filter((pattern) => pattern.port !== null && hostMatches(pattern, target))
    .map((pattern) => pattern.port);
  if (ports.length > 0) {
    const list = [...new Set(ports)].join(", ");
    return `${target.host} is allowed only on port ${list}, not ${target.port}. ${allowed}`;
  }
  if (target.ip !== null && patterns.some((pattern) => pattern.glob !== null)) {
    return (
      `${target.hostPort} is an IP address; wildcard patterns never cover addresses, ` +
      `only a pattern naming it exactly does. Use the server's DNS name. ${allowed}`
    );
  }
  return `${target.hostPort} is not covered by the allowed servers. ${allowed}`;
}
