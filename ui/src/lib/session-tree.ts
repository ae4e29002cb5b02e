/**
 * Sessions as a tree: a sub-agent's session names its parent (`parentID`), which may be
 * a sub-agent's session too. What a sub-agent waits for (a permission, an answer) is
 * shown in every session above it, so the user can answer it where they are.
 */

/** How far up a chain of parents is followed; deeper (or a loop) stops there. */
export const MAX_HOPS = 32;

/**
 * The sessions above `id`, nearest first: its parent, the parent's parent, and so on.
 * A parent the list does not know still counts (its own parent is then unknown); a loop
 * stops before it repeats.
 */
export function ancestors(id: string, parentOf: (id: string) => string | undefined): string[] {
  const found: string[] = [];
  const seen = new Set([id]);
  let current = parentOf(id);
  while (current && !seen.has(current) && found.length < MAX_HOPS) {
    found.push(current);
    seen.add(current);
    current = parentOf(current);
  }
  return found;
}

/** The session at the top of `id`'s tree (`id` itself when it has no parent). */
export function rootOf(id: string, parentOf: (id: string) => string | undefined): string {
  const above = ancestors(id, parentOf);
  return above[above.length - 1] ?? id;
}

/**
 * The requests each session should show: its own and its sub-agents' (any depth), in
 * the order given. A request without a session is left out.
 */
export function requestsByTree<T extends { sessionID: string }>(
  requests: Iterable<T>,
  parentOf: (id: string) => string | undefined,
): Map<string, T[]> {
  const bySession = new Map<string, T[]>();
  for (const request of requests) {
    if (typeof request.sessionID !== "string" || request.sessionID === "") continue;
    for (const id of [request.sessionID, ...ancestors(request.sessionID, parentOf)]) {
      const list = bySession.get(id);
      if (list) list.push(request);
      else bySession.set(id, [request]);
    }
  }
  return bySession;
}
