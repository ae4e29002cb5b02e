/**
 * Settings → Preferences: the colour theme (light, dark, or the system's) and browser
 * notifications when the agent finishes or needs the user while the tab is hidden (the
 * browser's permission is asked when they are turned on here, never before).
 */

import { For, Match, Switch, type JSX } from "solid-js";
import { useNotifications } from "../context/notifications";
import { useTheme } from "../context/theme";
import type { ThemeChoice } from "../lib/theme";

const THEMES: Array<{ value: ThemeChoice; label: string; hint: string }> = [
  { value: "system", label: "System", hint: "Follows your device's light or dark setting." },
  { value: "light", label: "Light", hint: "Always light." },
  { value: "dark", label: "Dark", hint: "Always dark." },
];

export function PreferencesPage(): JSX.Element {
  const theme = useTheme();
  const notifications = useNotifications();
  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Preferences</h1>
          <p class="page-lead">Kept in this browser.</p>
        </div>
      </header>

      <fieldset class="pref-group">
        <legend>Theme</legend>
        <div class="theme-options" role="radiogroup" aria-label="Theme">
          <For each={THEMES}>
            {(option) => (
              <label class="theme-option" data-theme-option={option.value}>
                <input
                  type="radio"
                  name="theme"
                  value={option.value}
                  checked={theme.choice() === option.value}
                  onChange={() => theme.setChoice(option.value)}
                />
                <span class="theme-swatch" aria-hidden="true" />
                <span class="theme-text">
                  <span class="theme-label">{option.label}</span>
                  <span class="theme-hint">{option.hint}</span>
                </span>
              </label>
            )}
          </For>
        </div>
      </fieldset>

      <fieldset class="pref-group">
        <legend>Notifications</legend>
        <label class="pref-toggle">
          <input
            type="checkbox"
            checked={notifications.enabled()}
            disabled={
              notifications.permission() === "unsupported" ||
              notifications.permission() === "denied"
            }
            onChange={(event) => {
              if (event.currentTarget.checked) void notifications.enable();
              else notifications.disable();
            }}
          />
          <span>
            Notify me when the agent finishes, fails, or waits for my permission or answer while
            this tab is hidden
          </span>
        </label>
        <p class="pref-hint" role="status">
          <Switch>
            <Match when={notifications.permission() === "unsupported"}>
              This browser cannot show notifications. The tab's title still counts the sessions that
              need you.
            </Match>
            <Match when={notifications.permission() === "denied"}>
              The browser blocks notifications for this page: allow them in its site settings, then
              come back here.
            </Match>
            <Match when={notifications.enabled()}>
              On. Clicking a notification opens its session.
            </Match>
            <Match when={true}>
              Off. The tab's title counts the sessions that need you (“(2) …”) either way.
            </Match>
          </Switch>
        </p>
      </fieldset>
    </div>
  );
}
