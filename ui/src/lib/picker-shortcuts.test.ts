import { describe, expect, it } from "vitest";
import {
  isMac,
  matchesShortcut,
  PICKER_SHORTCUTS,
  shortcutLabel,
  type KeyLike,
} from "./picker-shortcuts";

function key(init: Partial<KeyLike> & { key: string }): KeyLike {
  return { ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...init };
}

describe("matchesShortcut", () => {
  it("matches the key with exactly its modifiers", () => {
    const cycle = PICKER_SHORTCUTS.cycleVariant;
    expect(matchesShortcut(key({ key: "D", ctrlKey: true, shiftKey: true }), cycle, false)).toBe(
      true,
    );
    expect(matchesShortcut(key({ key: "d", ctrlKey: true }), cycle, false)).toBe(false);
    expect(
      matchesShortcut(key({ key: "D", ctrlKey: true, shiftKey: true, altKey: true }), cycle, false),
    ).toBe(false);
    expect(matchesShortcut(key({ key: "D", metaKey: true, shiftKey: true }), cycle, false)).toBe(
      false,
    );
    expect(matchesShortcut(key({ key: "D", metaKey: true, shiftKey: true }), cycle, true)).toBe(
      true,
    );
    expect(matchesShortcut(key({ key: "D", ctrlKey: true, shiftKey: true }), cycle, true)).toBe(
      false,
    );
  });

  it("uses the physical key when Shift or the layout changes the character", () => {
    const back = PICKER_SHORTCUTS.cycleAgentBack;
    expect(
      matchesShortcut(
        key({ key: ">", code: "Period", ctrlKey: true, shiftKey: true }),
        back,
        false,
      ),
    ).toBe(true);
    expect(matchesShortcut(key({ key: ".", code: "Period", ctrlKey: true }), back, false)).toBe(
      false,
    );
    expect(
      matchesShortcut(
        key({ key: ".", code: "Period", ctrlKey: true }),
        PICKER_SHORTCUTS.cycleAgent,
        false,
      ),
    ).toBe(true);
    // A German layout's ä sits where US has the quote.
    expect(
      matchesShortcut(
        key({ key: "ä", code: "Quote", ctrlKey: true }),
        PICKER_SHORTCUTS.chooseModel,
        false,
      ),
    ).toBe(true);
    expect(
      matchesShortcut(
        key({ key: "в", code: "KeyD", ctrlKey: true, shiftKey: true }),
        PICKER_SHORTCUTS.cycleVariant,
        false,
      ),
    ).toBe(true);
  });
});

describe("shortcutLabel", () => {
  it("reads as the platform writes it", () => {
    expect(shortcutLabel(PICKER_SHORTCUTS.cycleVariant, false)).toBe("Ctrl+Shift+D");
    expect(shortcutLabel(PICKER_SHORTCUTS.cycleVariant, true)).toBe("⌘⇧D");
    expect(shortcutLabel(PICKER_SHORTCUTS.chooseModel, false)).toBe("Ctrl+'");
  });
  it("knows a Mac", () => {
    expect(isMac("MacIntel")).toBe(true);
    expect(isMac("Linux x86_64")).toBe(false);
  });
});
