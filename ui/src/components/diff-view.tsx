/**
 * A unified diff as a reader wants it: old and new line numbers in gutters, added and
 * deleted lines marked with a sign, a colour and an accessible label, hunk headers,
 * unchanged runs folded behind "Show N unchanged lines" (3 lines of context kept around
 * each change), and each side highlighted as its own text. Two layouts: unified (one
 * column) and split (old on the left, new on the right, each side scrolling sideways on
 * its own, the sides kept in step); the choice is remembered, and a view too narrow for
 * two columns shows unified and says so in its toggle.
 */

import {
  createMemo,
  createSignal,
  For,
  onCleanup,
  onMount,
  Show,
  type Accessor,
  type JSX,
} from "solid-js";
import {
  diffSides,
  foldLines,
  foldRows,
  pairForSplit,
  visibleLines,
  type DiffLine,
  type Segment,
  type SplitRow,
} from "../lib/diff";
import { wordMarks } from "../lib/word-diff";
import { languageOfPath, type Token } from "../lib/highlight";
import { lineContent, useTokens } from "./code-view";

export type DiffMode = "unified" | "split";

const MODE_KEY = "opencode-proxy.diff-mode.v1";
/** Below this width the view shows unified even when split is chosen. */
const SPLIT_MIN_WIDTH = 420;

function storedMode(): DiffMode {
  try {
    return window.localStorage.getItem(MODE_KEY) === "split" ? "split" : "unified";
  } catch {
    return "unified";
  }
}

// One choice for every diff on the page, kept across reloads.
const [chosenMode, setChosenMode] = createSignal<DiffMode>(
  typeof window === "undefined" ? "unified" : storedMode(),
);

function chooseMode(mode: DiffMode): void {
  setChosenMode(mode);
  try {
    window.localStorage.setItem(MODE_KEY, mode);
  } catch {
    // Storage refused (private mode, quota): the choice holds for this page only.
  }
}

type Side = "old" | "new";

export function DiffView(props: {
  patch: string;
  file?: string | undefined;
  mode?: DiffMode | undefined;
  showModeToggle?: boolean | undefined;
  /** With a controlled `mode`: what the toggle asks for (else it sets the shared choice). */
  onModeChange?: ((mode: DiffMode) => void) | undefined;
}): JSX.Element {
  const lines = createMemo(() => visibleLines(props.patch));
  const sides = createMemo(() => diffSides(lines()));
  const language = createMemo(() => languageOfPath(props.file));
  const oldTokens = useTokens(() => sides().old.join("\n"), language);
  const newTokens = useTokens(() => sides().new.join("\n"), language);
  const indexOf = createMemo(() => new Map(lines().map((line, index) => [line, index])));
  const marks = createMemo(() => wordMarks(lines()));
  const tokensOf = (line: DiffLine, side: Side): Token[] | undefined => {
    const index = indexOf().get(line);
    if (index === undefined) return undefined;
    const place = sides().at[index]!;
    const at = side === "old" ? place.old : place.new;
    const all = side === "old" ? oldTokens() : newTokens();
    const count = side === "old" ? sides().old.length : sides().new.length;
    return at === undefined || !all || all.length !== count ? undefined : all[at];
  };
  const content: Content = (line, side) =>
    lineContent(line.text, tokensOf(line, side), marks().get(line));

  let element: HTMLDivElement | undefined;
  const [width, setWidth] = createSignal(Infinity);
  onMount(() => {
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => setWidth(element?.clientWidth ?? Infinity));
    observer.observe(element);
    setWidth(element.clientWidth || Infinity);
    onCleanup(() => observer.disconnect());
  });
  const wanted = () => props.mode ?? chosenMode();
  const choose = (mode: DiffMode) => {
    if (props.mode !== undefined) props.onModeChange?.(mode);
    else chooseMode(mode);
  };
  const narrow = () => width() < SPLIT_MIN_WIDTH;
  const shown = (): DiffMode => (wanted() === "split" && !narrow() ? "split" : "unified");
  const name = () => props.file ?? "file";

  return (
    <div
      ref={element}
      class="diff-view"
      data-mode={shown()}
      data-language={language() ?? "text"}
      data-highlighted={oldTokens() || newTokens() ? "true" : "false"}
    >
      <Show when={props.showModeToggle ?? true}>
        <div class="diff-toolbar">
          <div class="diff-mode" role="group" aria-label="Diff layout">
            <button
              type="button"
              aria-pressed={shown() === "unified"}
              onClick={() => choose("unified")}
            >
              Unified
            </button>
            <button
              type="button"
              aria-pressed={shown() === "split"}
              disabled={narrow()}
              title={narrow() ? "Too narrow for side by side" : "Old and new side by side"}
              onClick={() => choose("split")}
            >
              Split
            </button>
          </div>
        </div>
      </Show>
      <Show when={lines().length > 0} fallback={<p class="diff-empty">No line-by-line changes.</p>}>
        <Show
          when={shown() === "split"}
          fallback={<UnifiedLines lines={lines()} name={name()} content={content} />}
        >
          <SplitLines lines={lines()} name={name()} content={content} />
        </Show>
      </Show>
    </div>
  );
}

/** A line's content on one side: highlighted, its changed words marked. */
type Content = (line: DiffLine, side: Side) => JSX.Element;

function sign(line: DiffLine | undefined): string {
  return line?.kind === "add" ? "+" : line?.kind === "del" ? "−" : "";
}

function label(line: DiffLine | undefined): string | undefined {
  if (line?.kind === "add") return `added: ${line.text}`;
  if (line?.kind === "del") return `deleted: ${line.text}`;
  return undefined;
}

