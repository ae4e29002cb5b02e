/** Settings → About: what this notebook's service is and what it may reach. */

import { For, type JSX } from "solid-js";
import { useConfig } from "../context/config";

export function AboutPage(): JSX.Element {
  const config = useConfig();
  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>About</h1>
          <p class="page-lead">This notebook's OpenCode proxy.</p>
        </div>
      </header>
      <dl class="facts">
        <dt>Version</dt>
        <dd>{config.version}</dd>
        <dt>Served under</dt>
        <dd class="mono">{config.prefix}</dd>
        <dt>Servers it may reach</dt>
        <dd>
          <ul class="pattern-list">
            <For each={config.allow} fallback={<li>None</li>}>
              {(pattern) => <li class="mono">{pattern}</li>}
            </For>
          </ul>
        </dd>
        <dt>Passwords</dt>
        <dd>Kept by the notebook service for this browser session, never in the browser.</dd>
      </dl>
    </div>
  );
}
