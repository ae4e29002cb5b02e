/**
 * The app's keyboard shortcuts, in one table: what each does, its keys on a Mac and
 * elsewhere, and whether the app-wide key handler runs it (`global`) or the place it
 * belongs to does (the prompt box, the pickers, the palette, the file tree): the table
 * feeds both the handler (`findShortcut`) and the "Keyboard shortcuts" view.
 *
 * The defaults are upstream's web app's, minus what a browser keeps for itself (Ctrl+T,
 * Ctrl+N, Ctrl+W, Ctrl+Tab never reach a page) or what would take away a browser key
 * people rely on (Ctrl+Shift+R reload, Ctrl+L the address bar, Ctrl+F find, Ctrl+U view
 * source): those commands are in the palette instead.
 *
 * Written by hand: matching a key event to a combination and naming it is a few lines,
 * and the key-binding libraries bring their own listeners and registries besides.
 */

import { PICKER_SHORTCUTS } from "./picker-shortcuts";

export type Platform = "mac" | "other";

/** One key combination. `mod` is ⌘ on a Mac and Ctrl elsewhere; `ctrl` is Ctrl on both. */
export interface KeyCombo {
  /** `KeyboardEvent.key` without Shift, lower case for letters ("k", "`", "ArrowUp"). */
  key: string;
  mod?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  alt?: boolean;
}

export type ShortcutGroup = "General" | "Sessions" | "Panels" | "Prompt" | "Lists and dialogs";

export interface Shortcut {
  id: string;
  description: string;
  group: ShortcutGroup;
  /** Alternatives, any of which works; `mac` replaces them on a Mac when given. */
  keys: readonly KeyCombo[];
  mac?: readonly KeyCombo[];
  /** Run by the app-wide handler; otherwise listed here and handled where it applies. */
  global: boolean;
}

export const SHORTCUTS = [
  {
    id: "palette.open",
    description: "Open the command palette",
    group: "General",
    keys: [
      { key: "p", mod: true, shift: true },
      { key: "k", mod: true },
    ],
    global: true,
  },
  {
    id: "file.find",
    description: "Find a file by name",
    group: "General",
    keys: [{ key: "p", mod: true }],
    global: true,
  },
  {
    id: "settings.open",
    description: "Open Settings",
    group: "General",
    keys: [{ key: ",", mod: true }],
    global: true,
  },
  {
    id: "session.new",
    description: "Start a new session",
    group: "Sessions",
    keys: [{ key: "s", mod: true, shift: true }],
    global: true,
  },
  {
    id: "session.previous",
    description: "Previous session in the list",
    group: "Sessions",
    keys: [{ key: "ArrowUp", alt: true }],
    global: true,
  },
  {
    id: "session.next",
    description: "Next session in the list",
    group: "Sessions",
    keys: [{ key: "ArrowDown", alt: true }],
    global: true,
  },
  {
    id: "terminal.toggle",
    description: "Show or hide the terminal",
    group: "Panels",
    keys: [{ key: "`", ctrl: true }],
    global: true,
  },
  {
    id: "files.toggle",
    description: "Show or hide the files",
    group: "Panels",
    keys: [{ key: "\\", mod: true }],
    global: true,
  },
  {
    id: "prompt.send",
    description: "Send the prompt",
    group: "Prompt",
    keys: [{ key: "Enter" }],
    global: false,
  },
  {
    id: "prompt.newline",
    description: "New line in the prompt",
    group: "Prompt",
    keys: [{ key: "Enter", shift: true }],
    global: false,
  },
  {
    id: "prompt.sendNow",
    description: "Send at once while the agent works (instead of after it)",
    group: "Prompt",
    keys: [{ key: "Enter", mod: true }],
    global: false,
  },
  {
    id: "prompt.history",
    description: "Earlier or later prompts (at the start or end of the text)",
    group: "Prompt",
    keys: [{ key: "ArrowUp" }, { key: "ArrowDown" }],
    global: false,
  },
  {
    id: "prompt.mention",
    description: "Mention a file (@) or run a command (/)",
    group: "Prompt",
    keys: [{ key: "@" }, { key: "/" }],
    global: false,
  },
  {
    id: "model.choose",
    description: "Choose the model",
    group: "Prompt",
    keys: [PICKER_SHORTCUTS.chooseModel],
    global: false,
  },
  {
    id: "model.variant",
    description: "Next thinking effort of the model",
    group: "Prompt",
    keys: [PICKER_SHORTCUTS.cycleVariant],
    global: false,
  },
  {
    id: "agent.cycle",
    description: "Next agent (Shift: the one before)",
    group: "Prompt",
    keys: [PICKER_SHORTCUTS.cycleAgent, PICKER_SHORTCUTS.cycleAgentBack],
    global: false,
  },
  {
    id: "list.move",
    description: "Move through the palette, a menu or the file tree",
    group: "Lists and dialogs",
    keys: [{ key: "ArrowUp" }, { key: "ArrowDown" }],
    global: false,
  },
  {
    id: "tree.folder",
    description: "Open or close a folder of the file tree",
    group: "Lists and dialogs",
    keys: [{ key: "ArrowRight" }, { key: "ArrowLeft" }],
    global: false,
  },
  {
    id: "list.choose",
    description: "Run the command or open the item",
    group: "Lists and dialogs",
    keys: [{ key: "Enter" }],
    global: false,
  },
  {
    id: "dialog.close",
    description: "Close the palette, a menu or a dialog",
    group: "Lists and dialogs",
    keys: [{ key: "Escape" }],
    global: false,
  },
] as const satisfies readonly Shortcut[];

