/**
 * Model output as markdown, loaded when a conversation is first opened: marked, DOMPurify
 * and `markdown.tsx` are a chunk of their own (a quarter of the app's script), so the
 * first screen, the server list and the workspace without a session, carries none of it.
 *
 * The chat view calls `loadMarkdown()` as it opens, so the chunk comes in alongside the
 * conversation, and holds the messages back until `markdownSettled()` (loaded, or failed
 * to load), so a reply is never shown as raw text first. Should the chunk not load (a
 * dropped connection), `Markdown` shows the text as it is, never HTML, and the next
 * conversation opened tries again.
 */

import { createSignal, Show, type ComponentProps, type JSX } from "solid-js";
import { Dynamic } from "solid-js/web";
import type { Markdown as RealMarkdown } from "./markdown";

type MarkdownView = typeof RealMarkdown;

const [view, setView] = createSignal<MarkdownView | null>(null);
const [failed, setFailed] = createSignal(false);
let loading: Promise<void> | null = null;

/** Start loading the markdown chunk (once; again after a failure). */
export function loadMarkdown(): Promise<void> {
  if (view() !== null) return Promise.resolve();
  loading ??= import("./markdown").then(
    (module) => {
      setView(() => module.Markdown);
    },
    () => {
      loading = null;
      setFailed(true);
    },
  );
  return loading;
}

/** Whether the chunk has loaded, or failed to (then text shows plain). */
export function markdownSettled(): boolean {
  return view() !== null || failed();
}

export function Markdown(props: ComponentProps<MarkdownView>): JSX.Element {
  void loadMarkdown();
  return (
    <Show
      when={view()}
      fallback={<div class={`markdown markdown-plain ${props.class ?? ""}`}>{props.text}</div>}
    >
      {(loaded) => <Dynamic component={loaded()} {...props} />}
    </Show>
  );
}
