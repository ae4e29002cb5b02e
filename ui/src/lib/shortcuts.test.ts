import { describe, expect, it } from "vitest";
import {
  comboText,
  currentPlatform,
  findShortcut,
  isShortcut,
  keyCaps,
  matchesCombo,
  SHORTCUT_GROUPS,
  SHORTCUTS,
  shortcutText,
  type KeyLike,
} from "./shortcuts";

const press = (key: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key,
  code: "",
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe("the table", () => {
  it("has unique ids, known groups and at least one key each", () => {
    const ids = SHORTCUTS.map((shortcut) => shortcut.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const shortcut of SHORTCUTS) {
      expect(SHORTCUT_GROUPS).toContain(shortcut.group);
      expect(shortcut.keys.length).toBeGreaterThan(0);
    }
  });

  it("takes no key a browser keeps for itself", () => {
    // New tab/window, close, switch tabs; reload, address bar, find, view source.
    const reserved = ["t", "n", "w", "Tab", "r", "l", "f", "u"];
    for (const shortcut of SHORTCUTS.filter((entry) => entry.global)) {
      for (const combo of shortcut.keys) {
        const mod = "mod" in combo || "ctrl" in combo;
        expect(mod && reserved.includes(combo.key), `${shortcut.id} takes ${combo.key}`).toBe(
          false,
        );
      }
    }
  });
});

describe("matching", () => {
  it("opens the palette with Ctrl+Shift+P and Ctrl+K, or ⌘ on a Mac", () => {
    expect(
      findShortcut(press("P", { ctrlKey: true, shiftKey: true, code: "KeyP" }), "other")?.id,
    ).toBe("palette.open");
    expect(findShortcut(press("k", { ctrlKey: true }), "other")?.id).toBe("palette.open");
    expect(findShortcut(press("k", { metaKey: true }), "mac")?.id).toBe("palette.open");
    expect(findShortcut(press("k", { ctrlKey: true }), "mac")).toBeUndefined();
    expect(findShortcut(press("k", { metaKey: true }), "other")).toBeUndefined();
  });

  it("needs exactly the combination's modifiers", () => {
    expect(findShortcut(press("k", { ctrlKey: true, shiftKey: true }), "other")).toBeUndefined();
    expect(findShortcut(press("k", { ctrlKey: true, altKey: true }), "other")).toBeUndefined();
    expect(findShortcut(press("p", { ctrlKey: true }), "other")?.id).toBe("file.find");
    expect(findShortcut(press("k"), "other")).toBeUndefined();
  });

  it("toggles the terminal with Ctrl+` on every platform", () => {
    expect(findShortcut(press("`", { ctrlKey: true, code: "Backquote" }), "other")?.id).toBe(
      "terminal.toggle",
    );
    expect(findShortcut(press("`", { ctrlKey: true, code: "Backquote" }), "mac")?.id).toBe(
      "terminal.toggle",
    );
    expect(findShortcut(press("`", { metaKey: true }), "mac")).toBeUndefined();
  });

  it("falls back to the physical key when Alt, Shift or the layout changes the character", () => {
    // Ctrl+` on a layout where that key is a dead key.
    expect(findShortcut(press("Dead", { ctrlKey: true, code: "Backquote" }), "other")?.id).toBe(
      "terminal.toggle",
    );
    // Ctrl+Shift+. reads ">" but is the Period key.
    expect(
      matchesCombo(
        press(">", { ctrlKey: true, shiftKey: true, code: "Period" }),
        { key: ".", mod: true, shift: true },
        "other",
      ),
    ).toBe(true);
    // A plain character is matched by itself, not by where its key sits.
    expect(
      matchesCombo(press("q", { ctrlKey: true, code: "KeyA" }), { key: "a", mod: true }, "other"),
    ).toBe(false);
  });

  it("moves between sessions with Alt+Up and Alt+Down", () => {
    expect(findShortcut(press("ArrowUp", { altKey: true }), "other")?.id).toBe("session.previous");
    expect(findShortcut(press("ArrowDown", { altKey: true }), "mac")?.id).toBe("session.next");
    expect(findShortcut(press("ArrowDown"), "other")).toBeUndefined();
  });

  it("leaves the prompt's own keys to the prompt box", () => {
    expect(findShortcut(press("Enter"), "other")).toBeUndefined();
    expect(findShortcut(press("Enter", { shiftKey: true }), "other")).toBeUndefined();
    expect(isShortcut(press("Enter", { shiftKey: true }), "prompt.newline", "other")).toBe(true);
    expect(isShortcut(press("Enter"), "prompt.newline", "other")).toBe(false);
    expect(isShortcut(press("@", { shiftKey: true }), "prompt.mention", "other")).toBe(true);
  });
});

describe("names", () => {
  it("names keys per platform", () => {
    expect(keyCaps({ key: "p", mod: true, shift: true }, "other")).toEqual(["Ctrl", "Shift", "P"]);
    expect(keyCaps({ key: "p", mod: true, shift: true }, "mac")).toEqual(["⌘", "⇧", "P"]);
    expect(keyCaps({ key: "`", ctrl: true }, "mac")).toEqual(["⌃", "`"]);
    expect(keyCaps({ key: "ArrowUp", alt: true }, "other")).toEqual(["Alt", "↑"]);
    expect(comboText({ key: "k", mod: true }, "other")).toBe("Ctrl+K");
    expect(comboText({ key: "k", mod: true }, "mac")).toBe("⌘K");
    expect(shortcutText("palette.open", "other")).toBe("Ctrl+Shift+P or Ctrl+K");
  });

  it("tells a Mac from the rest", () => {
    expect(currentPlatform("MacIntel", "")).toBe("mac");
    expect(currentPlatform("", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)")).toBe(
      "mac",
    );
    expect(currentPlatform("Linux x86_64", "")).toBe("other");
    expect(currentPlatform("Win32", "")).toBe("other");
  });
});
