/**
 * A small action menu: a button that opens a list of actions (`role="menu"`). Built on the
 * browser's popover (`popover="auto"`): it sits in the top layer (never cut off by a
 * scrolling list or a drawer), closes on Escape and on a click elsewhere, and the button
 * toggles it. Arrow keys, Home and End move between the actions; choosing one closes the
 * menu and gives focus back to the button. Written here because the app needs only this
 * much and a menu library would bring its own positioning and styling engine.
 */

import { createSignal, createUniqueId, For, Show, type JSX } from "solid-js";

export interface MenuAction {
  label: string;
  icon?: () => JSX.Element;
  danger?: boolean;
  disabled?: boolean;
  /** Shown in the menu but not an action: a separator line above this item. */
  separated?: boolean;
  onSelect: () => void;
}

const GAP = 4;
const MARGIN = 8;

export function Menu(props: {
  /** The button's accessible name, e.g. "Session actions". */
  label: string;
  actions: () => MenuAction[];
  icon: () => JSX.Element;
  class?: string;
}): JSX.Element {
  const id = createUniqueId();
  const [open, setOpen] = createSignal(false);
  let trigger: HTMLButtonElement | undefined;
  let menu: HTMLDivElement | undefined;

  const items = () => [...(menu?.querySelectorAll<HTMLButtonElement>("[role=menuitem]") ?? [])];
  const enabled = () => items().filter((item) => !item.disabled);
  const focusAt = (index: number) => {
    const list = enabled();
    if (list.length === 0) return;
    list[(index + list.length) % list.length]!.focus();
  };

  const place = () => {
    if (!trigger || !menu) return;
    const anchor = trigger.getBoundingClientRect();
    const width = menu.offsetWidth;
    const height = menu.offsetHeight;
    let left = anchor.right - width;
    if (left < MARGIN) left = Math.min(anchor.left, window.innerWidth - width - MARGIN);
    left = Math.max(MARGIN, left);
    let top = anchor.bottom + GAP;
    if (top + height > window.innerHeight - MARGIN)
      top = Math.max(MARGIN, anchor.top - GAP - height);
    menu.style.left = `${Math.round(left)}px`;
    menu.style.top = `${Math.round(top)}px`;
  };

  const close = () => {
    if (menu?.matches(":popover-open")) menu.hidePopover();
  };

  const choose = (action: MenuAction) => {
    close();
    trigger?.focus();
    action.onSelect();
  };

  return (
    <>
      <button
        ref={trigger}
        type="button"
        class={`icon-button small menu-trigger ${props.class ?? ""}`}
        aria-label={props.label}
        title={props.label}
        aria-haspopup="menu"
        aria-expanded={open()}
        aria-controls={id}
        popovertarget={id}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" && !open()) {
            event.preventDefault();
            menu?.showPopover();
          }
        }}
      >
        {props.icon()}
      </button>
      <div
        ref={menu}
        id={id}
        class="menu"
        role="menu"
        aria-label={props.label}
        popover="auto"
        on:beforetoggle={(event: ToggleEvent) => {
          if (event.newState === "open") {
            setOpen(true);
            queueMicrotask(place);
          }
        }}
        on:toggle={(event: ToggleEvent) => {
          if (event.newState === "open") {
            place();
            focusAt(0);
          } else {
            setOpen(false);
            // Closed by Escape or a click elsewhere: focus goes back to the button if it
            // was in the menu (a click elsewhere keeps the focus where the click put it).
            if (
              menu?.contains(document.activeElement) ||
              document.activeElement === document.body
            ) {
              trigger?.focus();
            }
          }
        }}
        onKeyDown={(event) => {
          const list = enabled();
          const at = list.indexOf(document.activeElement as HTMLButtonElement);
          if (event.key === "ArrowDown") focusAt(at + 1);
          else if (event.key === "ArrowUp") focusAt(at - 1);
          else if (event.key === "Home") focusAt(0);
          else if (event.key === "End") focusAt(list.length - 1);
          else if (event.key === "Tab") close();
          else return;
          if (event.key !== "Tab") event.preventDefault();
        }}
      >
        <Show when={open()}>
          <For each={props.actions()}>
            {(action) => (
              <>
                <Show when={action.separated}>
                  <div class="menu-separator" role="separator" />
                </Show>
                <button
                  type="button"
                  role="menuitem"
                  class="menu-item"
                  classList={{ danger: action.danger === true }}
                  disabled={action.disabled}
                  tabindex="-1"
                  onClick={() => choose(action)}
                >
                  <Show when={action.icon}>{(icon) => icon()()}</Show>
                  <span>{action.label}</span>
                </button>
              </>
            )}
          </For>
        </Show>
      </div>
    </>
  );
}
