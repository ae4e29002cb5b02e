/**
 * "Search files": a search box over the project's files. What is typed goes to the
 * server's file search (`GET /find/file`, debounced), whose answers are ranked again here
 * (`lib/fuzzy.ts`) to mark the matched characters; Up/Down choose, Enter opens in the
 * viewer, Escape clears. While a query is typed, the results stand in for the tree.
 */

import { createEffect, createSignal, For, on, onCleanup, Show, type JSX } from "solid-js";
import { problemOf } from "../../api/problems";
import { useFiles } from "../../context/files";
import { rankAll, type Ranked } from "../../lib/fuzzy";
import { moveIndex, splitPath } from "../../lib/palette";
import { SearchIcon } from "../icons";
import { Highlighted } from "./highlighted";
import { pointerMoved } from "../../lib/pointer";

const DEBOUNCE_MS = 150;
const SHOWN = 50;

/** The server's answers, ranked and marked here, at most SHOWN of them. */
export function rankPaths(query: string, paths: readonly string[]): Ranked<string>[] {
  return rankAll(query, paths, (path) => path).slice(0, SHOWN);
}

/** A path with its folder muted and the matched characters marked. */
export function MatchedPath(props: { result: Ranked<string> }): JSX.Element {
  const parts = () => splitPath(props.result.item);
  return (
    <span class="matched-path mono">
      <span class="matched-name">
        <Highlighted
          text={parts().name}
          indexes={props.result.indexes}
          offset={parts().folder.length}
        />
      </span>
      <Show when={parts().folder}>
        <span class="matched-folder muted">
          <Highlighted text={parts().folder} indexes={props.result.indexes} />
        </span>
      </Show>
    </span>
  );
}

export function FileSearch(props: { onQuery: (active: boolean) => void }): JSX.Element {
  const files = useFiles();
  const [query, setQuery] = createSignal("");
  const [results, setResults] = createSignal<Ranked<string>[]>([]);
  const [active, setActive] = createSignal(0);
  const [busy, setBusy] = createSignal(false);
  const [failed, setFailed] = createSignal<string | null>(null);
  const listId = "file-search-results";

  createEffect(
    on(query, (text) => {
      props.onQuery(text.trim() !== "");
      if (text.trim() === "") {
        setResults([]);
        setFailed(null);
        setBusy(false);
        return;
      }
      setBusy(true);
      const controller = new AbortController();
      const timer = setTimeout(() => {
        files.find(text.trim(), controller.signal).then(
          (paths) => {
            if (controller.signal.aborted) return;
            setResults(rankPaths(text, paths));
            setActive(0);
            setFailed(null);
            setBusy(false);
          },
          (error: unknown) => {
            if (controller.signal.aborted) return;
            setFailed(problemOf(error).title);
            setBusy(false);
          },
        );
      }, DEBOUNCE_MS);
      onCleanup(() => {
        clearTimeout(timer);
        controller.abort();
      });
    }),
  );

  const choose = (path: string | undefined) => {
    if (!path) return;
    files.select(path);
  };
  const optionId = (index: number) => `${listId}-${index}`;
  const onKeyDown = (event: KeyboardEvent) => {
    const count = results().length;
    if (event.key === "Escape") {
      if (query() === "") return;
      event.preventDefault();
      event.stopPropagation();
      setQuery("");
      return;
    }
    if (event.key === "Enter") {
      event.preventDefault();
      choose(results()[active()]?.item);
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (count === 0) return;
      event.preventDefault();
      const next = moveIndex(active(), count, event.key);
      setActive(next);
      document.getElementById(optionId(next))?.scrollIntoView({ block: "nearest" });
    }
  };

  return (
    <div class="file-search">
      <div class="file-search-box">
        <SearchIcon />
        <input
          type="search"
          class="file-search-input"
          placeholder="Search files"
          aria-label="Search files"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={query().trim() !== ""}
          aria-controls={listId}
          aria-activedescendant={results().length > 0 ? optionId(active()) : undefined}
          autocomplete="off"
          spellcheck={false}
          value={query()}
          onInput={(event) => setQuery(event.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
      </div>
      <Show when={query().trim() !== ""}>
        <div class="file-search-results" aria-busy={busy()}>
          <Show when={failed()}>
            {(message) => <p class="panel-empty">The search failed: {message()}</p>}
          </Show>
          <Show when={!busy() && !failed() && results().length === 0}>
            <p class="panel-empty">No file matches “{query().trim()}”.</p>
          </Show>
          <ul id={listId} role="listbox" aria-label="Matching files" class="file-search-list">
            <For each={results()}>
              {(result, index) => (
                <li
                  id={optionId(index())}
                  role="option"
                  class="file-search-option"
                  aria-selected={index() === active()}
                  title={result.item}
                  onMouseMove={(event) => {
                    if (pointerMoved(event)) setActive(index());
                  }}
                  onMouseDown={(event) => event.preventDefault()}
                  onClick={() => choose(result.item)}
                >
                  <MatchedPath result={result} />
                  <Show when={files.mark(result.item)}>
                    {(found) => (
                      <span class="git-mark" data-status={found().status}>
                        <span class="sr-only">, {found().status}</span>
                        <span aria-hidden="true">{found().status[0]!.toUpperCase()}</span>
                      </span>
                    )}
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </div>
      </Show>
    </div>
  );
}
