/**
 * The prompt bar's model picker: a button naming the model the next prompt goes to ("Demo
 * model (default)" until one is chosen), opening a searchable list grouped by provider,
 * connected providers first, the default marked. Providers without credentials come last
 * under "Not connected", never choosable: while searching, their matching models show as
 * disabled options with what would connect them; otherwise a folded list of them.
 * Keyboard: Ctrl+' opens it, typing searches, Up/Down move, Enter chooses, Escape closes.
 *
 * Next to it, when the model has variants (thinking effort: low, high, ...), the variant
 * control: a menu of the model's variants ("Default" is the model's own), cycled by
 * Ctrl+Shift+D (⌘⇧D) as upstream's web app does.
 *
 * The list is written by hand on the Popover API (`picker-popover.ts`): the app has no
 * component library, and this is one search field over one list.
 */

import {
  createEffect,
  createMemo,
  createSignal,
  createUniqueId,
  For,
  on,
  onCleanup,
  Show,
  type JSX,
} from "solid-js";
import { useModels } from "../../context/models";
import { matchesShortcut, PICKER_SHORTCUTS, shortcutLabel } from "../../lib/picker-shortcuts";
import { searchCatalog, type CatalogGroup, type CatalogModel } from "../../lib/prompt/models";
import { Icon } from "../icons";
import { createPickerPopover } from "./picker-popover";
import { pointerMoved } from "../../lib/pointer";

/** Not-connected models shown at most while searching (per provider, in all): enough to
 * see which providers have the model, not eight thousand rows. */
const OFFLINE_PER_PROVIDER = 4;
const OFFLINE_LIMIT = 60;

export const CaretIcon = () => (
  <Icon class="icon-small picker-caret">
    <path d="m6 9 6 6 6-6" />
  </Icon>
);

const CheckMark = () => (
  <Icon class="icon-small picker-check">
    <path d="M20 6 9 17l-5-5" />
  </Icon>
);

const CubeIcon = () => (
  <Icon class="icon-small">
    <path d="M12 3 4 7.5v9L12 21l8-4.5v-9L12 3z" />
    <path d="M4 7.5 12 12l8-4.5M12 12v9" />
  </Icon>
);

const EffortIcon = () => (
  <Icon class="icon-small">
    <path d="M12 3v3M12 18v3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M3 12h3M18 12h3M4.9 19.1 7 17M17 7l2.1-2.1" />
  </Icon>
);

/** Where to put the caret after a choice: back in the prompt, ready to type. */
function focusPrompt(from: HTMLElement | undefined): void {
  const prompt = from?.closest("form")?.querySelector("textarea");
  if (prompt instanceof HTMLTextAreaElement && !prompt.disabled) prompt.focus();
  else from?.focus();
}

/** What would connect a provider: the environment variables it reads its key from. */
function credentialNames(group: CatalogGroup): string {
  const names = group.env.slice(0, 2).join(", ");
  return group.env.length > 2 ? `${names}, …` : names;
}

/** The hint for a provider without credentials. */
export function offlineHint(group: CatalogGroup): string {
  return group.env.length > 0
    ? `No credentials on the server (${credentialNames(group)})`
    : "No credentials on the server";
}

export function ModelPicker(): JSX.Element {
  const models = useModels();
  return (
    <div class="model-picker">
      <ModelButton />
      <Show when={models.variants().length > 0}>
        <VariantPicker />
      </Show>
    </div>
  );
}

