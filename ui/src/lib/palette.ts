/**
 * What the command palette lists for a query: its sources (commands, sessions, files)
 * each fuzzy ranked on its own (`lib/fuzzy.ts`), cut to a few, in groups with headings,
 * empty groups left out; and moving the choice through all of them with Up/Down.
 */

import { rank, type Ranked } from "./fuzzy";

export interface PaletteSource<T> {
  heading: string;
  items: readonly T[];
  /** The text matched and marked. */
  text: (item: T) => string;
  /** At most this many when there is a query… */
  limit: number;
  /** …and when there is none (0 leaves the group out until something is typed). */
  idleLimit: number;
}

export interface PaletteGroup<T> {
  heading: string;
  results: Ranked<T>[];
}

export function paletteGroups<T>(
  query: string,
  sources: readonly PaletteSource<T>[],
): PaletteGroup<T>[] {
  const idle = query.trim() === "";
  const groups: PaletteGroup<T>[] = [];
  for (const source of sources) {
    const limit = idle ? source.idleLimit : source.limit;
    if (limit <= 0) continue;
    const results = rank(query, source.items, source.text, { limit });
    if (results.length > 0) groups.push({ heading: source.heading, results });
  }
  return groups;
}

/** The results of all groups in order, for moving through them as one list. */
export function flatResults<T>(groups: readonly PaletteGroup<T>[]): Ranked<T>[] {
  return groups.flatMap((group) => group.results);
}

/** The index after a key: Up and Down wrap, Home and End go to the ends; -1 when empty. */
export function moveIndex(current: number, count: number, key: string): number {
  if (count <= 0) return -1;
  const at = Math.min(Math.max(current, 0), count - 1);
  switch (key) {
    case "ArrowDown":
      return (at + 1) % count;
    case "ArrowUp":
      return (at - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    case "PageDown":
      return Math.min(at + 8, count - 1);
    case "PageUp":
      return Math.max(at - 8, 0);
    default:
      return at;
  }
}

/** A path as "folder/" and "name", for showing the name apart. */
export function splitPath(path: string): { folder: string; name: string } {
  const at = path.replace(/\/+$/, "").lastIndexOf("/");
  return at < 0
    ? { folder: "", name: path }
    : { folder: path.slice(0, at + 1), name: path.slice(at + 1) };
}
