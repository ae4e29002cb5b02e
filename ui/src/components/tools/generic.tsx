/**
 * A tool the UI has no card for (MCP tools, plugins, skills): its arguments as labelled
 * rows (`lib/tools.ts` `valueRows`: short values inline, long ones in blocks, nested ones
 * indented) and its output as text. Never a JSON dump.
 */

import { For, Match, Show, Switch, type JSX } from "solid-js";
import { valueRows, type ValueRow } from "../../lib/tools";
import { inputOf, MonoBlock, outputText, type ToolBodyProps } from "./shared";

function Rows(props: { rows: ValueRow[]; label?: string }): JSX.Element {
  return (
    <dl class="value-rows" aria-label={props.label}>
      <For each={props.rows}>
        {(row) => (
          <div class="value-row" data-kind={row.kind}>
            <dt>{row.key}</dt>
            <dd>
              <Switch>
                <Match when={row.kind === "text" && row}>
                  {(text) => <span>{(text() as { text: string }).text}</span>}
                </Match>
                <Match when={row.kind === "block" && row}>
                  {(block) => (
                    <MonoBlock text={(block() as { text: string }).text} label={row.key} />
                  )}
                </Match>
                <Match when={row.kind === "group" && row}>
                  {(group) => <Rows rows={(group() as { rows: ValueRow[] }).rows} />}
                </Match>
              </Switch>
            </dd>
          </div>
        )}
      </For>
    </dl>
  );
}

export function GenericBody(props: ToolBodyProps): JSX.Element {
  const rows = () => valueRows(inputOf(props.part));
  const output = () => outputText(props.part);
  return (
    <>
      <Show when={rows().length > 0}>
        <Rows rows={rows()} label="Arguments" />
      </Show>
      <Show when={output()}>
        <MonoBlock text={output()} label="Output" />
      </Show>
    </>
  );
}