function ModelButton(): JSX.Element {
  const models = useModels();
  const id = createUniqueId();
  const panelId = `model-picker-${id}`;
  const listId = `model-list-${id}`;
  const optionId = (key: string) => `model-option-${id}-${encodeURIComponent(key)}`;
  const [query, setQuery] = createSignal("");
  const [active, setActive] = createSignal("");
  let buttonElement: HTMLButtonElement | undefined;
  let search: HTMLInputElement | undefined;
  let scroller: HTMLDivElement | undefined;

  const popover = createPickerPopover({
    width: 380,
    onOpen() {
      setActive(models.current()?.model.key ?? choosable()[0] ?? "");
      search?.focus();
      queueMicrotask(() => reveal(active()));
    },
    onClose: () => setQuery(""),
  });

  const matching = createMemo(() => searchCatalog(models.catalog().groups, query()));
  const connected = createMemo(() => matching().filter((group) => group.connected));
  /** While searching, the not-connected models that match, a few per provider. */
  const offline = createMemo(() => {
    if (query().trim() === "") return { groups: [] as CatalogGroup[], hidden: 0 };
    let room = OFFLINE_LIMIT;
    let hidden = 0;
    const groups: CatalogGroup[] = [];
    for (const group of matching()) {
      if (group.connected) continue;
      const shown = group.models.slice(0, Math.max(0, Math.min(room, OFFLINE_PER_PROVIDER)));
      hidden += group.models.length - shown.length;
      room -= shown.length;
      if (shown.length > 0) groups.push({ ...group, models: shown });
    }
    return { groups, hidden };
  });
  const offlineProviders = createMemo(() =>
    models.catalog().groups.filter((group) => !group.connected),
  );
  /** The keys Up and Down walk through: connected models, in the order shown. */
  const choosable = createMemo(() =>
    connected().flatMap((group) => group.models.map((model) => model.key)),
  );

  createEffect(
    on(
      query,
      () => {
        const keys = choosable();
        const current = models.current()?.model.key ?? "";
        setActive(keys.includes(current) ? current : (keys[0] ?? ""));
        if (scroller) scroller.scrollTop = 0;
      },
      { defer: true },
    ),
  );

  const reveal = (key: string) => {
    if (!key) return;
    document.getElementById(optionId(key))?.scrollIntoView({ block: "nearest" });
  };

  const move = (step: number) => {
    const keys = choosable();
    if (keys.length === 0) return;
    const index = keys.indexOf(active());
    const next =
      index === -1
        ? step > 0
          ? 0
          : keys.length - 1
        : Math.min(keys.length - 1, Math.max(0, index + step));
    setActive(keys[next]!);
    reveal(keys[next]!);
  };

  const choose = (model: CatalogModel) => {
    if (!model.connected) return;
    models.setModel(model.key);
    popover.hide();
    focusPrompt(buttonElement);
  };

  const onSearchKey = (event: KeyboardEvent) => {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        move(1);
        break;
      case "ArrowUp":
        event.preventDefault();
        move(-1);
        break;
      case "PageDown":
        event.preventDefault();
        move(8);
        break;
      case "PageUp":
        event.preventDefault();
        move(-8);
        break;
      case "Enter": {
        event.preventDefault();
        const model = models.catalog().byKey.get(active());
        if (model) choose(model);
        break;
      }
      case "Escape":
        event.preventDefault();
        popover.hide({ focusButton: true });
        break;
    }
  };

  const onGlobalKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || !matchesShortcut(event, PICKER_SHORTCUTS.chooseModel)) return;
    event.preventDefault();
    popover.show();
  };
  document.addEventListener("keydown", onGlobalKey);
  onCleanup(() => document.removeEventListener("keydown", onGlobalKey));

  const label = createMemo(() => {
    const resolved = models.current();
    if (resolved) {
      const suffix =
        resolved.source === "default"
          ? " (default)"
          : resolved.source === "agent"
            ? " (agent's)"
            : "";
      return { name: resolved.model.name, suffix };
    }
    if (models.status() === "loading") return { name: "Loading models…", suffix: "" };
    if (models.status() === "failed") return { name: "Models unavailable", suffix: "" };
    return { name: "No model connected", suffix: "" };
  });

  const renderOption = (model: CatalogModel) => {
    const isDefault = () => model.key === models.defaultModel()?.key;
    const selected = () => model.key === models.current()?.model.key;
    return (
      <div
        role="option"
        id={optionId(model.key)}
        class="picker-option"
        classList={{
          active: model.connected && active() === model.key,
          disabled: !model.connected,
        }}
        aria-selected={model.connected && selected()}
        aria-disabled={model.connected ? undefined : "true"}
        aria-label={`${model.name}${isDefault() ? " (default)" : ""}`}
        title={
          model.connected ? `${model.provider} · ${model.modelID}` : offlineHint(groupOf(model))
        }
        onPointerMove={(event) => {
          if (pointerMoved(event) && model.connected) setActive(model.key);
        }}
        onMouseDown={(event) => event.preventDefault()}
        onClick={() => choose(model)}
      >
        <span class="picker-option-main">
          <span class="picker-option-name">{model.name}</span>
          <Show when={model.modelID !== model.name}>
            <span class="picker-option-id">{model.modelID}</span>
          </Show>
        </span>
        <Show when={isDefault()}>
          <span class="picker-tag" aria-hidden="true">
            default
          </span>
        </Show>
        <Show when={model.connected && model.variants.length > 0}>
          <span class="picker-tag subtle" aria-hidden="true" title={model.variants.join(", ")}>
            {model.variants.length} efforts
          </span>
        </Show>
        <Show when={selected() && model.connected}>
          <CheckMark />
        </Show>
      </div>
    );
  };

  const groupOf = (model: CatalogModel): CatalogGroup =>
    models.catalog().groups.find((group) => group.providerID === model.providerID) ?? {
      providerID: model.providerID,
      name: model.provider,
      connected: false,
      env: [],
      models: [],
    };

  return (
    <>
      <button
        type="button"
        ref={(element) => {
          buttonElement = element;
          popover.button(element);
        }}
        class="picker-button model-button"
        popovertarget={panelId}
        aria-haspopup="dialog"
        aria-expanded={popover.open()}
        aria-label={`Model: ${label().name}${label().suffix}`}
        title={`Choose the model (${shortcutLabel(PICKER_SHORTCUTS.chooseModel)})`}
      >
        <CubeIcon />
        <span class="picker-button-text">{label().name}</span>
        <Show when={label().suffix}>
          <span class="picker-button-hint">{label().suffix.trim()}</span>
        </Show>
        <CaretIcon />
      </button>
      <div
        id={panelId}
        ref={(element) => popover.panel(element)}
        popover="auto"
        class="picker-popover model-popover"
        role="dialog"
        aria-label="Choose a model"
        onFocusOut={(event) => {
          const next = event.relatedTarget;
          if (
            next instanceof Node &&
            !event.currentTarget.contains(next) &&
            next !== buttonElement
          ) {
            popover.hide();
          }
        }}
      >
        <div class="picker-search">
          <input
            ref={search}
            type="text"
            role="combobox"
            aria-label="Search models"
            aria-expanded="true"
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={active() ? optionId(active()) : undefined}
            placeholder="Search models"
            autocomplete="off"
            spellcheck={false}
            value={query()}
            onInput={(event) => setQuery(event.currentTarget.value)}
            onKeyDown={onSearchKey}
          />
        </div>
        <div class="picker-scroll" ref={scroller}>
          <Show when={choosable().length === 0}>
            <p class="picker-note">
              <Show
                when={query().trim() !== ""}
                fallback={
                  models.status() === "failed"
                    ? "The server did not list its models."
                    : models.status() === "loading"
                      ? "Loading models…"
                      : "No provider is connected on this server."
                }
              >
                No connected model matches “{query().trim()}”.
              </Show>
            </p>
          </Show>
          <div role="listbox" id={listId} aria-label="Models">
            <For each={connected()}>
              {(group) => (
                <div role="group" aria-label={group.name} class="picker-group">
                  <div class="picker-group-name" aria-hidden="true">
                    {group.name}
                  </div>
                  <For each={group.models}>{renderOption}</For>
                </div>
              )}
            </For>
            <Show when={offline().groups.length > 0}>
              <div class="picker-section" aria-hidden="true">
                Not connected
              </div>
              <For each={offline().groups}>
                {(group) => (
                  <div
                    role="group"
                    aria-label={`${group.name} (not connected)`}
                    class="picker-group offline"
                  >
                    <div class="picker-group-name" aria-hidden="true">
                      {group.name}
                      <span class="picker-group-hint">{offlineHint(group)}</span>
                    </div>
                    <For each={group.models}>{renderOption}</For>
                  </div>
                )}
              </For>
            </Show>
          </div>
          <Show when={offline().hidden > 0}>
            <p class="picker-note">
              {offline().hidden} more not-connected models match: type more to narrow the list.
            </p>
          </Show>
          <Show when={query().trim() === "" && offlineProviders().length > 0}>
            <details class="picker-offline">
              <summary>
                Not connected · {offlineProviders().length}{" "}
                {offlineProviders().length === 1 ? "provider" : "providers"}
              </summary>
              <p class="picker-note">
                These have no credentials on this server, so they cannot answer. Search to see their
                models.
              </p>
              <ul aria-label="Providers not connected">
                <For each={offlineProviders()}>
                  {(group) => (
                    <li title={offlineHint(group)}>
                      <span class="picker-option-name">{group.name}</span>
                      <span class="picker-option-id">
                        {group.models.length} {group.models.length === 1 ? "model" : "models"}
                        {group.env.length > 0 ? ` · ${credentialNames(group)}` : ""}
                      </span>
                    </li>
                  )}
                </For>
              </ul>
            </details>
          </Show>
        </div>
      </div>
    </>
  );
}

