/**
 * The prompt bar's agent picker: always there, naming the agent the next prompt goes to
 * with its colour (the server's, else one of the palette's), and opening a menu of the
 * primary agents with their descriptions, the default marked. Keyboard: Up/Down/Home/End
 * and Enter in the menu, Escape closes it; Ctrl+. and Ctrl+Shift+. (⌘. on a Mac) cycle the
 * agents from anywhere, as upstream's web app does (Tab and Shift+Tab in an empty prompt
 * too, which the prompt box handles with `cycleAgent`).
 */

import { createSignal, createUniqueId, For, onCleanup, Show, type JSX } from "solid-js";
import { useModels } from "../../context/models";
import { matchesShortcut, PICKER_SHORTCUTS, shortcutLabel } from "../../lib/picker-shortcuts";
import { Icon } from "../icons";
import { CaretIcon } from "./model-picker";
import { createPickerPopover } from "./picker-popover";

const CheckMark = () => (
  <Icon class="icon-small picker-check">
    <path d="M20 6 9 17l-5-5" />
  </Icon>
);

function AgentDot(props: { color: string }): JSX.Element {
  return <span class="agent-dot" style={{ "background-color": props.color }} aria-hidden="true" />;
}

export function AgentPicker(): JSX.Element {
  const models = useModels();
  const panelId = `agent-picker-${createUniqueId()}`;
  const [announcement, setAnnouncement] = createSignal("");
  let panelElement: HTMLDivElement | undefined;
  let buttonElement: HTMLButtonElement | undefined;

  const name = () => models.currentAgent()?.name ?? (models.agent() || models.defaultAgent());
  const items = () => [
    ...(panelElement?.querySelectorAll<HTMLElement>("[role=menuitemradio]") ?? []),
  ];

  const popover = createPickerPopover({
    width: 320,
    maxHeight: 380,
    onOpen() {
      const all = items();
      (all.find((item) => item.getAttribute("aria-checked") === "true") ?? all[0])?.focus();
    },
  });

  const onMenuKey = (event: KeyboardEvent) => {
    const all = items();
    const index = all.indexOf(document.activeElement as HTMLElement);
    let next = -1;
    if (event.key === "ArrowDown") next = (index + 1) % all.length;
    else if (event.key === "ArrowUp") next = (index - 1 + all.length) % all.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = all.length - 1;
    else if (event.key === "Escape") {
      event.preventDefault();
      popover.hide({ focusButton: true });
      return;
    } else if (event.key.length === 1 && /\S/.test(event.key)) {
      // Type-ahead: the next agent whose name starts with the letter.
      const letter = event.key.toLowerCase();
      const order = [...all.slice(index + 1), ...all.slice(0, index + 1)];
      const found = order.find((item) =>
        (item.dataset.agent ?? "").toLowerCase().startsWith(letter),
      );
      if (found) next = all.indexOf(found);
    }
    if (next >= 0) {
      event.preventDefault();
      all[next]?.focus();
    }
  };

  const onGlobalKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented) return;
    const direction = matchesShortcut(event, PICKER_SHORTCUTS.cycleAgent)
      ? 1
      : matchesShortcut(event, PICKER_SHORTCUTS.cycleAgentBack)
        ? -1
        : 0;
    if (direction === 0 || models.agents().length === 0) return;
    event.preventDefault();
    models.cycleAgent(direction);
    setAnnouncement(`Agent: ${name()}`);
  };
  document.addEventListener("keydown", onGlobalKey);
  onCleanup(() => document.removeEventListener("keydown", onGlobalKey));

  const choose = (agent: string) => {
    models.setAgent(agent);
    popover.hide();
    const prompt = buttonElement?.closest("form")?.querySelector("textarea");
    if (prompt instanceof HTMLTextAreaElement && !prompt.disabled) prompt.focus();
    else buttonElement?.focus();
  };

  return (
    <div class="agent-picker">
      <button
        type="button"
        ref={(element) => {
          buttonElement = element;
          popover.button(element);
        }}
        class="picker-button agent-button"
        popovertarget={panelId}
        aria-haspopup="menu"
        aria-expanded={popover.open()}
        aria-label={`Agent: ${name() || "default"}`}
        title={`Choose the agent (${shortcutLabel(PICKER_SHORTCUTS.cycleAgent)} or Tab in an empty prompt switches)`}
        disabled={models.agents().length === 0}
      >
        <AgentDot color={models.agentColor(name())} />
        <span class="picker-button-text">{name() || "Agent"}</span>
        <CaretIcon />
      </button>
      <div
        id={panelId}
        ref={(element) => {
          panelElement = element;
          popover.panel(element);
        }}
        popover="auto"
        class="picker-popover agent-popover"
        role="menu"
        aria-label="Agents"
        onKeyDown={onMenuKey}
      >
        <For each={models.agents()}>
          {(agent) => (
            <button
              type="button"
              role="menuitemradio"
              class="picker-option agent-option"
              data-agent={agent.name}
              aria-checked={agent.name === name()}
              aria-label={`${agent.name}${agent.name === models.defaultAgent() ? " (default)" : ""}`}
              onClick={() => choose(agent.name)}
            >
              <AgentDot color={models.agentColor(agent.name)} />
              <span class="picker-option-main">
                <span class="picker-option-name">
                  {agent.name}
                  <Show when={agent.name === models.defaultAgent()}>
                    <span class="picker-tag">default</span>
                  </Show>
                </span>
                <Show when={agent.description}>
                  <span class="picker-option-description">{agent.description}</span>
                </Show>
              </span>
              <Show when={agent.name === name()}>
                <CheckMark />
              </Show>
            </button>
          )}
        </For>
        <p class="picker-note">
          Switch with {shortcutLabel(PICKER_SHORTCUTS.cycleAgent)}, or Tab in an empty prompt.
        </p>
      </div>
      <span class="sr-only" role="status">
        {announcement()}
      </span>
    </div>
  );
}
