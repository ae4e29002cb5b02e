/**
 * The bodies of the searches: glob's matching files, grep's matching lines grouped by
 * file (with line numbers), list's directory tree. Paths are shown relative to the
 * project; the pattern and where it looked are in the card's heading.
 */

import { createMemo, For, Show, type JSX } from "solid-js";
import { parseGlob, parseGrep, parseList, relativePath } from "../../lib/tools";
import { inputString, outputText, type ToolBodyProps } from "./shared";

function Criteria(props: ToolBodyProps): JSX.Element {
  const pattern = () => inputString(props.part, "pattern");
  const path = () => inputString(props.part, "path");
  const include = () => inputString(props.part, "include");
  return (
    <dl class="tool-criteria">
      <Show when={pattern()}>
        <div>
          <dt>Pattern</dt>
          <dd class="mono">{pattern()}</dd>
        </div>
      </Show>
      <div>
        <dt>In</dt>
        <dd class="mono">{path() ? relativePath(path(), props.root) : "the project"}</dd>
      </div>
      <Show when={include()}>
        <div>
          <dt>Files</dt>
          <dd class="mono">{include()}</dd>
        </div>
      </Show>
    </dl>
  );
}

function Truncated(props: { when: boolean }): JSX.Element {
  return (
    <Show when={props.when}>
      <p class="muted">More matched than the tool returned.</p>
    </Show>
  );
}

export function GlobBody(props: ToolBodyProps): JSX.Element {
  const result = createMemo(() => parseGlob(outputText(props.part)));
  return (
    <>
      <Criteria {...props} />
      <Show when={props.part.state.status === "completed"}>
        <Show when={result().files.length > 0} fallback={<p class="muted">No files matched.</p>}>
          <ul class="tool-files mono" aria-label="Matching files">
            <For each={result().files}>{(file) => <li>{relativePath(file, props.root)}</li>}</For>
          </ul>
        </Show>
        <Truncated when={result().truncated} />
      </Show>
    </>
  );
}

export function GrepBody(props: ToolBodyProps): JSX.Element {
  const result = createMemo(() => parseGrep(outputText(props.part)));
  return (
    <>
      <Criteria {...props} />
      <Show when={props.part.state.status === "completed"}>
        <Show when={result().files.length > 0} fallback={<p class="muted">Nothing matched.</p>}>
          <ul class="grep-files" aria-label="Matches">
            <For each={result().files}>
              {(file) => (
                <li>
                  <span class="grep-file mono">{relativePath(file.path, props.root)}</span>
                  <ol class="grep-lines mono">
                    <For each={file.matches}>
                      {(match) => (
                        <li>
                          <span class="grep-num">{match.line}</span>
                          <span class="grep-text">{match.text}</span>
                        </li>
                      )}
                    </For>
                  </ol>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Truncated when={result().truncated} />
      </Show>
    </>
  );
}

export function ListBody(props: ToolBodyProps): JSX.Element {
  const tree = createMemo(() => parseList(outputText(props.part)));
  return (
    <Show when={props.part.state.status === "completed"}>
      <Show
        when={tree().entries.length > 0}
        fallback={<p class="muted">The directory is empty.</p>}
      >
        <ul
          class="tool-tree mono"
          aria-label={`Contents of ${relativePath(tree().root, props.root)}`}
        >
          <For each={tree().entries}>
            {(entry) => (
              <li style={{ "padding-left": `${entry.depth * 16}px` }} data-dir={entry.dir}>
                {entry.name}
                {entry.dir ? "/" : ""}
              </li>
            )}
          </For>
        </ul>
      </Show>
    </Show>
  );
}
