/**
 * The Files panel beside the chat: the file search, the project's tree and, below it,
 * the file shown (`FileViewer`). Its state lives in `context/files.tsx`, so a tool card or
 * a changed file can open a file in it.
 */

import { createSignal, Show, type JSX } from "solid-js";
import { useFiles } from "../../context/files";
import { CloseIcon, RefreshIcon } from "../icons";
import { FileSearch } from "./file-search";
import { FileTree } from "./file-tree";
import { FileViewer } from "./file-viewer";

export function FilesPanel(): JSX.Element {
  const files = useFiles();
  const [searching, setSearching] = createSignal(false);
  return (
    <aside class="files-panel" aria-labelledby="files-title">
      <header class="panel-head">
        <h2 id="files-title">Files</h2>
        <div class="panel-spacer" />
        <button
          type="button"
          class="icon-button small"
          aria-label="Refresh files"
          title="Refresh"
          onClick={() => files.refresh()}
        >
          <RefreshIcon />
        </button>
        <button
          type="button"
          class="icon-button small"
          aria-label="Close files"
          title="Close"
          onClick={() => files.setPanel(null)}
        >
          <CloseIcon />
        </button>
      </header>
      <FileSearch onQuery={setSearching} />
      <div class="files-body" classList={{ "with-file": !!files.selected() }}>
        <div class="files-tree-pane" hidden={searching()}>
          <FileTree />
        </div>
        <Show when={files.selected()?.path} keyed>
          {(path) => <FileViewer path={path} />}
        </Show>
      </div>
    </aside>
  );
}
