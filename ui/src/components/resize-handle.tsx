/**
 * A panel's resize handle, shared by the terminal (its height) and the side panel (its
 * width): a focusable separator the pointer drags (with pointer capture, so a fast drag
 * never loses it) and the keyboard moves (arrows step, Home and End go to the ends);
 * a double-click goes back to the default. The panel lies after the handle (below it or
 * right of it), so moving toward the panel makes it smaller. `createStoredSize` is the
 * size itself: kept within a range that follows the window, remembered across reloads.
 */

import { createSignal, onCleanup, type Accessor, type JSX } from "solid-js";
import { clampSize, loadSize, saveSize, sizeForKey, type SizeRange } from "../lib/resize";
import { localStore } from "../lib/storage";

export interface StoredSize {
  size: Accessor<number>;
  range: Accessor<SizeRange>;
  /** A new size; kept across reloads unless `keep` is false (during a drag). */
  set(size: number, keep?: boolean): void;
  /** Back to the default, and forget the kept size. */
  reset(): void;
}

/** The window's size, which the default and the range follow. */
export type WindowSize = { width: number; height: number };

/**
 * A size kept under `key` in localStorage; `fallback` is the default (nothing kept) and
 * `range` its limits, both from the window's size, so a narrower window shrinks the panel
 * without forgetting the size chosen.
 */
export function createStoredSize(
  key: string,
  fallback: (view: WindowSize) => number,
  range: (view: WindowSize) => SizeRange,
): StoredSize {
  const storage = localStore();
  const measure = (): WindowSize => ({ width: window.innerWidth, height: window.innerHeight });
  const [viewport, setViewport] = createSignal(measure());
  const onResize = () => setViewport(measure());
  window.addEventListener("resize", onResize);
  onCleanup(() => window.removeEventListener("resize", onResize));
  const [kept, setKept] = createSignal(loadSize(storage, key));
  const limits = () => range(viewport());
  return {
    size: () => clampSize(kept() ?? fallback(viewport()), limits()),
    range: limits,
    set(size, keep = true) {
      const next = clampSize(size, limits());
      setKept(next);
      if (keep) saveSize(storage, key, next);
    },
    reset() {
      setKept(undefined);
      saveSize(storage, key, undefined);
    },
  };
}

export function ResizeHandle(props: {
  label: string;
  /** "horizontal": a line between rows, dragged up and down; "vertical": between columns. */
  orientation: "horizontal" | "vertical";
  sized: StoredSize;
  step: number;
  class?: string;
}): JSX.Element {
  const vertical = () => props.orientation === "vertical";
  const startDrag = (event: PointerEvent) => {
    if (event.button !== 0) return;
    event.preventDefault();
    const handle = event.currentTarget as HTMLElement;
    handle.setPointerCapture(event.pointerId);
    handle.focus({ preventScroll: true });
    const position = (moved: PointerEvent) => (vertical() ? moved.clientX : moved.clientY);
    const start = position(event);
    const startSize = props.sized.size();
    // Written to storage once, when the drag ends, not on every move.
    const move = (moved: PointerEvent) =>
      props.sized.set(startSize + start - position(moved), false);
    const end = () => {
      props.sized.set(props.sized.size());
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", end);
      handle.removeEventListener("pointercancel", end);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", end);
    handle.addEventListener("pointercancel", end);
  };
  return (
    <div
      class={`resize-handle ${props.class ?? ""}`}
      role="separator"
      aria-orientation={props.orientation}
      aria-label={props.label}
      aria-valuemin={props.sized.range().min}
      aria-valuemax={Math.max(props.sized.range().min, props.sized.range().max)}
      aria-valuenow={props.sized.size()}
      title={`${props.label}: drag, or use the arrow keys; double-click for the default`}
      tabindex="0"
      onPointerDown={startDrag}
      onDblClick={() => props.sized.reset()}
      onKeyDown={(event) => {
        const next = sizeForKey(
          event.key,
          props.sized.size(),
          props.sized.range(),
          props.step,
          vertical() ? "ArrowLeft" : "ArrowUp",
          vertical() ? "ArrowRight" : "ArrowDown",
        );
        if (next === undefined) return;
        event.preventDefault();
        props.sized.set(next);
      }}
    />
  );
}
