/** Reading untrusted values from a tool part: every field is checked before use. */

import type { ToolState } from "../../api/types";

export type Bag = Record<string, unknown>;

export function isBag(value: unknown): value is Bag {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The metadata of a state that has some. */
export function metadataOf(state: ToolState): Bag {
  return "metadata" in state && isBag(state.metadata) ? state.metadata : {};
}

/** The output of a finished call ("" otherwise). */
export function outputOf(state: ToolState): string {
  return state.status === "completed" && typeof state.output === "string" ? state.output : "";
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
