/**
 * A text with the characters a fuzzy search matched marked (`<mark>`), each run a text
 * node: names come from the server and are never parsed as HTML.
 */

import { For, type JSX } from "solid-js";
import { segments } from "../../lib/fuzzy";

export function Highlighted(props: {
  text: string;
  indexes: readonly number[];
  /** Where `text` starts in the string the indexes refer to. */
  offset?: number;
}): JSX.Element {
  return (
    <For each={segments(props.text, props.indexes, props.offset ?? 0)}>
      {(run) => (run.marked ? <mark class="fuzzy-mark">{run.text}</mark> : run.text)}
    </For>
  );
}
