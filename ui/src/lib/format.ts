/** Small wordings shared by the views: times, token counts, costs, one-line texts. */

import type { Tokens } from "../api/types";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 min ago", "3 h ago", "yesterday", or a date. */
export function relativeTime(time: number, now: number = Date.now()): string {
  const age = now - time;
  if (age < MINUTE) return "just now";
  if (age < HOUR) return `${Math.floor(age / MINUTE)} min ago`;
  if (age < DAY) return `${Math.floor(age / HOUR)} h ago`;
  if (age < 2 * DAY) return "yesterday";
  return new Date(time).toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

/** 950 -> "950", 12_300 -> "12.3k", 2_500_000 -> "2.5M". */
export function compactNumber(value: number): string {
  if (value < 1000) return String(Math.round(value));
  if (value < 1_000_000) return `${trimZero((value / 1000).toFixed(1))}k`;
  return `${trimZero((value / 1_000_000).toFixed(1))}M`;
}

function trimZero(text: string): string {
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/** "1.2k in · 340 out" (with reasoning and cache reads when there are any); "" when all zero. */
export function tokenSummary(tokens: Tokens | undefined): string {
  if (!tokens) return "";
  const parts: string[] = [];
  if (tokens.input) parts.push(`${compactNumber(tokens.input)} in`);
  if (tokens.output) parts.push(`${compactNumber(tokens.output)} out`);
  if (tokens.reasoning) parts.push(`${compactNumber(tokens.reasoning)} reasoning`);
  if (tokens.cache?.read) parts.push(`${compactNumber(tokens.cache.read)} cached`);
  return parts.join(" · ");
}

/** "$0.0042"; "" for zero or unknown. */
export function costText(cost: number | undefined): string {
  if (!cost) return "";
  return cost < 0.01 ? `$${cost.toFixed(4)}` : `$${cost.toFixed(2)}`;
}

/** "850 ms", "4.2 s", "2 min 5 s". */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < MINUTE) return `${trimZero((ms / 1000).toFixed(1))} s`;
  const minutes = Math.floor(ms / MINUTE);
  const seconds = Math.round((ms % MINUTE) / 1000);
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

/** Collapse whitespace and cut to `max` characters. */
export function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
