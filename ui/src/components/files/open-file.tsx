/**
 * Ways into the Files panel from elsewhere: a small "Open file" button (in tool cards, a
 * turn's changed files, the Changes panel) that shows the file in the viewer, scrolled to
 * a line; and the chat header's "Files" toggle. Both render nothing without a
 * FilesProvider above them.
 */

import { Show, type JSX } from "solid-js";
import { useFilesMaybe } from "../../context/files";
import { currentPlatform, shortcutText } from "../../lib/shortcuts";

import { FilesIcon, OpenFileIcon } from "./file-icons";

export function OpenFileButton(props: {
  path: string | undefined;
  line?: number | undefined;
  /** The accessible name; "Open file" by default (the title names the path). */
  label?: string;
  /** Icon only. */
  compact?: boolean;
}): JSX.Element {
  const files = useFilesMaybe();
  return (
    <Show when={files && props.path}>
      {(path) => (
        <button
          type="button"
          class="open-file-button"
          classList={{ compact: props.compact === true }}
          aria-label={props.label ?? "Open file"}
          title={`Open ${path()} in the file viewer`}
          onClick={(event) => {
            // Inside a <summary> or a row's button: open the file, not the fold.
            event.preventDefault();
            event.stopPropagation();
            files?.open(path(), props.line);
          }}
        >
          <OpenFileIcon />
          <Show when={!props.compact}>
            <span>Open file</span>
          </Show>
        </button>
      )}
    </Show>
  );
}

/** The chat header's toggle for the Files panel (beside "Changes"). */
export function FilesToggle(): JSX.Element {
  const files = useFilesMaybe();
  return (
    <Show when={files}>
      {(found) => (
        <button
          type="button"
          class="button ghost small"
          aria-label="Files"
          aria-pressed={found().panel() === "files"}
          title={`Files (${shortcutText("files.toggle", currentPlatform())})`}
          onClick={() => found().togglePanel("files")}
        >
          <FilesIcon />
          <span class="tool-text">Files</span>
        </button>
      )}
    </Show>
  );
}
