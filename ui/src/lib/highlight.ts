/**
 * Syntax highlighting with Shiki, loaded only when some code is first shown. Shiki comes
 * in its finest grain: `@shikijs/primitive` (the tokenizer, without the HTML renderer we
 * do not use) with `@shikijs/engine-javascript` (the page's CSP allows neither WebAssembly
 * nor eval, so not the Oniguruma engine) in one lazy chunk, the github-light and
 * github-dark themes, and each language's grammar on its first use, a chunk of its own;
 * a page without code fetches none of them.
 *
 * Highlighting never holds the text back: `tokenize` answers at once, with tokens when the
 * language is loaded and `null` (show it plain) otherwise, and `loadLanguage` says when
 * asking again will work. Unknown languages, failures and very long texts stay plain.
 * Tokens carry both themes' colours; `tokenNodes` builds them as DOM nodes (text nodes and
 * CSS custom properties, never an HTML string), and `styles/code.css` picks the colour for
 * the scheme in use.
 */

import type {
  LanguageRegistration,
  ShikiPrimitive,
  ThemedTokenWithVariants,
} from "@shikijs/primitive";

/** One coloured piece of a line: its text and its colour in the light and dark themes. */
export interface Token {
  content: string;
  light?: string;
  dark?: string;
  italic?: boolean;
  bold?: boolean;
  /** Part of a changed word in a diff line (drawn with a stronger background). */
  mark?: boolean;
}

/** The tokens of each line of a text. */
export type TokenLines = Token[][];

/** Texts longer than this stay plain: tokenizing them would hold up the page. */
export const HIGHLIGHT_LIMITS = { lines: 2000, chars: 200_000 } as const;

type Grammar = () => Promise<{ default: LanguageRegistration[] }>;

/** The languages we highlight, by Shiki's id; each grammar is a lazy chunk. */
const GRAMMARS: Record<string, Grammar> = {
  python: () => import("@shikijs/langs/python"),
  typescript: () => import("@shikijs/langs/typescript"),
  tsx: () => import("@shikijs/langs/tsx"),
  javascript: () => import("@shikijs/langs/javascript"),
  jsx: () => import("@shikijs/langs/jsx"),
  json: () => import("@shikijs/langs/json"),
  jsonc: () => import("@shikijs/langs/jsonc"),
  shellscript: () => import("@shikijs/langs/shellscript"),
  shellsession: () => import("@shikijs/langs/shellsession"),
  yaml: () => import("@shikijs/langs/yaml"),
  toml: () => import("@shikijs/langs/toml"),
  ini: () => import("@shikijs/langs/ini"),
  markdown: () => import("@shikijs/langs/markdown"),
  html: () => import("@shikijs/langs/html"),
  xml: () => import("@shikijs/langs/xml"),
  css: () => import("@shikijs/langs/css"),
  scss: () => import("@shikijs/langs/scss"),
  go: () => import("@shikijs/langs/go"),
  rust: () => import("@shikijs/langs/rust"),
  java: () => import("@shikijs/langs/java"),
  kotlin: () => import("@shikijs/langs/kotlin"),
  c: () => import("@shikijs/langs/c"),
  cpp: () => import("@shikijs/langs/cpp"),
  csharp: () => import("@shikijs/langs/csharp"),
  swift: () => import("@shikijs/langs/swift"),
  ruby: () => import("@shikijs/langs/ruby"),
  php: () => import("@shikijs/langs/php"),
  lua: () => import("@shikijs/langs/lua"),
  sql: () => import("@shikijs/langs/sql"),
  diff: () => import("@shikijs/langs/diff"),
  docker: () => import("@shikijs/langs/docker"),
  makefile: () => import("@shikijs/langs/makefile"),
};

/** Other names for them: markdown fence names and common spellings. */
const ALIASES: Record<string, string> = {
  py: "python",
  python3: "python",
  py3: "python",
  ts: "typescript",
  mts: "typescript",
  cts: "typescript",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  node: "javascript",
  sh: "shellscript",
  bash: "shellscript",
  zsh: "shellscript",
  shell: "shellscript",
  ksh: "shellscript",
  console: "shellsession",
  "shell-session": "shellsession",
  yml: "yaml",
  md: "markdown",
  htm: "html",
  xhtml: "html",
  svg: "xml",
  rs: "rust",
  golang: "go",
  kt: "kotlin",
  kts: "kotlin",
  h: "c",
  "c++": "cpp",
  cc: "cpp",
  cxx: "cpp",
  hpp: "cpp",
  hh: "cpp",
  hxx: "cpp",
  cs: "csharp",
  "c#": "csharp",
  rb: "ruby",
  patch: "diff",
  dockerfile: "docker",
  containerfile: "docker",
  make: "makefile",
  mk: "makefile",
  cfg: "ini",
  conf: "ini",
  properties: "ini",
  pgsql: "sql",
  postgres: "sql",
  sqlite: "sql",
  mysql: "sql",
};

