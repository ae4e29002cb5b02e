/**
 * A file's or a tool's text as code: line numbers in a gutter, highlighted by Shiki once
 * its language is loaded (plain text until then, and for unknown languages or very long
 * texts), scrolling inside itself, and cut at `maxLines` behind a "Show all N lines"
 * button. `useTokens` is the reactive side of `lib/highlight.ts`, shared with the diff view.
 */

import { createMemo, createSignal, Index, Show, untrack, type Accessor, type JSX } from "solid-js";
import type { TextRange } from "../lib/word-diff";
import {
  languageFor,
  loadLanguage,
  markRanges,
  tokenize,
  tokenNodes,
  type Token,
  type TokenLines,
} from "../lib/highlight";

/** A text's lines, without the empty one a final newline would add. */
export function splitLines(code: string): string[] {
  const text = code.endsWith("\n") ? code.slice(0, -1) : code;
  return text.split("\n");
}

/**
 * The tokens of `code` (one entry per line of `splitLines`), or null while it is shown
 * plain: at once when the language is loaded, else after it loads (and never for unknown
 * languages or very long texts).
 */
export function useTokens(
  code: Accessor<string>,
  language: Accessor<string | null>,
): Accessor<TokenLines | null> {
  const [ready, setReady] = createSignal(0);
  return createMemo(() => {
    void ready();
    const lang = language();
    const text = code();
    if (!lang || text === "") return null;
    const body = text.endsWith("\n") ? text.slice(0, -1) : text;
    const tokens = tokenize(body, lang);
    if (tokens) return tokens;
    untrack(() => {
      void loadLanguage(lang).then((ok) => {
        if (ok) setReady((count) => count + 1);
      });
    });
    return null;
  });
}

/**
 * A line's content: its tokens as DOM nodes when there are some, else the plain text; the
 * characters in `marks` (a diff's changed words) marked either way.
 */
export function lineContent(
  text: string,
  tokens: readonly Token[] | undefined,
  marks?: readonly TextRange[],
): JSX.Element {
  if (marks && marks.length > 0) return tokenNodes(markRanges(tokens, text, marks));
  return tokens ? tokenNodes(tokens) : text;
}

export function CodeView(props: {
  code: string;
  path?: string | undefined;
  language?: string | undefined;
  startLine?: number | undefined;
  maxLines?: number | undefined;
  label?: string | undefined;
}): JSX.Element {
  const lines = createMemo(() => splitLines(props.code));
  const language = createMemo(() => languageFor({ language: props.language, path: props.path }));
  const tokens = useTokens(() => props.code, language);
  const [expanded, setExpanded] = createSignal(false);
  const cut = () => {
    const max = props.maxLines;
    return !expanded() && max !== undefined && max > 0 && lines().length > max;
  };
  const shown = createMemo(() => (cut() ? lines().slice(0, props.maxLines) : lines()));
  const first = () => props.startLine ?? 1;
  const lineTokens = (index: number): Token[] | undefined => {
    const all = tokens();
    return all && all.length === lines().length ? all[index] : undefined;
  };
  // The gutter is as wide as the largest number it shows.
  const digits = () => String(first() + shown().length - 1).length;

  return (
    <div
      class="code-view"
      role="region"
      aria-label={props.label ?? (props.path ? `Content of ${props.path}` : "Code")}
      data-language={language() ?? "text"}
      data-highlighted={tokens() ? "true" : "false"}
    >
      <div
        class="code-scroll mono"
        tabindex="0"
        style={{ "--gutter-digits": String(Math.max(2, digits())) }}
      >
        <Index each={shown()}>
          {(line, index) => (
            <div class="code-line">
              <span class="code-num" aria-hidden="true">
                {first() + index}
              </span>
              <span class="code-text">{lineContent(line(), lineTokens(index))}</span>
            </div>
          )}
        </Index>
      </div>
      <Show when={cut()}>
        <button type="button" class="code-more" onClick={() => setExpanded(true)}>
          Show all {lines().length} lines
        </button>
      </Show>
    </div>
  );
}
