/**
 * Fuzzy ranking for the command palette and the file search: fuzzysort (Sublime-like
 * scoring, any-order-preserving subsequence match) ranks the items and tells which
 * characters matched; `segments` turns those into plain text runs, marked or not, for a
 * view to render as text nodes (never HTML: names come from the server).
 */

import fuzzysort from "fuzzysort";

export interface Ranked<T> {
  item: T;
  /** 1 is an exact match, towards 0 a weaker one; 0 for everything when the query is empty. */
  score: number;
  /** Indexes (UTF-16) of the matched characters in the item's text, ascending. */
  indexes: readonly number[];
}

export interface RankOptions {
  /** At most this many results (all when absent or 0). */
  limit?: number | undefined;
}

/**
 * The items whose text matches `query`, best first (ties keep the given order). An empty
 * or blank query matches everything, in the given order, with nothing marked.
 */
export function rank<T>(
  query: string,
  items: readonly T[],
  text: (item: T) => string,
  options: RankOptions = {},
): Ranked<T>[] {
  const limit = options.limit && options.limit > 0 ? options.limit : undefined;
  const needle = query.trim();
  if (needle === "") {
    const all = items.map((item) => ({ item, score: 0, indexes: [] as number[] }));
    return limit === undefined ? all : all.slice(0, limit);
  }
  const order = new Map<T, number>();
  items.forEach((item, index) => {
    if (!order.has(item)) order.set(item, index);
  });
  const results = fuzzysort.go(needle, items, {
    key: (item: T) => text(item),
    threshold: 0,
    limit: 0,
  });
  const ranked = results.map((result) => ({
    item: result.obj,
    score: result.score,
    indexes: [...result.indexes].sort((a, b) => a - b),
  }));
  // fuzzysort's order is by score; make equal scores stable in the given order.
  ranked.sort((a, b) => b.score - a.score || (order.get(a.item) ?? 0) - (order.get(b.item) ?? 0));
  return limit === undefined ? ranked : ranked.slice(0, limit);
}

/**
 * Every item, those matching `query` first (ranked, marked), then the rest in the given
 * order: for answers a server already chose (its search may match where this one
 * does not), so none is lost.
 */
export function rankAll<T>(
  query: string,
  items: readonly T[],
  text: (item: T) => string,
): Ranked<T>[] {
  const ranked = rank(query, items, text);
  const found = new Set(ranked.map((result) => result.item));
  const rest = items
    .filter((item) => !found.has(item))
    .map((item) => ({ item, score: 0, indexes: [] as number[] }));
  return [...ranked, ...rest];
}

/** Where `query` matches one text, or null when it does not. */
export function match(query: string, text: string): Omit<Ranked<string>, "item"> | null {
  const needle = query.trim();
  if (needle === "") return { score: 0, indexes: [] };
  const result = fuzzysort.single(needle, text);
  if (!result) return null;
  return { score: result.score, indexes: [...result.indexes].sort((a, b) => a - b) };
}

export interface Segment {
  text: string;
  marked: boolean;
}

/**
 * `text` cut into runs at the matched characters: consecutive matches form one marked run.
 * Indexes outside the text are ignored. Joining the runs gives `text` back.
 */
export function segments(text: string, indexes: readonly number[], offset = 0): Segment[] {
  const marked = new Set<number>();
  for (const index of indexes) {
    const at = index - offset;
    if (at >= 0 && at < text.length) marked.add(at);
  }
  if (marked.size === 0) return text === "" ? [] : [{ text, marked: false }];
  const runs: Segment[] = [];
  let start = 0;
  for (let at = 1; at <= text.length; at++) {
    if (at === text.length || marked.has(at) !== marked.has(start)) {
      runs.push({ text: text.slice(start, at), marked: marked.has(start) });
      start = at;
    }
  }
  return runs;
}
