/**
 * The colour theme: light, dark, or the system's (the default, as before). The choice is
 * kept in localStorage and shown by an attribute on `<html>` (`data-theme="light"` or
 * `"dark"`, none for the system's), which the stylesheets read. `applyStoredTheme` runs
 * as the app's module starts, before the first paint, so a chosen theme never flashes
 * the other one (the CSP forbids an inline script in the page for this).
 */

import { localStore } from "./storage";

export type ThemeChoice = "system" | "light" | "dark";

export const THEME_KEY = "opencode-proxy.theme.v1";
export const THEME_EVENT = "opencode-theme-change";

export function parseTheme(value: unknown): ThemeChoice {
  return value === "light" || value === "dark" ? value : "system";
}

type Reader = Pick<Storage, "getItem">;

export function loadTheme(storage: Reader | null): ThemeChoice {
  try {
    return parseTheme(storage?.getItem(THEME_KEY));
  } catch {
    return "system";
  }
}

/** Show the choice on the root element (and tell listeners, e.g. the terminal). */
export function applyTheme(choice: ThemeChoice, root: HTMLElement): void {
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
  root.dispatchEvent(new CustomEvent(THEME_EVENT, { detail: choice }));
}

export function applyStoredTheme(): ThemeChoice {
  const choice = loadTheme(localStore() ?? null);
  applyTheme(choice, document.documentElement);
  return choice;
}

export function saveTheme(choice: ThemeChoice): void {
  try {
    if (choice === "system") window.localStorage.removeItem(THEME_KEY);
    else window.localStorage.setItem(THEME_KEY, choice);
  } catch {
    // Kept for this visit only.
  }
}