/** Files known by their whole name rather than an extension. */
const FILE_NAMES: Record<string, string> = {
  dockerfile: "docker",
  containerfile: "docker",
  makefile: "makefile",
  gnumakefile: "makefile",
  ".bashrc": "shellscript",
  ".bash_profile": "shellscript",
  ".profile": "shellscript",
  ".zshrc": "shellscript",
  ".gitconfig": "ini",
  ".editorconfig": "ini",
  "cargo.lock": "toml",
  pipfile: "toml",
  "tsconfig.json": "jsonc",
  "jsconfig.json": "jsonc",
  ".eslintrc": "jsonc",
};

/** Shiki's id for a language name (a fence's info string, an extension), or null. */
export function languageByName(name: string | undefined | null): string | null {
  const key = (name ?? "").trim().toLowerCase();
  if (key === "") return null;
  if (Object.hasOwn(GRAMMARS, key)) return key;
  return Object.hasOwn(ALIASES, key) ? ALIASES[key]! : null;
}

/** The language of a file from its name (`src/hello.py` → python), or null. */
export function languageOfPath(path: string | undefined | null): string | null {
  const base = (path ?? "").split(/[\\/]/).pop()?.toLowerCase() ?? "";
  if (base === "") return null;
  if (Object.hasOwn(FILE_NAMES, base)) return FILE_NAMES[base]!;
  if (/^(docker|container)file\./.test(base)) return "docker";
  const dot = base.lastIndexOf(".");
  return dot > 0 || (dot === 0 && base.length > 1) ? languageByName(base.slice(dot + 1)) : null;
}

/** The language for some code: the one given if we know it, else the file name's. */
export function languageFor(hint: { language?: string | undefined; path?: string | undefined }) {
  return languageByName(hint.language) ?? languageOfPath(hint.path);
}

/** Whether a text is too long to highlight (it is then shown plain). */
export function tooLong(code: string): boolean {
  if (code.length > HIGHLIGHT_LIMITS.chars) return true;
  let lines = 1;
  for (let at = code.indexOf("\n"); at !== -1; at = code.indexOf("\n", at + 1)) {
    if (++lines > HIGHLIGHT_LIMITS.lines) return true;
  }
  return false;
}

let highlighter: ShikiPrimitive | null = null;
let primitives: typeof import("@shikijs/primitive") | null = null;
let starting: Promise<ShikiPrimitive> | null = null;
const loading = new Map<string, Promise<boolean>>();
const loaded = new Set<string>();

function start(): Promise<ShikiPrimitive> {
  starting ??= (async () => {
    const [primitive, { createJavaScriptRegexEngine }, light, dark] = await Promise.all([
      import("@shikijs/primitive"),
      import("@shikijs/engine-javascript"),
      import("@shikijs/themes/github-light"),
      import("@shikijs/themes/github-dark"),
    ]);
    const shiki = await primitive.createShikiPrimitiveAsync({
      themes: [light.default, dark.default],
      langs: [],
      // Patterns the JavaScript engine cannot express are skipped, not fatal.
      engine: createJavaScriptRegexEngine({ forgiving: true }),
    });
    primitives = primitive;
    highlighter = shiki;
    return shiki;
  })();
  return starting;
}

/**
 * Loads Shiki (the first time) and a language's grammar; true once `tokenize` can
 * highlight it, false for an unknown language or a failed load (the text stays plain).
 */
export function loadLanguage(language: string): Promise<boolean> {
  if (loaded.has(language)) return Promise.resolve(true);
  const grammar = GRAMMARS[language];
  if (!grammar) return Promise.resolve(false);
  let pending = loading.get(language);
  if (!pending) {
    pending = (async () => {
      try {
        const [core, module] = await Promise.all([start(), grammar()]);
        await core.loadLanguage(module.default);
        loaded.add(language);
        return true;
      } catch (error) {
        console.warn(`Could not load the ${language} highlighter`, error);
        return false;
      }
    })();
    loading.set(language, pending);
  }
  return pending;
}

