/**
 * The pickers' keyboard shortcuts, as upstream's web app binds them: Ctrl+' (⌘' on a Mac)
 * opens the model picker, Ctrl+Shift+D cycles the thinking effort, Ctrl+. and
 * Ctrl+Shift+. cycle the agent (Tab and Shift+Tab in an empty prompt do too: the prompt
 * box handles those). Ctrl+T, the TUI's binding, is the browsers' new tab and never
 * reaches a page; these do, in Chromium and Firefox alike.
 *
 * Written by hand: a matcher and a label are a few lines, and the app has no key-binding
 * library; `lib/shortcuts.ts` may take these over.
 */

export interface Shortcut {
  /** The key as `KeyboardEvent.key` gives it without Shift, lower case. */
  key: string;
  /** Ctrl, or ⌘ on a Mac. */
  mod?: boolean;
  shift?: boolean;
  alt?: boolean;
}

export const PICKER_SHORTCUTS = {
  chooseModel: { key: "'", mod: true },
  cycleVariant: { key: "d", mod: true, shift: true },
  cycleAgent: { key: ".", mod: true },
  cycleAgentBack: { key: ".", mod: true, shift: true },
} as const satisfies Record<string, Shortcut>;

/** Physical keys, for when Shift or the layout changes `key` ("." is ">" with Shift). */
const CODES: Record<string, string> = { "'": "Quote", ".": "Period" };

/** The parts of a keyboard event a shortcut looks at. */
export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Whether this is a Mac, where the mod key is ⌘ (Meta). */
export function isMac(platform: string = globalThis.navigator?.platform ?? ""): boolean {
  return /mac|iphone|ipad/i.test(platform);
}

/** Whether `event` is `shortcut` (exactly those modifiers). */
export function matchesShortcut(event: KeyLike, shortcut: Shortcut, mac = isMac()): boolean {
  const mod = mac ? event.metaKey : event.ctrlKey;
  const other = mac ? event.ctrlKey : event.metaKey;
  if (mod !== (shortcut.mod === true) || other) return false;
  if (event.shiftKey !== (shortcut.shift === true) || event.altKey !== (shortcut.alt === true)) {
    return false;
  }
  const code =
    CODES[shortcut.key] ?? (/^[a-z]$/.test(shortcut.key) ? `Key${shortcut.key.toUpperCase()}` : "");
  return event.key.toLowerCase() === shortcut.key || (code !== "" && event.code === code);
}

/** How the shortcut reads in a tooltip: "Ctrl+Shift+D", or "⌘⇧D" on a Mac. */
export function shortcutLabel(shortcut: Shortcut, mac = isMac()): string {
  const key = shortcut.key.length === 1 ? shortcut.key.toUpperCase() : shortcut.key;
  if (mac) {
    return `${shortcut.mod ? "⌘" : ""}${shortcut.alt ? "⌥" : ""}${shortcut.shift ? "⇧" : ""}${key}`;
  }
  return [shortcut.mod && "Ctrl", shortcut.alt && "Alt", shortcut.shift && "Shift", key]
    .filter(Boolean)
    .join("+");
}
