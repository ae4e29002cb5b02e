/**
 * What the panels' resize handles share, apart from the DOM: the size kept within its
 * range, the size a key asks for, and the size remembered in localStorage (a number of
 * pixels under the panel's own key; anything else there is ignored).
 */

import type { KeyValueStorage } from "./storage";

export interface SizeRange {
  min: number;
  /** Below `min` (a small window) counts as `min`: the panel never gets smaller. */
  max: number;
}

export function clampSize(value: number, range: SizeRange): number {
  const max = Math.max(range.min, range.max);
  if (!Number.isFinite(value)) return range.min;
  return Math.min(max, Math.max(range.min, Math.round(value)));
}

/**
 * The size a key on the handle asks for, or undefined for a key it does not use. The
 * panel lies after its handle (below it or right of it), so the key toward the panel
 * (`shrinkKey`) makes it smaller; Home and End go to the smallest and largest size.
 */
export function sizeForKey(
  key: string,
  size: number,
  range: SizeRange,
  step: number,
  growKey: string,
  shrinkKey: string,
): number | undefined {
  if (key === growKey) return clampSize(size + step, range);
  if (key === shrinkKey) return clampSize(size - step, range);
  if (key === "Home") return clampSize(range.min, range);
  if (key === "End") return clampSize(range.max, range);
  return undefined;
}

/** The size kept under `key`, if it is a sensible one. */
export function loadSize(storage: KeyValueStorage | undefined, key: string): number | undefined {
  let text: string | null | undefined;
  try {
    text = storage?.getItem(key);
  } catch {
    return undefined;
  }
  if (!text || !/^\d{1,5}$/.test(text.trim())) return undefined;
  const size = Number(text);
  return size > 0 ? size : undefined;
}

/** Keep a size (undefined forgets it, back to the default); false when storage refuses. */
export function saveSize(
  storage: KeyValueStorage | undefined,
  key: string,
  size: number | undefined,
): boolean {
  if (!storage) return false;
  try {
    if (size === undefined) storage.removeItem(key);
    else storage.setItem(key, String(Math.round(size)));
    return true;
  } catch {
    return false;
  }
}
