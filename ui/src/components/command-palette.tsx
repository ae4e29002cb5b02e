/**
 * The command palette (Ctrl+Shift+P or Ctrl+K, ⌘ on a Mac): a modal dialog with one
 * search field over the commands on offer, the server's sessions (by title) and the
 * project's files (`GET /find/file`, debounced), each group fuzzy ranked with the matched
 * characters marked; Up/Down choose, Enter runs, Escape closes and focus goes back where
 * it was. Ctrl+P opens it on files only; "Keyboard shortcuts" shows the shortcut table.
 *
 * Loaded when first opened (`palette-host.tsx`).
 */

import {
  createEffect,
  createMemo,
  createSignal,
  For,
  Match,
  on,
  onCleanup,
  Show,
  Switch,
  type JSX,
} from "solid-js";
import { problemOf } from "../api/problems";
import type { Session } from "../api/types";
import { useFiles } from "../context/files";
import { usePalette, type PaletteCommand } from "../context/palette";
import { useSessions } from "../context/sessions";
import { relativeTime } from "../lib/format";
import { displayTitle } from "../lib/session-title";
import type { Ranked } from "../lib/fuzzy";
import { flatResults, moveIndex, paletteGroups, type PaletteSource } from "../lib/palette";
import {
  currentPlatform,
  keysOf,
  shortcutById,
  type KeyCombo,
  type Platform,
} from "../lib/shortcuts";
import { MatchedPath, rankPaths } from "./files/file-search";
import { Highlighted } from "./files/highlighted";
import { ArrowLeftIcon, SearchIcon } from "./icons";
import { KeyCaps, ShortcutsTable } from "./shortcuts-table";
import { pointerMoved } from "../lib/pointer";

const FILE_DEBOUNCE_MS = 120;

type Entry =
  | { kind: "command"; key: string; label: string; command: PaletteCommand }
  | { kind: "session"; key: string; label: string; session: Session }
  | { kind: "file"; key: string; label: string; path: string };

const fileEntry = (result: Ranked<string>): Ranked<Entry> => ({
  ...result,
  item: { kind: "file", key: `file:${result.item}`, label: result.item, path: result.item },
});

/** Commands are found by their keywords too (marks are shown within the title only). */
const entryText = (entry: Entry) =>
  entry.kind === "command" && entry.command.keywords
    ? `${entry.label} ${entry.command.keywords}`
    : entry.label;

/** `aria-keyshortcuts` wants "Control+Shift+P", whatever the platform shows. */
function ariaKeys(combo: KeyCombo, platform: Platform): string {
  const mods: string[] = [];
  if (combo.ctrl || (combo.mod && platform === "other")) mods.push("Control");
  if (combo.mod && platform === "mac") mods.push("Meta");
  if (combo.alt) mods.push("Alt");
  if (combo.shift) mods.push("Shift");
  const key =
    combo.key === " " ? "Space" : combo.key.length === 1 ? combo.key.toUpperCase() : combo.key;
  return [...mods, key].join("+");
}

export function CommandPalette(): JSX.Element {
  const palette = usePalette();
  let dialog: HTMLDialogElement | undefined;
  let returnTo: Element | null = null;

  createEffect(() => {
    if (!dialog) return;
    if (palette.isOpen() && !dialog.open) {
      returnTo = document.activeElement;
      dialog.showModal();
    } else if (!palette.isOpen() && dialog.open) {
      dialog.close();
    }
  });
  const restoreFocus = () => {
    const target = returnTo;
    returnTo = null;
    if (target instanceof HTMLElement && target.isConnected) target.focus();
  };

  return (
    <dialog
      ref={dialog}
      class="palette"
      aria-label={palette.mode() === "shortcuts" ? "Keyboard shortcuts" : "Command palette"}
      onCancel={(event) => {
        event.preventDefault();
        palette.close();
      }}
      onClose={() => {
        // The event comes a moment after the dialog closed: it may be open again by now.
        if (dialog?.open) return;
        // Closed by the browser itself (a second Escape may skip "cancel"): follow it.
        if (palette.isOpen()) palette.close();
        restoreFocus();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog itself, outside its box) closes it.
        if (event.target === dialog) palette.close();
      }}
      onKeyDown={(event) => {
        if (event.key === "Tab" && dialog) keepFocusIn(dialog, event);
      }}
    >
      <Show when={palette.isOpen()}>
        <Switch>
          <Match when={palette.mode() === "shortcuts"}>
            <ShortcutsPane />
          </Match>
          <Match when={true}>
            <SearchPane
              filesOnly={palette.mode() === "files"}
              onRun={(action) => {
                palette.close();
                restoreFocus();
                return action();
              }}
            />
          </Match>
        </Switch>
      </Show>
    </dialog>
  );
}

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

