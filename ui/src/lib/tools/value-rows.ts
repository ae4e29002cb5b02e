/** Tidy key/value rows for a tool the UI does not know, instead of a JSON dump. */

import { type Bag, isBag, plural } from "./values";

export type ValueRow =
  | { key: string; kind: "text"; text: string }
  | { key: string; kind: "block"; text: string }
  | { key: string; kind: "group"; rows: ValueRow[] };

/** Strings up to this long, on one line, sit beside their key; longer ones get a block. */
const INLINE_MAX = 80;
const MAX_DEPTH = 5;
const MAX_ROWS = 200;

/** "filePath" → "File path", "subagent_type" → "Subagent type". */
export function keyLabel(key: string): string {
  const words = key
    .replace(/[_-]+/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .trim()
    .toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}

function scalarText(value: unknown): string | undefined {
  if (value === null || value === undefined) return "none";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  return undefined;
}

function rowFor(key: string, value: unknown, depth: number): ValueRow {
  const scalar = scalarText(value);
  if (scalar !== undefined) {
    const inline = scalar.length <= INLINE_MAX && !scalar.includes("\n");
    return { key, kind: inline ? "text" : "block", text: scalar === "" ? "(empty)" : scalar };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return { key, kind: "text", text: "(none)" };
    const texts = value.map(scalarText);
    if (texts.every((t): t is string => t !== undefined)) {
      const joined = texts.join(", ");
      if (joined.length <= INLINE_MAX && !joined.includes("\n")) {
        return { key, kind: "text", text: joined };
      }
    }
    if (depth >= MAX_DEPTH) return { key, kind: "text", text: plural(value.length, "item") };
    return {
      key,
      kind: "group",
      rows: value.slice(0, MAX_ROWS).map((item, index) => rowFor(`${index + 1}`, item, depth + 1)),
    };
  }
  if (isBag(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return { key, kind: "text", text: "(empty)" };
    if (depth >= MAX_DEPTH) return { key, kind: "text", text: plural(entries.length, "field") };
    return { key, kind: "group", rows: valueRows(value, depth + 1) };
  }
  return { key, kind: "text", text: String(value) };
}

/**
 * Any value as labelled rows: short text inline, long text in a block, lists and
 * objects as indented groups; never JSON.
 */
export function valueRows(value: Bag, depth = 0): ValueRow[] {
  return Object.entries(value)
    .slice(0, MAX_ROWS)
    .map(([key, item]) => rowFor(keyLabel(key), item, depth));
}
