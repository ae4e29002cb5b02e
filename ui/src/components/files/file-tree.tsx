/**
 * The project's tree (`role="tree"`): one row per visible file or folder, folders first,
 * each folder listed when first opened; a changed file carries its git mark (a coloured
 * letter, and its word for screen readers), a folder holding changes a dot. The keyboard
 * moves as in any tree (`lib/file-tree.ts`: Up/Down, Right/Left, Home/End, Enter, a
 * letter); one row at a time is in the tab order.
 */

import { createEffect, createMemo, For, on, Show, type JSX } from "solid-js";
import { useFiles } from "../../context/files";
import { MARK_TEXT, treeKey, type TreeRow } from "../../lib/file-tree";
import { ChevronIcon } from "../icons";
import { ProblemBox } from "../problem-box";
import { FileIcon, FolderIcon, FolderOpenIcon } from "./file-icons";

/** A row's element id (paths may hold any character: encoded). */
export function rowId(key: string): string {
  return `file-row-${encodeURIComponent(key).replace(/%/g, "_")}`;
}

export function FileTree(): JSX.Element {
  const files = useFiles();
  const keys = createMemo(() => files.rows().map((row) => row.key));
  const byKey = createMemo(() => new Map(files.rows().map((row) => [row.key, row])));

  /** The row in the tab order: the focused one, else the file shown, else the first. */
  const tabStop = () => {
    const rows = files.rows();
    const wanted = files.focused() ?? files.selected()?.path;
    return rows.some((row) => row.key === wanted) ? wanted : rows[0]?.key;
  };

  const focusRow = (key: string) => {
    files.setFocused(key);
    queueMicrotask(() => document.getElementById(rowId(key))?.focus());
  };

  // Opening a file from elsewhere brings its row into view.
  createEffect(
    on(
      () => files.selected()?.seq,
      () => {
        const path = files.selected()?.path;
        if (!path) return;
        requestAnimationFrame(() =>
          document.getElementById(rowId(path))?.scrollIntoView({ block: "nearest" }),
        );
      },
    ),
  );

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const action = treeKey(files.rows(), tabStop(), event.key);
    if (action.kind === "none") return;
    event.preventDefault();
    switch (action.kind) {
      case "focus":
        focusRow(action.key);
        break;
      case "expand":
        files.expand(action.key);
        break;
      case "collapse":
        files.collapse(action.key);
        break;
      case "open":
        files.select(action.key);
        break;
    }
  };

  return (
    <div class="file-tree-wrap">
      <Show when={files.dirProblem("")}>{(found) => <ProblemBox problem={found()} />}</Show>
      <Show when={!files.listed("") && !files.dirProblem("")}>
        <p class="panel-empty" aria-busy="true">
          Listing the project…
        </p>
      </Show>
      <Show when={files.listed("") && files.rows().length === 0}>
        <p class="panel-empty">The project is empty.</p>
      </Show>
      <ul
        class="file-tree"
        role="tree"
        aria-label="Project files"
        onKeyDown={onKeyDown}
        hidden={files.rows().length === 0}
      >
        {/* Keyed by path: a row keeps its element (and the focus) as the tree changes. */}
        <For each={keys()}>
          {(key) => (
            <Show when={byKey().get(key)}>
              {(row) => <Row row={row()} tabStop={tabStop() === key} onFocusRow={focusRow} />}
            </Show>
          )}
        </For>
      </ul>
    </div>
  );
}

function Row(props: {
  row: TreeRow;
  tabStop: boolean;
  onFocusRow: (key: string) => void;
}): JSX.Element {
  const files = useFiles();
  const folder = () => props.row.node.type === "directory";
  const mark = () => (folder() ? undefined : files.mark(props.row.key));
  const changed = () => folder() && files.folderChanged(props.row.key);
  const current = () => !folder() && files.selected()?.path === props.row.key;
  const problem = () =>
    folder() && props.row.expanded ? files.dirProblem(props.row.key) : undefined;
  /** The row's name: the file's, then its mark in words (the letter is for the eye). */
  const label = () => {
    const found = mark();
    return [
      props.row.node.name,
      found ? MARK_TEXT[found.status].label : undefined,
      changed() ? "holds changed files" : undefined,
      problem() ? "not listed" : undefined,
    ]
      .filter(Boolean)
      .join(", ");
  };
  const activate = () => {
    props.onFocusRow(props.row.key);
    if (folder()) files.toggle(props.row.key);
    else files.select(props.row.key);
  };
  return (
    <li
      id={rowId(props.row.key)}
      class="file-row"
      classList={{ ignored: props.row.node.ignored === true, current: current() }}
      role="treeitem"
      aria-label={label()}
      aria-level={props.row.level}
      aria-setsize={props.row.siblings}
      aria-posinset={props.row.position}
      aria-expanded={props.row.expanded}
      aria-selected={current()}
      aria-busy={props.row.loading || undefined}
      data-path={props.row.key}
      data-status={mark()?.status}
      tabindex={props.tabStop ? 0 : -1}
      style={{ "--level": String(props.row.level - 1) }}
      title={props.row.key}
      onClick={(event) => {
        event.stopPropagation();
        activate();
      }}
      onFocus={() => files.setFocused(props.row.key)}
    >
      <span class="file-row-twisty" aria-hidden="true">
        <Show when={folder()}>
          <ChevronIcon />
        </Show>
      </span>
      <span class="file-row-icon" aria-hidden="true">
        <Show when={folder()} fallback={<FileIcon />}>
          <Show when={props.row.expanded} fallback={<FolderIcon />}>
            <FolderOpenIcon />
          </Show>
        </Show>
      </span>
      <span class="file-row-name">{props.row.node.name}</span>
      <Show when={mark()}>
        {(found) => (
          <span class="git-mark" data-status={found().status} aria-hidden="true">
            {MARK_TEXT[found().status].letter}
          </span>
        )}
      </Show>
      <Show when={changed()}>
        <span class="git-dot" title="Holds changed files" aria-hidden="true" />
      </Show>
      <Show when={problem()}>
        <span class="file-row-problem" aria-hidden="true">
          not listed
        </span>
      </Show>
    </li>
  );
}
