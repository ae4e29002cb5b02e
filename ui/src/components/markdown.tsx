/**
 * Model output as markdown. The text is untrusted: raw HTML in it is shown as text (never
 * parsed, so not even the browser's parser sees an event handler), marked turns the
 * markdown into HTML, and DOMPurify keeps only the tags and attributes that markdown
 * itself produces (no scripts, no event handlers, no images or frames, links only to
 * http(s) and mailto) before it reaches the page. While a reply streams, the text is re-rendered at most
 * once per animation frame, and only this part's element changes. Fenced code blocks are
 * highlighted after that (`lib/highlight.ts`): their text nodes are replaced by token
 * spans built with DOM calls, the text itself unchanged, plain until the language loads.
 */

import DOMPurify from "dompurify";
import { Marked } from "marked";
import { createEffect, onCleanup, type JSX } from "solid-js";
import {
  languageByName,
  loadLanguage,
  tokenize,
  tokenNodes,
  type TokenLines,
} from "../lib/highlight";

const ALLOWED_TAGS = [
  "a",
  "b",
  "blockquote",
  "br",
  "code",
  "del",
  "em",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "i",
  "kbd",
  "li",
  "ol",
  "p",
  "pre",
  "s",
  "strong",
  "sub",
  "sup",
  "table",
  "tbody",
  "td",
  "th",
  "thead",
  "tr",
  "ul",
];
const ALLOWED_ATTR = ["href", "title", "class", "align", "start"];
const SAFE_LINK = /^(https?:|mailto:)/i;
const LANGUAGE_CLASS = /^language-[\w+#.-]{1,32}$/;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    // Raw HTML from the model is displayed, not interpreted.
    html: ({ text }) => escapeHtml(text),
  },
});
let purifier: ReturnType<typeof DOMPurify> | null = null;

function sanitizer(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  const instance = DOMPurify(window);
  instance.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A") {
      const href = node.getAttribute("href") ?? "";
      if (!SAFE_LINK.test(href.trim())) node.removeAttribute("href");
      else {
        node.setAttribute("target", "_blank");
        node.setAttribute("rel", "noopener noreferrer nofollow");
      }
    }
    const className = node.getAttribute("class");
    if (className !== null && !(node.tagName === "CODE" && LANGUAGE_CLASS.test(className))) {
      node.removeAttribute("class");
    }
  });
  purifier = instance;
  return instance;
}

/** Markdown to sanitized HTML: safe to assign to innerHTML. */
export function renderMarkdown(text: string): string {
  const html = marked.parse(text) as string;
  return sanitizer().sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: [...ALLOWED_ATTR, "target", "rel"],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    KEEP_CONTENT: true,
  });
}

/** Replaces a code element's text with the same text as coloured tokens. */
function paintTokens(code: HTMLElement, text: string, tokens: TokenLines): void {
  const nodes: Node[] = [];
  tokens.forEach((line, index) => {
    if (index > 0) nodes.push(document.createTextNode("\n"));
    nodes.push(...tokenNodes(line));
  });
  if (text.endsWith("\n")) nodes.push(document.createTextNode("\n"));
  code.replaceChildren(...nodes);
  code.dataset.highlighted = "true";
}

/** Blocks longer than this are highlighted a moment later, once the text holds still. */
const SMALL_BLOCK = 20_000;

/**
 * Highlights a code block: now when its language is loaded and it is small, else a moment
 * later (once the language is loaded), and only if the block is still the one shown (a
 * streaming reply replaces its blocks every frame).
 */
function highlightBlock(code: HTMLElement, language: string | undefined): void {
  const lang = languageByName(language);
  if (!lang) return;
  const text = code.textContent ?? "";
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const tokens = text.length <= SMALL_BLOCK ? tokenize(body, lang) : null;
  if (tokens) {
    paintTokens(code, text, tokens);
    return;
  }
  void loadLanguage(lang).then((ok) => {
    if (!ok) return;
    setTimeout(
      () => {
        if (!code.isConnected || code.textContent !== text) return;
        const later = tokenize(body, lang);
        if (later) paintTokens(code, text, later);
      },
      text.length > SMALL_BLOCK ? 100 : 0,
    );
  });
}

/** Give every code block a Copy button (built with DOM calls, never HTML strings). */
function decorateCodeBlocks(root: HTMLElement): void {
  for (const pre of root.querySelectorAll("pre")) {
    const code = pre.querySelector("code");
    const language = /language-([\w+#.-]+)/.exec(code?.className ?? "")?.[1];
    const bar = document.createElement("div");
    bar.className = "code-bar";
    const label = document.createElement("span");
    label.textContent = language ?? "text";
    const copy = document.createElement("button");
    copy.type = "button";
    copy.className = "code-copy";
    copy.textContent = "Copy";
    copy.setAttribute("aria-label", "Copy code");
    copy.addEventListener("click", () => {
      void navigator.clipboard?.writeText(code?.textContent ?? "").then(() => {
        copy.textContent = "Copied";
        setTimeout(() => (copy.textContent = "Copy"), 1500);
      });
    });
    bar.append(label, copy);
    pre.before(bar);
    const block = document.createElement("div");
    block.className = "code-block";
    bar.before(block);
    block.append(bar, pre);
    if (code) highlightBlock(code, language);
  }
}

/** A block of rendered markdown that follows `text` as it grows. */
export function Markdown(props: { text: string; class?: string | undefined }): JSX.Element {
  let element: HTMLDivElement | undefined;
  let frame = 0;
  let shown: string | null = null;
  const paint = () => {
    frame = 0;
    if (!element || shown === props.text) return;
    shown = props.text;
    // Sanitized just above; the only innerHTML in the app, and only for model output.
    element.innerHTML = renderMarkdown(shown);
    decorateCodeBlocks(element);
  };
  createEffect(() => {
    void props.text;
    if (shown === null) paint();
    else if (frame === 0) frame = requestAnimationFrame(paint);
  });
  onCleanup(() => {
    if (frame !== 0) cancelAnimationFrame(frame);
  });
  return <div ref={element} class={`markdown ${props.class ?? ""}`} />;
}
