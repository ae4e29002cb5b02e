/**
 * The file shown in the Files panel: its path (folder muted, name plain), its git mark,
 * a "Copy path" button, and its content: text highlighted for its language by the code
 * view (scrolled to the line asked for, which is marked), an image (from the server's
 * base64 content only, through a `data:` URL), or in words a binary file, one too large
 * to show, an empty one, or why it could not be read.
 */

import { createEffect, createSignal, Match, on, onCleanup, Show, Switch, type JSX } from "solid-js";
import { useFiles } from "../../context/files";
import { MARK_TEXT } from "../../lib/file-tree";
import { sizeText, type FileView } from "../../lib/file-view";
import { splitPath } from "../../lib/palette";
import { CodeView } from "../code-view";
import { ProblemBox } from "../problem-box";
import { CheckIcon, CopyIcon } from "../session-icons";

/** Lines laid out at first (the code view offers the rest behind a button). */
const SHOWN_LINES = 3000;
const COPIED_MS = 2000;

export function FileViewer(props: { path: string }): JSX.Element {
  const files = useFiles();
  const parts = () => splitPath(props.path);
  const mark = () => files.mark(props.path);
  const state = () => {
    const content = files.content();
    return content.status !== "idle" && content.path === props.path ? content : undefined;
  };
  const view = () => {
    const current = state();
    return current?.status === "ready" ? current.view : undefined;
  };
  const failure = () => {
    const current = state();
    return current?.status === "error" ? current.problem : undefined;
  };
  /** The view, when it is of this kind. */
  const kind = <K extends FileView["kind"]>(name: K) => {
    const shown = view();
    return shown?.kind === name ? (shown as Extract<FileView, { kind: K }>) : undefined;
  };
  const line = () => files.selected()?.line;
  let body: HTMLDivElement | undefined;

  // Scroll to the line asked for once the text is laid out (and on every new open).
  createEffect(
    on([() => files.selected()?.seq, view], () => {
      const wanted = line();
      const shown = view();
      if (!body || !shown || shown.kind !== "text") return;
      const frame = requestAnimationFrame(() => {
        if (!body) return;
        body.querySelectorAll(".code-line.target-line").forEach((row) => {
          row.classList.remove("target-line");
        });
        const scroller = body.querySelector<HTMLElement>(".code-scroll");
        if (!wanted) {
          if (scroller) scroller.scrollTop = 0;
          return;
        }
        const row = body.querySelectorAll<HTMLElement>(".code-line")[wanted - 1];
        if (!row) return;
        row.classList.add("target-line");
        if (scroller) scroller.scrollTop = Math.max(0, row.offsetTop - scroller.clientHeight / 3);
      });
      onCleanup(() => cancelAnimationFrame(frame));
    }),
  );

  return (
    <section class="file-viewer" aria-label={`File ${props.path}`}>
      <header class="file-viewer-head">
        <span class="file-viewer-path mono" title={props.path}>
          <span class="muted">{parts().folder}</span>
          <span class="file-viewer-name">{parts().name}</span>
        </span>
        <Show when={mark()}>
          {(found) => (
            <span class="git-mark" data-status={found().status}>
              <span aria-hidden="true">{MARK_TEXT[found().status].letter}</span>
              <span class="sr-only">{MARK_TEXT[found().status].label}</span>
            </span>
          )}
        </Show>
        <Show when={line()}>
          <span class="muted file-viewer-line">line {line()}</span>
        </Show>
        <div class="panel-spacer" />
        <CopyPath path={props.path} />
      </header>
      <div class="file-viewer-body" ref={body} aria-busy={state()?.status === "loading"}>
        <Switch>
          <Match when={state()?.status === "loading"}>
            <p class="panel-empty">Opening {parts().name}…</p>
          </Match>
          <Match when={failure()}>
            {(found) => (
              <ProblemBox problem={{ ...found(), title: `${parts().name} could not be opened` }} />
            )}
          </Match>
          <Match when={kind("text")}>
            {(shown) => (
              <CodeView
                code={shown().text}
                path={props.path}
                maxLines={Math.max(SHOWN_LINES, (line() ?? 0) + 200)}
                label={`Content of ${props.path}`}
              />
            )}
          </Match>
          <Match when={kind("image")}>
            {(shown) => (
              <figure class="file-image">
                <img src={shown().url} alt={`${parts().name}, as the server has it`} />
                <figcaption class="muted">
                  {shown().mime} · {sizeText(shown().bytes)}
                </figcaption>
              </figure>
            )}
          </Match>
          <Match when={kind("binary")}>
            {(shown) => <p class="panel-empty">{binaryText(shown().mime, shown().bytes)}</p>}
          </Match>
          <Match when={kind("large")}>
            {(shown) => (
              <p class="panel-empty">
                This file is too large to show here ({sizeText(shown().bytes)}).
              </p>
            )}
          </Match>
          <Match when={kind("empty")}>
            <p class="panel-empty">The file is empty.</p>
          </Match>
        </Switch>
      </div>
    </section>
  );
}

function binaryText(mime: string | undefined, bytes: number | undefined): string {
  const about = [mime, bytes === undefined ? undefined : sizeText(bytes)]
    .filter(Boolean)
    .join(", ");
  return `A binary file${about ? ` (${about})` : ""}: not shown as text.`;
}

function CopyPath(props: { path: string }): JSX.Element {
  const [copied, setCopied] = createSignal<"yes" | "no" | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(props.path);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
    clearTimeout(timer);
    timer = setTimeout(() => setCopied(null), COPIED_MS);
  };
  return (
    <>
      <button
        type="button"
        class="button ghost small"
        aria-label="Copy path"
        title={`Copy ${props.path}`}
        onClick={() => void copy()}
      >
        <Show when={copied() === "yes"} fallback={<CopyIcon />}>
          <CheckIcon />
        </Show>
        <span class="tool-text">{copied() === "yes" ? "Copied" : "Copy path"}</span>
      </button>
      <span class="sr-only" role="status">
        {copied() === "yes"
          ? "Path copied"
          : copied() === "no"
            ? "The path could not be copied"
            : ""}
      </span>
    </>
  );
}