/** The thinking-effort control: the current variant, a menu of the others, Ctrl+Shift+D. */
export function VariantPicker(): JSX.Element {
  const models = useModels();
  const id = createUniqueId();
  const panelId = `variant-picker-${id}`;
  const [announcement, setAnnouncement] = createSignal("");
  let panelElement: HTMLDivElement | undefined;
  const shortcut = shortcutLabel(PICKER_SHORTCUTS.cycleVariant);
  const nameOf = (variant: string) => (variant === "" ? "default" : variant);

  const popover = createPickerPopover({
    width: 220,
    maxHeight: 320,
    onOpen() {
      const items = [
        ...(panelElement?.querySelectorAll<HTMLElement>("[role=menuitemradio]") ?? []),
      ];
      (items.find((item) => item.getAttribute("aria-checked") === "true") ?? items[0])?.focus();
    },
  });

  const onMenuKey = (event: KeyboardEvent) => {
    const items = [...(panelElement?.querySelectorAll<HTMLElement>("[role=menuitemradio]") ?? [])];
    const index = items.indexOf(document.activeElement as HTMLElement);
    let next = -1;
    if (event.key === "ArrowDown") next = (index + 1) % items.length;
    else if (event.key === "ArrowUp") next = (index - 1 + items.length) % items.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = items.length - 1;
    else if (event.key === "Escape") {
      event.preventDefault();
      popover.hide({ focusButton: true });
      return;
    }
    if (next >= 0) {
      event.preventDefault();
      items[next]?.focus();
    }
  };

  const onGlobalKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || !matchesShortcut(event, PICKER_SHORTCUTS.cycleVariant)) return;
    if (models.variants().length === 0) return;
    event.preventDefault();
    models.cycleVariant();
    setAnnouncement(`Thinking effort: ${nameOf(models.variant())}`);
  };
  document.addEventListener("keydown", onGlobalKey);
  onCleanup(() => document.removeEventListener("keydown", onGlobalKey));

  return (
    <>
      <button
        type="button"
        ref={(element) => popover.button(element)}
        class="picker-button variant-button"
        classList={{ chosen: models.variant() !== "" }}
        popovertarget={panelId}
        aria-haspopup="menu"
        aria-expanded={popover.open()}
        aria-label={`Thinking effort: ${nameOf(models.variant())}`}
        title={`Thinking effort (${shortcut} cycles it)`}
      >
        <EffortIcon />
        <span class="picker-button-text">{nameOf(models.variant())}</span>
        <CaretIcon />
      </button>
      <div
        id={panelId}
        ref={(element) => {
          panelElement = element;
          popover.panel(element);
        }}
        popover="auto"
        class="picker-popover variant-popover"
        role="menu"
        aria-label="Thinking effort"
        onKeyDown={onMenuKey}
      >
        <For each={["", ...models.variants()]}>
          {(variant) => (
            <button
              type="button"
              role="menuitemradio"
              class="picker-option"
              aria-checked={models.variant() === variant}
              onClick={() => {
                models.setVariant(variant);
                popover.hide({ focusButton: true });
              }}
            >
              <span class="picker-option-main">
                <span class="picker-option-name">{nameOf(variant)}</span>
                <Show when={variant === ""}>
                  <span class="picker-option-id">the model's own</span>
                </Show>
              </span>
              <Show when={models.variant() === variant}>
                <CheckMark />
              </Show>
            </button>
          )}
        </For>
        <p class="picker-note">{shortcut} cycles through these.</p>
      </div>
      <span class="sr-only" role="status">
        {announcement()}
      </span>
    </>
  );
}