/** A folded run: one row with the button that shows it. */
function FoldRow(props: { count: number; onOpen: () => void }): JSX.Element {
  return (
    <div class="diff-row diff-fold" role="row">
      <span role="cell">
        <button type="button" class="diff-unfold" onClick={() => props.onOpen()}>
          Show {props.count} unchanged {props.count === 1 ? "line" : "lines"}
        </button>
      </span>
    </div>
  );
}

/** Segments with the folded ones replaced by their lines once opened. */
function useSegments<T>(segments: Accessor<Segment<T>[]>) {
  const [opened, setOpened] = createSignal<ReadonlySet<number>>(new Set());
  return {
    isOpen: (index: number) => opened().has(index),
    open: (index: number) => setOpened((was) => new Set([...was, index])),
    segments,
  };
}

function UnifiedLines(props: { lines: DiffLine[]; name: string; content: Content }) {
  const folds = useSegments(createMemo(() => foldLines(props.lines)));
  const row = (line: DiffLine) => (
    <div class="diff-row" data-kind={line.kind} role="row">
      <Show
        when={line.kind !== "hunk"}
        fallback={
          <span class="diff-hunk" role="cell">
            {line.text}
          </span>
        }
      >
        <span class="diff-num" role="cell" aria-hidden="true">
          {line.oldLine ?? ""}
        </span>
        <span class="diff-num" role="cell" aria-hidden="true">
          {line.newLine ?? ""}
        </span>
        <span class="diff-sign" role="cell" aria-hidden="true">
          {sign(line)}
        </span>
        <span class="diff-code" role="cell" aria-label={label(line)}>
          {props.content(line, line.kind === "add" ? "new" : "old")}
        </span>
      </Show>
    </div>
  );
  return (
    <div class="diff-table diff-unified mono" role="table" aria-label={`Diff of ${props.name}`}>
      <div class="diff-scroll" tabindex="0">
        <div class="diff-rows">
          <For each={folds.segments()}>
            {(segment, index) => (
              <Show
                when={segment.kind === "shown" || folds.isOpen(index())}
                fallback={
                  <FoldRow count={segment.items.length} onOpen={() => folds.open(index())} />
                }
              >
                <For each={segment.items}>{row}</For>
              </Show>
            )}
          </For>
        </div>
      </div>
    </div>
  );
}

function SplitLines(props: { lines: DiffLine[]; name: string; content: Content }) {
  const rows = createMemo(() => pairForSplit(props.lines));
  const folds = useSegments(createMemo(() => foldRows(rows())));
  const panes: Record<Side, HTMLElement[]> = { old: [], new: [] };
  // The blocks between folds scroll sideways in step, each side on its own.
  let syncing = false;
  const follow = (side: Side, source: HTMLElement) => {
    if (syncing) return;
    syncing = true;
    for (const pane of panes[side]) if (pane !== source) pane.scrollLeft = source.scrollLeft;
    syncing = false;
  };
  const register = (side: Side, pane: HTMLElement) => {
    panes[side].push(pane);
    onCleanup(() => panes[side].splice(panes[side].indexOf(pane), 1));
  };

  const cell = (row: SplitRow, side: Side) => {
    const line = row.kind === "change" ? (side === "old" ? row.left : row.right) : row.line;
    return (
      <div class="diff-row" data-kind={line ? line.kind : "empty"} role="row">
        <span class="diff-num" role="cell" aria-hidden="true">
          {(side === "old" ? line?.oldLine : line?.newLine) ?? ""}
        </span>
        <span class="diff-sign" role="cell" aria-hidden="true">
          {sign(line)}
        </span>
        <span class="diff-code" role="cell" aria-label={label(line)}>
          {line ? props.content(line, side) : ""}
        </span>
      </div>
    );
  };
  const block = (items: SplitRow[]) => {
    // A hunk header spans both sides; the rows between headers form side-by-side blocks.
    const parts: { hunk?: DiffLine; rows: SplitRow[] }[] = [];
    for (const row of items) {
      if (row.kind === "hunk") parts.push({ hunk: row.line, rows: [] });
      else if (parts.length === 0) parts.push({ rows: [row] });
      else parts[parts.length - 1]!.rows.push(row);
    }
    return (
      <For each={parts}>
        {(part) => (
          <>
            <Show when={part.hunk}>
              {(hunk) => (
                <div class="diff-row" data-kind="hunk" role="row">
                  <span class="diff-hunk" role="cell">
                    {hunk().text}
                  </span>
                </div>
              )}
            </Show>
            <Show when={part.rows.length > 0}>
              <div class="diff-split-block">
                <For each={["old", "new"] as const}>
                  {(side) => (
                    <div
                      class="diff-pane"
                      data-side={side}
                      role="rowgroup"
                      aria-label={side === "old" ? "Before" : "After"}
                      tabindex="0"
                      ref={(pane) => register(side, pane)}
                      onScroll={(event) => follow(side, event.currentTarget)}
                    >
                      <div class="diff-rows">
                        <For each={part.rows}>{(row) => cell(row, side)}</For>
                      </div>
                    </div>
                  )}
                </For>
              </div>
            </Show>
          </>
        )}
      </For>
    );
  };
  return (
    <div class="diff-table diff-split mono" role="table" aria-label={`Diff of ${props.name}`}>
      <For each={folds.segments()}>
        {(segment, index) => (
          <Show
            when={segment.kind === "shown" || folds.isOpen(index())}
            fallback={<FoldRow count={segment.items.length} onOpen={() => folds.open(index())} />}
          >
            {block(segment.items)}
          </Show>
        )}
      </For>
    </div>
  );
}
