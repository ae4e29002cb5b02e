/**
 * Parse a server address exactly as strictly as the proxy does (opencode_proxy/targets.py),
 * so the form can say why an address is refused before any request is made.
 * The proxy checks again; this copy exists only for a clear, early message.
 */

export interface Target {
  scheme: "http" | "https";
  /** Lower-cased host name, dotted quad, or compressed IPv6 (without brackets). */
  host: string;
  port: number;
  basePath: string;
  ip: "v4" | "v6" | null;
  /** Canonical form: scheme, host, port only when not the default, base path. */
  url: string;
  /** `host:port` with the port always present, IPv6 in brackets. */
  hostPort: string;
}

export type TargetResult = { ok: true; target: Target } | { ok: false; reason: string };

const MAX_LENGTH = 2048;
const DEFAULT_PORTS = { http: 80, https: 443 } as const;
const TARGET = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?$/;
const AUTHORITY = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/i;
const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const DOTTED_QUAD = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const PATH = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;
// Printable ASCII without space: what the proxy accepts in a target at all.
const PRINTABLE = /^[\x21-\x7e]*$/;

function refuse(reason: string): TargetResult {
  return { ok: false, reason };
}

/** Parse a normalized server URL; the reason says in plain words what is wrong. */
export function parseTarget(raw: string): TargetResult {
  if (raw.length > MAX_LENGTH)
    return refuse(`The address is longer than ${MAX_LENGTH} characters.`);
  if (!PRINTABLE.test(raw)) {
    return refuse("The address may contain only plain letters, digits and punctuation, no spaces.");
  }
  if (raw.includes("\\")) return refuse("The address must not contain a backslash.");
  const match = TARGET.exec(raw);
  if (!match) {
    return refuse("Enter a base URL like http://host:port, without a query (?) or fragment (#).");
  }
  const scheme = match[1]!.toLowerCase();
  if (scheme !== "http" && scheme !== "https") {
    return refuse("The address must start with http:// or https://.");
  }
  const authority = match[2]!;
  if (authority.includes("@")) {
    return refuse(
      "The address must not contain a user name or password: use the Username and Password fields.",
    );
  }
  const parts = AUTHORITY.exec(authority);
  if (!parts) return refuse("The host or port of the address is malformed.");
  let port: number = DEFAULT_PORTS[scheme];
  if (parts[3] !== undefined) {
    port = Number(parts[3]);
    if (port < 1 || port > 65535) return refuse("The port must be between 1 and 65535.");
  }
  let host: string;
  let ip: Target["ip"] = null;
  if (parts[1] !== undefined) {
    const compressed = compressIPv6(parts[1]);
    if (compressed === null) return refuse("The IPv6 address is malformed.");
    host = compressed;
    ip = "v6";
  } else {
    host = parts[2]!.toLowerCase();
    if (host.endsWith(".")) host = host.slice(0, -1);
    const labels = host.split(".");
    if (NUMERIC_LABEL.test(labels[labels.length - 1]!)) {
      if (!DOTTED_QUAD.test(host)) {
        return refuse(
          "The host looks like an IP address but is not a plain dotted quad (a.b.c.d).",
        );
      }
      ip = "v4";
    } else if (host.length > 253 || !labels.every((label) => LABEL.test(label))) {
      return refuse(
        "The host name may contain only letters, digits, '-' and '.' (use punycode for international names).",
      );
    }
  }
  const basePath = parseBasePath(match[3] ?? "");
  if (typeof basePath !== "string") return basePath;
  const bracketed = ip === "v6" ? `[${host}]` : host;
  const netloc = port === DEFAULT_PORTS[scheme] ? bracketed : `${bracketed}:${port}`;
  return {
    ok: true,
    target: {
      scheme,
      host,
      port,
      basePath,
      ip,
      url: `${scheme}://${netloc}${basePath}`,
      hostPort: `${bracketed}:${port}`,
    },
  };
}

function parseBasePath(path: string): string | TargetResult {
  if (!PATH.test(path))
    return refuse("The path of the address contains characters that must be escaped.");
  const segments = path.split("/").slice(1);
  if (segments.length > 0 && segments[segments.length - 1] === "") segments.pop();
  for (const segment of segments) {
    if (segment === "") return refuse("The path of the address must not contain '//'.");
    if (DOT_SEGMENT.test(segment)) return refuse("The path must not contain '.' or '..' segments.");
  }
  return segments.map((segment) => "/" + segment).join("");
}

/** The RFC 5952 form of an IPv6 address, or null when it is not one. */
export function compressIPv6(text: string): string | null {
  try {
    // The WHATWG URL parser validates IPv6 and serializes it in the RFC 5952 form,
    // the same form Python's ipaddress uses on the proxy's side.
    const hostname = new URL(`http://[${text}]/`).hostname;
    return hostname.slice(1, -1);
  } catch {
    return null;
  }
}