export type ShortcutId = (typeof SHORTCUTS)[number]["id"];

export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  "General",
  "Sessions",
  "Panels",
  "Prompt",
  "Lists and dialogs",
];

/** The platform the page runs on: a Mac (⌘ is the mod key) or anything else. */
export function currentPlatform(
  platform: string = globalThis.navigator?.platform ?? "",
  userAgent: string = globalThis.navigator?.userAgent ?? "",
): Platform {
  return /mac|iphone|ipad|ipod/i.test(platform || userAgent) ? "mac" : "other";
}

/** The combinations of a shortcut on a platform. */
export function keysOf(shortcut: Shortcut, platform: Platform): readonly KeyCombo[] {
  return platform === "mac" && shortcut.mac ? shortcut.mac : shortcut.keys;
}

/** The parts of a keyboard event a combination looks at. */
export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Physical keys for the punctuation used, for when Shift, Alt or the layout changes `key`. */
const CODES: Record<string, string> = {
  "`": "Backquote",
  "\\": "Backslash",
  ",": "Comma",
  ".": "Period",
  "'": "Quote",
  "/": "Slash",
};

function codeOf(key: string): string | undefined {
  if (/^[a-z]$/.test(key)) return `Key${key.toUpperCase()}`;
  if (/^[0-9]$/.test(key)) return `Digit${key}`;
  return CODES[key];
}

/** Whether `event` is `combo`, with exactly its modifiers. */
export function matchesCombo(event: KeyLike, combo: KeyCombo, platform: Platform): boolean {
  const mac = platform === "mac";
  const wantCtrl = combo.ctrl === true || (!mac && combo.mod === true);
  const wantMeta = mac && combo.mod === true;
  if (event.ctrlKey !== wantCtrl || event.metaKey !== wantMeta) return false;
  if (event.altKey !== (combo.alt === true)) return false;
  // Shift is part of typing "@": only a letter's or a named key's combination checks it.
  const printable = event.key.length === 1;
  const shiftMatters = combo.shift !== undefined || !printable || /^[a-z]$/i.test(event.key);
  if (shiftMatters && event.shiftKey !== (combo.shift === true)) return false;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (key === combo.key) return true;
  // Shift, Alt (on a Mac) or the layout may make the key another character ("." is ">"
  // with Shift): then the physical key counts.
  const code = codeOf(combo.key);
  const altered = event.altKey || event.shiftKey || !/^[\x20-\x7e]$/.test(event.key);
  return code !== undefined && event.code === code && altered;
}

/** The app-wide shortcut `event` is, if any. */
export function findShortcut(
  event: KeyLike,
  platform: Platform,
  table: readonly Shortcut[] = SHORTCUTS,
): Shortcut | undefined {
  return table.find(
    (shortcut) =>
      shortcut.global &&
      keysOf(shortcut, platform).some((combo) => matchesCombo(event, combo, platform)),
  );
}

const KEY_NAMES: Record<string, { mac: string; other: string }> = {
  ArrowUp: { mac: "↑", other: "↑" },
  ArrowDown: { mac: "↓", other: "↓" },
  ArrowLeft: { mac: "←", other: "←" },
  ArrowRight: { mac: "→", other: "→" },
  Enter: { mac: "↩", other: "Enter" },
  Escape: { mac: "Esc", other: "Esc" },
  " ": { mac: "Space", other: "Space" },
};

/** A combination's key caps, in order: ["Ctrl", "Shift", "P"] or ["⌘", "⇧", "P"]. */
export function keyCaps(combo: KeyCombo, platform: Platform): string[] {
  const mac = platform === "mac";
  const caps: string[] = [];
  if (combo.ctrl || (!mac && combo.mod)) caps.push(mac ? "⌃" : "Ctrl");
  if (mac && combo.mod) caps.push("⌘");
  if (combo.alt) caps.push(mac ? "⌥" : "Alt");
  if (combo.shift) caps.push(mac ? "⇧" : "Shift");
  const named = KEY_NAMES[combo.key];
  caps.push(named ? named[platform] : combo.key.length === 1 ? combo.key.toUpperCase() : combo.key);
  return caps;
}

/** How a combination reads in a sentence or a tooltip: "Ctrl+Shift+P", or "⌘⇧P" on a Mac. */
export function comboText(combo: KeyCombo, platform: Platform): string {
  return keyCaps(combo, platform).join(platform === "mac" ? "" : "+");
}

/** A shortcut's keys in words, alternatives joined: "Ctrl+Shift+P or Ctrl+K". */
export function shortcutText(id: ShortcutId, platform: Platform): string {
  const shortcut = shortcutById(id);
  return shortcut
    ? keysOf(shortcut, platform)
        .map((combo) => comboText(combo, platform))
        .join(" or ")
    : "";
}

export function shortcutById(id: string): Shortcut | undefined {
  return (SHORTCUTS as readonly Shortcut[]).find((shortcut) => shortcut.id === id);
}

/** Whether a shortcut's first combination is `event` (for handlers of non-global ones). */
export function isShortcut(event: KeyLike, id: ShortcutId, platform: Platform): boolean {
  const shortcut = shortcutById(id);
  return (
    !!shortcut && keysOf(shortcut, platform).some((combo) => matchesCombo(event, combo, platform))
  );
}
