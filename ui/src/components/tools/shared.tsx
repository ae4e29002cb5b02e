/**
 * What every tool body shares: its props, the call's input and metadata read safely,
 * and the small pieces the bodies are made of (a labelled field, a mono block that
 * scrolls inside itself, the +a −d counts). Server text is only ever a text node here.
 */

import { Show, type JSX } from "solid-js";
import type { ToolPart } from "../../api/types";
import { metadataOf, outputOf } from "../../lib/tools";

export interface ToolBodyProps {
  part: ToolPart;
  /** The project directory, for showing paths relative to it. */
  root: string | undefined;
}

type Bag = Record<string, unknown>;

export function inputOf(part: ToolPart): Bag {
  const input = part.state.input;
  return typeof input === "object" && input !== null && !Array.isArray(input) ? input : {};
}

export function metaOf(part: ToolPart): Bag {
  return metadataOf(part.state);
}

export function outputText(part: ToolPart): string {
  return outputOf(part.state);
}

/** A string argument of the call, or "". */
export function inputString(part: ToolPart, key: string): string {
  const value = inputOf(part)[key];
  return typeof value === "string" ? value : "";
}

/** A label and its value on one line. */
export function Field(props: { label: string; children: JSX.Element }): JSX.Element {
  return (
    <div class="tool-field">
      <span class="tool-field-label">{props.label}</span>{" "}
      <span class="tool-field-value">{props.children}</span>
    </div>
  );
}

/** Plain text in a mono block that scrolls inside itself (keyboard-focusable to scroll). */
export function MonoBlock(props: {
  text: string;
  label: string;
  class?: string | undefined;
}): JSX.Element {
  return (
    <pre
      class={`tool-pre ${props.class ?? ""}`}
      tabindex="0"
      role="region"
      aria-label={props.label}
    >
      {props.text}
    </pre>
  );
}

/** "+3 −1", each half only when it has lines. */
export function Counts(props: {
  additions?: number | undefined;
  deletions?: number | undefined;
}): JSX.Element {
  return (
    <Show when={props.additions !== undefined || props.deletions !== undefined}>
      <span class="tool-counts mono" aria-label={countsLabel(props.additions, props.deletions)}>
        <Show when={props.additions}>
          <span class="added">+{props.additions}</span>{" "}
        </Show>
        <Show when={props.deletions}>
          <span class="deleted">−{props.deletions}</span>
        </Show>
        <Show when={!props.additions && !props.deletions}>
          <span class="muted">±0</span>
        </Show>
      </span>
    </Show>
  );
}

function countsLabel(additions = 0, deletions = 0): string {
  const lines = (count: number) => `${count} line${count === 1 ? "" : "s"}`;
  return `${lines(additions)} added, ${lines(deletions)} deleted`;
}
