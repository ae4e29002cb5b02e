/**
 * The pickers' popovers: the browser's own Popover API (`popover="auto"`: the top layer,
 * so no overflow of the prompt bar clips it; a click outside or Escape closes it, and only
 * one is open at a time), placed next to its button by hand, above it when there is more
 * room there (the prompt bar sits at the bottom), never wider than the screen. CSS anchor
 * positioning would do the placing, but Firefox does not have it yet; no kept library in
 * the app positions popovers, and this is the one thing left to do.
 */

import { createSignal, onCleanup, type Accessor } from "solid-js";

const MARGIN = 8;
const GAP = 6;

export interface PickerPopover {
  open: Accessor<boolean>;
  show(): void;
  hide(options?: { focusButton?: boolean }): void;
  toggle(): void;
  /** Give these to the button and the panel (`ref`). */
  button(element: HTMLElement): void;
  panel(element: HTMLElement): void;
}

/**
 * A popover for one picker. `width` is the panel's preferred width; `onOpen` runs once it
 * is shown (focus the search field there). The button should also name the panel in
 * `popovertarget`, so that the browser toggles it and treats the button as its invoker.
 */
export function createPickerPopover(options: {
  width: number;
  maxHeight?: number;
  onOpen?: () => void;
  onClose?: () => void;
}): PickerPopover {
  const [open, setOpen] = createSignal(false);
  let button: HTMLElement | undefined;
  let panel: HTMLElement | undefined;

  const place = () => {
    if (!button || !panel) return;
    const rect = button.getBoundingClientRect();
    const viewWidth = document.documentElement.clientWidth || window.innerWidth;
    const viewHeight = window.innerHeight;
    const width = Math.min(options.width, viewWidth - 2 * MARGIN);
    const left = Math.min(Math.max(MARGIN, rect.left), viewWidth - width - MARGIN);
    const above = rect.top - MARGIN - GAP;
    const below = viewHeight - rect.bottom - MARGIN - GAP;
    const limit = options.maxHeight ?? 440;
    const style = panel.style;
    style.width = `${width}px`;
    style.left = `${Math.max(MARGIN, left)}px`;
    if (above >= below) {
      style.top = "auto";
      style.bottom = `${viewHeight - rect.top + GAP}px`;
      style.maxHeight = `${Math.max(120, Math.min(limit, above))}px`;
    } else {
      style.bottom = "auto";
      style.top = `${rect.bottom + GAP}px`;
      style.maxHeight = `${Math.max(120, Math.min(limit, below))}px`;
    }
  };

  const onResize = () => {
    if (open()) place();
  };
  window.addEventListener("resize", onResize);
  onCleanup(() => window.removeEventListener("resize", onResize));

  // Each runs once per change: `show()` opens at once, and its "toggle" event follows.
  const opened = () => {
    if (open() || !panel?.matches(":popover-open")) return;
    setOpen(true);
    options.onOpen?.();
  };
  const closed = () => {
    if (!open() || panel?.matches(":popover-open")) return;
    setOpen(false);
    options.onClose?.();
  };

  const popover: PickerPopover = {
    open,
    show() {
      if (!panel || open()) return;
      try {
        // With its button as the source, a click on the button closes it, as a click on
        // a `popovertarget` button does.
        (panel.showPopover as (options?: { source?: HTMLElement }) => void)(
          button ? { source: button } : undefined,
        );
      } catch {
        return; // Not in the document (yet), or already shown.
      }
      // Shown now; the browser's "toggle" event comes a task later, and keys typed in
      // between (a shortcut, then the search at once) would go where the focus was.
      opened();
    },
    hide(hideOptions = {}) {
      if (!panel) return;
      if (panel.matches(":popover-open")) panel.hidePopover();
      closed();
      if (hideOptions.focusButton) button?.focus();
    },
    toggle() {
      if (open()) popover.hide();
      else popover.show();
    },
    button(element) {
      button = element;
    },
    panel(element) {
      panel = element;
      element.addEventListener("beforetoggle", (event) => {
        if ((event as ToggleEvent).newState === "open") place();
      });
      element.addEventListener("toggle", (event) => {
        if ((event as ToggleEvent).newState === "open") opened();
        else closed();
      });
    },
  };
  onCleanup(() => popover.hide());
  return popover;
}
