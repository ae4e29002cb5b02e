/**
 * The keyboard shortcut table of `lib/shortcuts.ts` as a view (in the palette and in
 * Settings), and key caps as the platform names them (`Ctrl` `Shift` `P`, or `⌘` `⇧` `P`).
 */

import { For, Index, Show, type JSX } from "solid-js";
import {
  currentPlatform,
  keyCaps,
  keysOf,
  SHORTCUT_GROUPS,
  SHORTCUTS,
  type KeyCombo,
  type Platform,
  type Shortcut,
} from "../lib/shortcuts";

/** One combination's key caps. */
export function KeyCaps(props: { combo: KeyCombo; platform: Platform }): JSX.Element {
  return (
    <span class="key-caps">
      <For each={keyCaps(props.combo, props.platform)}>{(cap) => <kbd>{cap}</kbd>}</For>
    </span>
  );
}

/** Every shortcut of the table, by group: what it does and its keys on this platform. */
export function ShortcutsTable(props: { platform?: Platform }): JSX.Element {
  const platform = () => props.platform ?? currentPlatform();
  return (
    <div class="shortcuts">
      <For each={SHORTCUT_GROUPS}>
        {(group) => (
          <section
            class="shortcuts-group"
            aria-labelledby={`shortcuts-${group.replace(/\W+/g, "-")}`}
          >
            <h3 id={`shortcuts-${group.replace(/\W+/g, "-")}`}>{group}</h3>
            <table class="shortcuts-table" aria-label={`${group} shortcuts`}>
              <tbody>
                <For
                  each={(SHORTCUTS as readonly Shortcut[]).filter(
                    (shortcut) => shortcut.group === group,
                  )}
                >
                  {(shortcut) => (
                    <tr data-shortcut={shortcut.id}>
                      <td class="shortcut-description">{shortcut.description}</td>
                      <td class="shortcut-keys">
                        <Index each={keysOf(shortcut, platform())}>
                          {(combo, index) => (
                            <>
                              <Show when={index > 0}>
                                <span class="muted"> or </span>
                              </Show>
                              <KeyCaps combo={combo()} platform={platform()} />
                            </>
                          )}
                        </Index>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </section>
        )}
      </For>
    </div>
  );
}
