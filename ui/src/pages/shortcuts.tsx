/** Settings → Keyboard shortcuts: the app's shortcut table (`lib/shortcuts.ts`). */

import type { JSX } from "solid-js";
import { ShortcutsTable } from "../components/shortcuts-table";
import { currentPlatform, shortcutText } from "../lib/shortcuts";

export function ShortcutsPage(): JSX.Element {
  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Keyboard shortcuts</h1>
          <p class="page-lead">
            The command palette ({shortcutText("palette.open", currentPlatform())}) lists them too,
            and runs everything else by name.
          </p>
        </div>
      </header>
      <ShortcutsTable />
    </div>
  );
}