/** Tab and Shift+Tab go round the dialog's own controls (a modal <dialog> lets them out). */
function keepFocusIn(container: HTMLElement, event: KeyboardEvent): void {
  const items = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) => element.getClientRects().length > 0,
  );
  event.preventDefault();
  if (items.length === 0) return;
  const at = items.indexOf(document.activeElement as HTMLElement);
  const next = event.shiftKey ? (at <= 0 ? items.length - 1 : at - 1) : (at + 1) % items.length;
  items[next]?.focus();
}

function SearchPane(props: {
  filesOnly: boolean;
  onRun: (action: () => void | Promise<unknown>) => void | Promise<unknown>;
}): JSX.Element {
  const palette = usePalette();
  const sessions = useSessions();
  const files = useFiles();
  const platform = currentPlatform();
  const [query, setQuery] = createSignal("");
  const [paths, setPaths] = createSignal<string[]>([]);
  const [searching, setSearching] = createSignal(false);
  const [active, setActive] = createSignal(0);
  const listId = "palette-results";

  // Files: asked of the server as the query changes (with none, only in files-only mode).
  createEffect(
    on([query, () => props.filesOnly], ([text, filesOnly]) => {
      const needle = text.trim();
      if (needle === "" && !filesOnly) {
        setPaths([]);
        setSearching(false);
        return;
      }
      setSearching(true);
      const controller = new AbortController();
      const timer = setTimeout(() => {
        files.find(needle, controller.signal).then(
          (found) => {
            if (controller.signal.aborted) return;
            setPaths(found);
            setSearching(false);
          },
          () => {
            if (controller.signal.aborted) return;
            setPaths([]);
            setSearching(false);
          },
        );
      }, FILE_DEBOUNCE_MS);
      onCleanup(() => {
        clearTimeout(timer);
        controller.abort();
      });
    }),
  );

  const groups = createMemo(() => {
    const text = query();
    if (props.filesOnly) {
      const ranked = rankPaths(text, paths()).map(fileEntry);
      return ranked.length > 0 ? [{ heading: "Files", results: ranked }] : [];
    }
    const commands: Entry[] = palette.commands().map((command) => ({
      kind: "command",
      key: `command:${command.id}`,
      label: command.title,
      command,
    }));
    const sessionEntries: Entry[] = sessions.list().map((session) => ({
      kind: "session",
      key: `session:${session.id}`,
      label: displayTitle(session),
      session,
    }));
    const sources: PaletteSource<Entry>[] = [
      { heading: "Commands", items: commands, text: entryText, limit: 8, idleLimit: 40 },
      { heading: "Sessions", items: sessionEntries, text: entryText, limit: 8, idleLimit: 6 },
    ];
    const found = paletteGroups(text, sources);
    const fileResults = rankPaths(text, paths()).slice(0, 10).map(fileEntry);
    if (fileResults.length > 0) found.push({ heading: "Files", results: fileResults });
    return found;
  });
  const flat = createMemo(() => flatResults(groups()));
  createEffect(on(query, () => setActive(0)));
  createEffect(() => {
    if (active() >= flat().length) setActive(Math.max(0, flat().length - 1));
  });

  const optionId = (key: string) => `palette-option-${encodeURIComponent(key).replace(/%/g, "_")}`;
  const activeKey = () => flat()[active()]?.item.key;

  const runEntry = async (entry: Entry | undefined) => {
    if (!entry) return;
    palette.setProblem(null);
    const action = (): void | Promise<unknown> => {
      switch (entry.kind) {
        case "command":
          return entry.command.run();
        case "session":
          return palette.openSession(entry.session.id);
        case "file":
          files.open(entry.path);
          return undefined;
      }
    };
    // Commands that change what the palette shows keep it open.
    if (
      entry.kind === "command" &&
      (entry.command.id === "file.find" || entry.command.id === "shortcuts.show")
    ) {
      void action();
      return;
    }
    try {
      await props.onRun(action);
    } catch (error) {
      // The palette is closed by now: it opens again to say so.
      palette.show(props.filesOnly ? "files" : "all");
      palette.setProblem(`${entry.label}: ${problemOf(error).title}`);
    }
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const count = flat().length;
    if (["ArrowDown", "ArrowUp", "PageDown", "PageUp"].includes(event.key) && count > 0) {
      event.preventDefault();
      const next = moveIndex(active(), count, event.key);
      setActive(next);
      const key = flat()[next]?.item.key;
      if (key) document.getElementById(optionId(key))?.scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      void runEntry(flat()[active()]?.item);
    }
  };

  const indexOf = (key: string) => flat().findIndex((result) => result.item.key === key);

  return (
    <div class="palette-pane">
      <div class="palette-search">
        <SearchIcon />
        <input
          class="palette-input"
          type="text"
          role="combobox"
          aria-label={props.filesOnly ? "Find a file" : "Search commands, sessions and files"}
          placeholder={
            props.filesOnly ? "Find a file by name" : "Search commands, sessions and files"
          }
          aria-expanded="true"
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeKey() ? optionId(activeKey()!) : undefined}
          autocomplete="off"
          spellcheck={false}
          autofocus
          value={query()}
          onInput={(event) => setQuery(event.currentTarget.value)}
          onKeyDown={onKeyDown}
          ref={(element) => queueMicrotask(() => element.focus())}
        />
      </div>
      <Show when={palette.problem()}>
        {(message) => (
          <p class="palette-problem" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <div
        class="palette-results"
        id={listId}
        role="listbox"
        aria-label="Results"
        aria-busy={searching()}
      >
        <For each={groups()}>
          {(group) => {
            const headingId = `palette-group-${group.heading.toLowerCase()}`;
            return (
              <div class="palette-group" role="group" aria-labelledby={headingId}>
                <div class="palette-heading" id={headingId} role="presentation">
                  {group.heading}
                </div>
                <For each={group.results}>
                  {(result) => (
                    <div
                      id={optionId(result.item.key)}
                      class="palette-option"
                      role="option"
                      aria-selected={activeKey() === result.item.key}
                      aria-keyshortcuts={
                        result.item.kind === "command" && result.item.command.shortcut
                          ? keysOf(shortcutById(result.item.command.shortcut)!, platform)
                              .map((combo) => ariaKeys(combo, platform))
                              .join(" ")
                          : undefined
                      }
                      data-kind={result.item.kind}
                      onMouseMove={(event) => {
                        if (pointerMoved(event)) setActive(indexOf(result.item.key));
                      }}
                      onMouseDown={(event) => event.preventDefault()}
                      onClick={() => void runEntry(result.item)}
                    >
                      <OptionBody result={result} platform={platform} />
                    </div>
                  )}
                </For>
              </div>
            );
          }}
        </For>
        <Show when={flat().length === 0}>
          <p class="palette-empty">
            {searching()
              ? "Searching…"
              : query().trim() === ""
                ? "Type the name of a file."
                : `Nothing matches “${query().trim()}”.`}
          </p>
        </Show>
      </div>
      <footer class="palette-footer muted" aria-hidden="true">
        <span>
          <kbd>↑</kbd>
          <kbd>↓</kbd> choose
        </span>
        <span>
          <kbd>{platform === "mac" ? "↩" : "Enter"}</kbd> run
        </span>
        <span>
          <kbd>Esc</kbd> close
        </span>
      </footer>
    </div>
  );
}

function OptionBody(props: { result: Ranked<Entry>; platform: Platform }): JSX.Element {
  const entry = () => props.result.item;
  // Keywords follow the title in the matched text: marks beyond the title are not shown.
  const titleIndexes = () => props.result.indexes.filter((index) => index < entry().label.length);
  return (
    <Switch>
      <Match when={entry().kind === "file"}>
        <MatchedPath result={{ ...props.result, item: entry().label }} />
      </Match>
      <Match when={entry().kind === "session" && (entry() as Extract<Entry, { kind: "session" }>)}>
        {(found) => (
          <>
            <span class="palette-label">
              <Highlighted text={found().label} indexes={titleIndexes()} />
            </span>
            <span class="palette-detail muted">{relativeTime(found().session.time.updated)}</span>
          </>
        )}
      </Match>
      <Match when={entry().kind === "command" && (entry() as Extract<Entry, { kind: "command" }>)}>
        {(found) => (
          <>
            <span class="palette-label">
              <Highlighted text={found().label} indexes={titleIndexes()} />
            </span>
            <Show when={found().command.shortcut && shortcutById(found().command.shortcut!)}>
              {(shortcut) => (
                <span class="palette-keys" aria-hidden="true">
                  <KeyCaps
                    combo={keysOf(shortcut(), props.platform)[0]!}
                    platform={props.platform}
                  />
                </span>
              )}
            </Show>
          </>
        )}
      </Match>
    </Switch>
  );
}

function ShortcutsPane(): JSX.Element {
  const palette = usePalette();
  let back: HTMLButtonElement | undefined;
  return (
    <div class="palette-pane palette-shortcuts">
      <header class="palette-shortcuts-head">
        <button
          type="button"
          class="icon-button small"
          aria-label="Back to the palette"
          ref={(element) => {
            back = element;
            queueMicrotask(() => back?.focus());
          }}
          onClick={() => palette.setMode("all")}
        >
          <ArrowLeftIcon />
        </button>
        <h2>Keyboard shortcuts</h2>
      </header>
      <div class="palette-shortcuts-body">
        <ShortcutsTable />
      </div>
    </div>
  );
}
