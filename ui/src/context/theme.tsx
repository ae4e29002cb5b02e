/**
 * The theme choice for the views (Settings, the command palette): read at start-up by
 * `lib/theme.ts` before the first paint, changed here, and followed across tabs.
 */

import {
  createContext,
  createSignal,
  onCleanup,
  useContext,
  type Accessor,
  type JSX,
} from "solid-js";
import {
  applyTheme,
  loadTheme,
  parseTheme,
  saveTheme,
  THEME_KEY,
  type ThemeChoice,
} from "../lib/theme";

interface ThemeValue {
  choice: Accessor<ThemeChoice>;
  setChoice(choice: ThemeChoice): void;
}

const ThemeContext = createContext<ThemeValue>();

export function ThemeProvider(props: { children: JSX.Element }): JSX.Element {
  const [choice, setSignal] = createSignal<ThemeChoice>(
    loadTheme(
      (() => {
        try {
          return window.localStorage;
        } catch {
          return null;
        }
      })(),
    ),
  );
  const onStorage = (event: StorageEvent) => {
    if (event.key !== THEME_KEY && event.key !== null) return;
    const next = parseTheme(event.newValue);
    setSignal(next);
    applyTheme(next, document.documentElement);
  };
  window.addEventListener("storage", onStorage);
  onCleanup(() => window.removeEventListener("storage", onStorage));
  const value: ThemeValue = {
    choice,
    setChoice(next) {
      setSignal(next);
      saveTheme(next);
      applyTheme(next, document.documentElement);
    },
  };
  return <ThemeContext.Provider value={value}>{props.children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeValue {
  const value = useContext(ThemeContext);
  if (!value) throw new Error("useTheme needs a ThemeProvider");
  return value;
}
