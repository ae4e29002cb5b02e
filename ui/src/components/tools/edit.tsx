/**
 * The bodies of the edits: an edit's diff (`metadata.filediff`/`diff`), a multiedit's
 * diff per edit, a patch's (apply_patch) diff per file; until the server has a diff
 * (the call still running, or failed), the replacements or files it asked for.
 */

import { createMemo, For, Show, type JSX } from "solid-js";
import {
  editChange,
  multiEditChanges,
  patchChanges,
  relativePath,
  replacements,
  type FileChange,
  type Replacement,
} from "../../lib/tools";
import { DiffView } from "../lazy-code";
import { OpenFileButton } from "../files/open-file";
import { firstChangedLine } from "../../lib/file-view";
import { Counts, inputOf, inputString, metaOf, MonoBlock, type ToolBodyProps } from "./shared";

function Replacements(props: { edits: Replacement[] }): JSX.Element {
  return (
    <ol class="edit-replacements" aria-label="Replacements">
      <For each={props.edits}>
        {(edit) => (
          <li>
            <MonoBlock text={edit.oldString || "(nothing)"} label="Old text" class="edit-old" />
            <MonoBlock text={edit.newString || "(nothing)"} label="New text" class="edit-new" />
            <Show when={edit.replaceAll}>
              <p class="muted">Every occurrence.</p>
            </Show>
          </li>
        )}
      </For>
    </ol>
  );
}

export function EditBody(props: ToolBodyProps): JSX.Element {
  const changes = createMemo((): FileChange[] => {
    const input = inputOf(props.part);
    const metadata = metaOf(props.part);
    if (props.part.tool === "multiedit") return multiEditChanges(input, metadata);
    const change = editChange(input, metadata);
    return change ? [change] : [];
  });
  const file = () => relativePath(inputString(props.part, "filePath"), props.root);
  return (
    <>
      <OpenFileButton
        path={inputString(props.part, "filePath") || undefined}
        line={firstChangedLine(changes()[0]?.patch ?? "")}
      />
      <Show
        when={changes().length > 0}
        fallback={<Replacements edits={replacements(inputOf(props.part))} />}
      >
        <For each={changes()}>{(change) => <DiffView patch={change.patch} file={file()} />}</For>
      </Show>
    </>
  );
}

const CHANGE_WORDS: Record<string, string> = {
  add: "added",
  delete: "deleted",
  move: "moved",
  update: "changed",
};

export function PatchBody(props: ToolBodyProps): JSX.Element {
  const changes = createMemo(() => patchChanges(inputOf(props.part), metaOf(props.part)));
  const patchText = () => inputString(props.part, "patchText");
  const anyDiff = () => changes().some((change) => change.patch !== "");
  return (
    <>
      <ul class="patch-files" aria-label="Changed files">
        <For each={changes()}>
          {(change) => {
            const path = () => relativePath(change.movePath ?? change.path, props.root);
            return (
              <li class="patch-file" aria-label={path()}>
                <div class="patch-file-head">
                  <span class="mono">{path()}</span>
                  <Show when={change.movePath && change.path !== change.movePath}>
                    <span class="muted">from {relativePath(change.path, props.root)}</span>
                  </Show>
                  <Show when={change.type && CHANGE_WORDS[change.type]}>
                    <span class="tool-tag">{CHANGE_WORDS[change.type ?? ""]}</span>
                  </Show>
                  <Show when={change.patch}>
                    <Counts additions={change.additions} deletions={change.deletions} />
                  </Show>
                </div>
                <Show when={change.patch}>
                  <DiffView patch={change.patch} file={path()} />
                </Show>
              </li>
            );
          }}
        </For>
      </ul>
      <Show when={!anyDiff() && patchText()}>
        <MonoBlock text={patchText()} label="Patch" />
      </Show>
    </>
  );
}