const FONT_ITALIC = 1;
const FONT_BOLD = 2;

function toToken(token: ThemedTokenWithVariants): Token {
  const light = token.variants.light;
  const dark = token.variants.dark;
  const out: Token = { content: token.content };
  if (light?.color) out.light = light.color;
  if (dark?.color) out.dark = dark.color;
  const both = (light?.fontStyle ?? 0) & (dark?.fontStyle ?? 0);
  if (both > 0 && both & FONT_ITALIC) out.italic = true;
  if (both > 0 && both & FONT_BOLD) out.bold = true;
  return out;
}

// Recent answers by language and text, the oldest dropped past this many characters.
const cache = new Map<string, TokenLines>();
const CACHE_CHARS = 2_000_000;
let cachedChars = 0;

function remember(key: string, lines: TokenLines): void {
  cache.set(key, lines);
  cachedChars += key.length;
  for (const [oldest] of cache) {
    if (cachedChars <= CACHE_CHARS || cache.size === 1) break;
    cache.delete(oldest);
    cachedChars -= oldest.length;
  }
}

/**
 * The tokens of `code` in `language`, now: null while the language is not loaded yet
 * (call `loadLanguage` and ask again), for an unknown language, a text that is too long,
 * or a failure. Recent answers are remembered, so a text painted again costs nothing.
 */
export function tokenize(code: string, language: string | null): TokenLines | null {
  if (!language || !highlighter || !primitives || !loaded.has(language) || tooLong(code)) {
    return null;
  }
  const key = `${language}\u0000${code}`;
  const known = cache.get(key);
  if (known) {
    cache.delete(key);
    cache.set(key, known);
    return known;
  }
  try {
    const lines = primitives
      .codeToTokensWithThemes(highlighter, code, {
        lang: language,
        themes: { light: "github-light", dark: "github-dark" },
        // A minified line is left as it is rather than tokenized for seconds.
        tokenizeMaxLineLength: 4000,
        tokenizeTimeLimit: 200,
      })
      .map((line) => line.map(toToken));
    remember(key, lines);
    return lines;
  } catch (error) {
    console.warn(`Could not highlight ${language}`, error);
    return null;
  }
}

/** The tokens of `code`, waiting for the language to load; null when it stays plain. */
export async function highlight(code: string, language: string | null): Promise<TokenLines | null> {
  if (!language || tooLong(code)) return null;
  return (await loadLanguage(language)) ? tokenize(code, language) : null;
}

/**
 * A line's tokens cut at the edges of `ranges` (character offsets into the line), the
 * pieces inside them marked. Without tokens the line is one plain token.
 */
export function markRanges(
  tokens: readonly Token[] | undefined,
  text: string,
  ranges: readonly { start: number; end: number }[],
): Token[] {
  const source: readonly Token[] = tokens ?? [{ content: text }];
  if (ranges.length === 0) return [...source];
  const out: Token[] = [];
  let at = 0;
  for (const token of source) {
    const end = at + token.content.length;
    let cut = at;
    while (cut < end) {
      const inside = ranges.find((range) => range.start <= cut && cut < range.end);
      const next = inside
        ? Math.min(inside.end, end)
        : Math.min(end, ...ranges.filter((range) => range.start > cut).map((range) => range.start));
      const piece: Token = { ...token, content: token.content.slice(cut - at, next - at) };
      if (inside) piece.mark = true;
      else delete piece.mark;
      out.push(piece);
      cut = next;
    }
    at = end;
  }
  return out;
}

/** Whether Shiki has been loaded on this page (for tests and diagnostics). */
export function highlighterLoaded(): boolean {
  return highlighter !== null;
}

/**
 * A line's tokens as DOM nodes: a span per coloured token, its colours as custom
 * properties (`--tl`, `--td`) set through the CSSOM, its text as a text node.
 */
export function tokenNodes(tokens: readonly Token[]): Node[] {
  return tokens.map((token) => {
    if (!token.light && !token.dark && !token.italic && !token.bold && !token.mark) {
      return document.createTextNode(token.content);
    }
    const span = document.createElement("span");
    span.className = token.mark ? "tok diff-word" : "tok";
    if (token.light) span.style.setProperty("--tl", token.light);
    if (token.dark) span.style.setProperty("--td", token.dark);
    if (token.italic) span.style.fontStyle = "italic";
    if (token.bold) span.style.fontWeight = "600";
    span.textContent = token.content;
    return span;
  });
}
