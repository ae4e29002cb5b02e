/**
 * The session list's order and grouping: sessions matching a title search, newest first,
 * in groups by the day they last changed ("Today", "Yesterday", then dates), by local
 * calendar days.
 */

import { displayTitle } from "./session-title";

export interface Dated {
  id: string;
  title: string;
  time: { created: number; updated: number; archived?: number };
}

export interface DayGroup<T> {
  /** Stable for the day: `YYYY-MM-DD`, local. */
  key: string;
  label: string;
  items: T[];
}

function startOfDay(time: number): number {
  const date = new Date(time);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

function dayKey(time: number): string {
  const date = new Date(time);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "Today", "Yesterday", "Mon 30 Nov" (this year) or "30 Nov 2025". */
export function dayLabel(time: number, now: number = Date.now()): string {
  const today = startOfDay(now);
  const day = startOfDay(time);
  if (day === today) return "Today";
  // Calendar days, not 24 h: the day before today's midnight (DST-proof via the date).
  const yesterday = new Date(today);
  yesterday.setDate(yesterday.getDate() - 1);
  if (day === yesterday.getTime()) return "Yesterday";
  const date = new Date(time);
  const month = date.toLocaleDateString("en-GB", { month: "short" });
  if (date.getFullYear() === new Date(now).getFullYear()) {
    const weekday = date.toLocaleDateString("en-GB", { weekday: "short" });
    return `${weekday} ${date.getDate()} ${month}`;
  }
  return `${date.getDate()} ${month} ${date.getFullYear()}`;
}

/** Newest first by last change; ties by ID, newest first (IDs grow with time). */
export function newestFirst(a: Dated, b: Dated): number {
  return b.time.updated - a.time.updated || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

/** Sessions whose shown title holds every word of the query (any case, any accents). */
export function filterByTitle<T extends Dated>(sessions: readonly T[], query: string): T[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...sessions];
  return sessions.filter((session) => {
    const title = fold(displayTitle(session));
    return words.every((word) => title.includes(word));
  });
}

/** Sessions newest first, grouped by the local day they last changed. */
export function groupByDay<T extends Dated>(
  sessions: readonly T[],
  now: number = Date.now(),
): DayGroup<T>[] {
  const groups: DayGroup<T>[] = [];
  const byKey = new Map<string, DayGroup<T>>();
  for (const session of [...sessions].sort(newestFirst)) {
    const key = dayKey(session.time.updated);
    let group = byKey.get(key);
    if (!group) {
      group = { key, label: dayLabel(session.time.updated, now), items: [] };
      byKey.set(key, group);
      groups.push(group);
    }
    group.items.push(session);
  }
  return groups;
}
