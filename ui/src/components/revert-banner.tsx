/**
 * Where the reverted messages were: "2 messages reverted", what they were (their
 * prompts, and the files the revert put back, each with its diff), "Redo" (one prompt
 * forward) and "Restore" (everything back). A new prompt drops them for good; the banner
 * says so.
 */

import { createMemo, createSignal, For, Show, type JSX } from "solid-js";
import type { SessionRevert } from "../api/types";
import { revertedPrompts, splitPatch, type PatchFile } from "../lib/revert";
import { promptText } from "../lib/turns";
import type { Transcript } from "../lib/transcript";
import { ChevronIcon } from "./icons";
import { DiffView } from "./lazy-code";
import { RedoIcon, UndoIcon } from "./session-icons";

export function RevertBanner(props: {
  transcript: Transcript;
  revert: SessionRevert;
  busy: boolean;
  /** Which action is under way, if any. */
  pending: "redo" | "restore" | null;
  onRedo: () => void;
  onRestore: () => void;
}): JSX.Element {
  const [open, setOpen] = createSignal(false);
  const prompts = createMemo(() => revertedPrompts(props.transcript, props.revert));
  const files = createMemo(() => splitPatch(props.revert.diff));
  const heading = () => {
    const count = prompts().length;
    return count === 0
      ? "The end of the reply reverted"
      : `${count} message${count === 1 ? "" : "s"} reverted`;
  };
  return (
    <section class="revert-banner" aria-label="Reverted messages">
      <div class="revert-head">
        <UndoIcon />
        <div class="revert-text">
          <strong>{heading()}</strong>
          <span class="muted">
            <Show when={files().length > 0} fallback="No files needed restoring.">
              {files().length} file{files().length === 1 ? "" : "s"} restored.
            </Show>{" "}
            A new message discards the reverted ones for good.
          </span>
        </div>
        <div class="revert-actions">
          <button
            type="button"
            class="button small ghost"
            aria-expanded={open()}
            aria-controls="reverted-details"
            onClick={() => setOpen(!open())}
          >
            <ChevronIcon />
            <span>{open() ? "Hide" : "Show"}</span>
          </button>
          <button
            type="button"
            class="button small"
            disabled={props.busy || props.pending !== null}
            aria-busy={props.pending === "redo"}
            title="Bring back the next reverted message"
            onClick={() => props.onRedo()}
          >
            <RedoIcon />
            <span>Redo</span>
          </button>
          <button
            type="button"
            class="button small primary"
            disabled={props.busy || props.pending !== null}
            aria-busy={props.pending === "restore"}
            title="Bring back every reverted message and its changes"
            onClick={() => props.onRestore()}
          >
            <span>Restore</span>
          </button>
        </div>
      </div>
      <div id="reverted-details" class="revert-details" hidden={!open()}>
        <Show when={prompts().length > 0}>
          <ol class="reverted-prompts" aria-label="Undone messages">
            <For each={prompts()}>
              {(id) => (
                <li class="reverted-prompt">{promptText(props.transcript, id) || "(no text)"}</li>
              )}
            </For>
          </ol>
        </Show>
        <Show when={files().length > 0}>
          <ul class="turn-files" aria-label="Restored files">
            <For each={files()}>{(file) => <RestoredFile file={file} />}</For>
          </ul>
        </Show>
      </div>
    </section>
  );
}

/** One restored file, its diff drawn when first opened. */
function RestoredFile(props: { file: PatchFile }): JSX.Element {
  const [seen, setSeen] = createSignal(false);
  return (
    <li class="turn-file">
      <details onToggle={(event) => setSeen(seen() || event.currentTarget.open)}>
        <summary class="turn-file-head">
          <ChevronIcon />
          <span class="turn-file-path mono">{props.file.file}</span>
          <span class="mono turn-file-counts">
            <span class="added">+{props.file.additions}</span>{" "}
            <span class="deleted">−{props.file.deletions}</span>
          </span>
        </summary>
        <Show when={seen()}>
          <div class="turn-file-diff">
            <DiffView patch={props.file.patch} file={props.file.file} showModeToggle />
          </div>
        </Show>
      </details>
    </li>
  );
}
