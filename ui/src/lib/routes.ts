/** Matching hash-route paths against patterns such as `/settings/servers/edit/:url`. */

export type Params = Record<string, string>;

/** Match a path against a pattern; the decoded parameters, or null. */
export function matchPath(pattern: string, path: string): Params | null {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("?")[0]!.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i]!;
    const value = have[i]!;
    if (part.startsWith(":")) {
      try {
        params[part.slice(1)] = decodeURIComponent(value);
      } catch {
        return null;
      }
    } else if (part !== value) {
      return null;
    }
  }
  return params;
}

/**
 * A short, stable name for a server in addresses (`#/s/<id>/<session>`): FNV-1a (32 bit)
 * of its canonical URL in base 36, seven characters. Written here rather than taken from
 * a library because it is a dozen lines and must never change (bookmarks depend on it);
 * it is a name, not a secret, and the server list resolves it back to the URL.
 */
export function serverShortId(key: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36).padStart(7, "0");
}

/** Whether a route's server segment is a short id (a URL always has `:` or `/` or `.`). */
export function isShortServerId(segment: string): boolean {
  return /^[0-9a-z]{7}$/.test(segment);
}

/**
 * The server a route's segment names: by short id, else by URL (the old long addresses)
 * through `byUrl`; undefined when none of the listed servers matches.
 */
export function resolveServerSegment<T extends { key: string }>(
  segment: string,
  list: readonly T[],
  byUrl: (url: string) => T | undefined,
): T | undefined {
  if (isShortServerId(segment)) {
    const found = list.find((entry) => serverShortId(entry.key) === segment);
    if (found) return found;
  }
  return byUrl(segment);
}
