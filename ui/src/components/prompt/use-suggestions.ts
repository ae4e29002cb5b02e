/**
 * The suggestion list's content for the trigger at the caret: for `@`, the sub-agents
 * and what the server finds for the query (`GET /find/file`, and `GET /find/symbol`,
 * which answers nothing without a language server), asked once typing pauses with only
 * the newest answer kept (`lib/prompt/latest.ts`); for `/`, the commands.
 */

import {
  createEffect,
  createMemo,
  createSignal,
  onCleanup,
  untrack,
  type Accessor,
} from "solid-js";
import type { SymbolInfo } from "../../api/types";
import { usePromptData } from "../../context/prompt";
import { latestLookup } from "../../lib/prompt/latest";
import { commandSuggestions, mentionSuggestions, type Suggestion } from "../../lib/prompt/suggest";
import type { Trigger } from "../../lib/prompt/trigger";

const DELAY_MS = 120;

interface Found {
  query: string;
  files: string[];
  symbols: SymbolInfo[];
}

export function createSuggestions(trigger: Accessor<Trigger | null>): {
  items: Accessor<Suggestion[]>;
  loading: Accessor<boolean>;
} {
  const data = usePromptData();
  const [found, setFound] = createSignal<Found>({ query: "\u0000", files: [], symbols: [] });
  const [asked, setAsked] = createSignal<string | null>(null);

  const lookup = latestLookup(
    async (query: string, signal: AbortSignal): Promise<Found> => {
      const [files, symbols] = await Promise.all([
        data.findFiles(query, signal).catch(() => [] as string[]),
        // Symbols need something to look for; a server without an LSP answers [].
        query.length > 0
          ? data.findSymbols(query, signal).catch(() => [] as SymbolInfo[])
          : Promise.resolve([] as SymbolInfo[]),
      ]);
      return {
        query,
        files: Array.isArray(files) ? files.filter((f) => typeof f === "string") : [],
        symbols: Array.isArray(symbols) ? symbols.filter(validSymbol) : [],
      };
    },
    (_query, result) => setFound(result),
    { delayMs: DELAY_MS },
  );
  onCleanup(() => lookup.cancel());

  const mentionQuery = createMemo(() => {
    const current = trigger();
    return current?.kind === "mention" ? current.query : null;
  });
  createEffect(() => {
    const query = mentionQuery();
    setAsked(query);
    if (query === null) lookup.cancel();
    else if (query !== untrack(found).query) lookup.ask(query);
  });

  const items = createMemo<Suggestion[]>(() => {
    const current = trigger();
    if (!current) return [];
    if (current.kind === "command") return commandSuggestions(current.query, data.commands());
    const result = found();
    return mentionSuggestions(current.query, {
      agents: data.agents(),
      files: result.files,
      symbols: result.symbols,
      directory: data.directory(),
    });
  });
  const loading = () => {
    const query = asked();
    return query !== null && found().query !== query;
  };
  return { items, loading };
}

function validSymbol(value: unknown): value is SymbolInfo {
  const symbol = value as SymbolInfo;
  return (
    typeof symbol?.name === "string" &&
    typeof symbol.kind === "number" &&
    typeof symbol.location?.uri === "string" &&
    typeof symbol.location.range?.start?.line === "number" &&
    typeof symbol.location.range.end?.line === "number"
  );
}
