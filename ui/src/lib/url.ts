/**
 * Server URLs as users type them and as the app keys them.
 *
 * Normalization follows upstream OpenCode's server picker (trim, add `http://` when no
 * scheme is given, drop trailing slashes) so the same text names the same server in both.
 */

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** Normalize a server URL the way upstream OpenCode does; "" for blank input. */
export function normalizeServerUrl(input: string): string {
  const trimmed = input.trim();
  if (trimmed === "") return "";
  const scheme = SCHEME.exec(trimmed);
  const withScheme = scheme
    ? scheme[1]!.toLowerCase() + trimmed.slice(scheme[1]!.length)
    : `http://${trimmed}`;
  return withScheme.replace(/\/+$/, "");
}

/** The URL without its scheme, as shown when a server has no name. */
export function displayUrl(url: string): string {
  return url.replace(SCHEME, "");
}

/**
 * The key a server is listed and compared under: its URL as the WHATWG URL parser writes
 * it (lower-case host, no trailing dot, no default port, no trailing slash). For every
 * address the proxy allows this is the proxy's own canonical form of the target (the
 * table in tests/target-keys.json is checked against both); the proxy alone judges
 * whether an address is allowed (`api/check`).
 */
export function serverKey(url: string): string {
  const normalized = normalizeServerUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(normalized);
  } catch {
    return normalized;
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) return normalized;
  const host = parsed.host.replace(/\.(?=:|$)/, "");
  return `${parsed.protocol}//${host}${parsed.pathname.replace(/\/+$/, "")}`;
}
