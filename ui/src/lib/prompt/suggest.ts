/**
 * What the prompt box's suggestion list offers: after an `@`, the sub-agents whose name
 * matches and the files, directories and symbols the server found (`GET /find/file`,
 * `GET /find/symbol`); after a `/` at the start, the slash commands. Names are matched
 * with fuzzysort (as the file palette does); the server ranks its own file matches.
 */

import fuzzysort from "fuzzysort";
import type { SlashCommand } from "./commands";
import type { LineRange, Mention } from "./parts";

export type Suggestion =
  | { kind: "agent"; id: string; name: string; description: string }
  | { kind: "file" | "directory"; id: string; path: string }
  | {
      kind: "symbol";
      id: string;
      name: string;
      /** Relative to the project. */
      path: string;
      range: LineRange;
      symbolKind: number;
    }
  | { kind: "command"; id: string; command: SlashCommand };

/** The agents the server lists (the fields used here). */
export interface AgentLike {
  name: string;
  mode: string;
  hidden?: boolean;
  description?: string;
}

/** `GET /find/symbol` items (the fields used here). */
export interface SymbolLike {
  name: string;
  kind: number;
  location: { uri: string; range: LineRange };
}

/** At most this many files and symbols in the list. */
export const FILE_LIMIT = 30;
export const SYMBOL_LIMIT = 10;

/** Agents that can be mentioned: sub-agents (and agents for both roles), not hidden ones. */
export function mentionableAgents<T extends AgentLike>(agents: readonly T[]): T[] {
  return agents.filter((agent) => agent.mode !== "primary" && !agent.hidden);
}

function byName<T>(query: string, items: readonly T[], name: (item: T) => string): T[] {
  if (query === "") return [...items];
  return fuzzysort
    .go(query, items, { key: (item: T) => name(item), limit: 0, threshold: 0 })
    .map((result) => result.obj);
}

/** A `file://` URI as a path relative to the project (absolute when outside it). */
export function symbolPath(uri: string, directory: string | undefined): string {
  let path = uri;
  if (uri.startsWith("file://")) {
    try {
      path = decodeURIComponent(new URL(uri).pathname);
    } catch {
      path = uri.slice("file://".length);
    }
  }
  const root = directory?.replace(/\/+$/, "");
  if (root && path.startsWith(`${root}/`)) return path.slice(root.length + 1);
  return path;
}

/** The mention list: matching agents first, then the server's files, then symbols. */
export function mentionSuggestions(
  query: string,
  sources: {
    agents: readonly AgentLike[];
    files: readonly string[];
    symbols: readonly SymbolLike[];
    directory?: string | undefined;
  },
): Suggestion[] {
  const agents = byName(query, mentionableAgents(sources.agents), (agent) => agent.name).map(
    (agent): Suggestion => ({
      kind: "agent",
      id: `agent:${agent.name}`,
      name: agent.name,
      description: agent.description?.trim() ?? "",
    }),
  );
  const seen = new Set<string>();
  const files: Suggestion[] = [];
  for (const path of sources.files) {
    // The project's root comes back as "/" for an empty query: nothing to mention.
    if (path === "" || path === "/" || path === "./" || seen.has(path)) continue;
    seen.add(path);
    const directory = path.endsWith("/");
    files.push({ kind: directory ? "directory" : "file", id: `file:${path}`, path });
    if (files.length >= FILE_LIMIT) break;
  }
  const symbols = sources.symbols.slice(0, SYMBOL_LIMIT).map((symbol, index): Suggestion => {
    const path = symbolPath(symbol.location.uri, sources.directory);
    return {
      kind: "symbol",
      id: `symbol:${index}:${path}:${symbol.name}`,
      name: symbol.name,
      path,
      range: symbol.location.range,
      symbolKind: symbol.kind,
    };
  });
  return [...agents, ...files, ...symbols];
}

/** The command list filtered by what follows the `/`. */
export function commandSuggestions(query: string, commands: readonly SlashCommand[]): Suggestion[] {
  return byName(query, commands, (command) => command.name).map((command) => ({
    kind: "command",
    id: `command:${command.name}`,
    command,
  }));
}

/** What a chosen mention suggestion puts into the prompt. */
export function mentionOf(suggestion: Suggestion): Mention | null {
  switch (suggestion.kind) {
    case "agent":
      return { kind: "agent", value: suggestion.name };
    case "file":
    case "directory":
      return { kind: suggestion.kind, value: suggestion.path };
    case "symbol":
      return {
        kind: "symbol",
        value: suggestion.name,
        symbol: { path: suggestion.path, range: suggestion.range, kind: suggestion.symbolKind },
      };
    default:
      return null;
  }
}

const SYMBOL_KINDS = [
  "",
  "file",
  "module",
  "namespace",
  "package",
  "class",
  "method",
  "property",
  "field",
  "constructor",
  "enum",
  "interface",
  "function",
  "variable",
  "constant",
  "string",
  "number",
  "boolean",
  "array",
  "object",
  "key",
  "null",
  "enum member",
  "struct",
  "event",
  "operator",
  "type parameter",
];

/** An LSP SymbolKind in words ("function", "class"); "symbol" when unknown. */
export function symbolKindName(kind: number): string {
  return SYMBOL_KINDS[kind] || "symbol";
}
