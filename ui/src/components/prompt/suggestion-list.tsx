/**
 * The list the prompt box opens for `@` (agents, files, directories, symbols) and `/`
 * (commands), above the box. The focus stays in the textarea: it points at the active
 * option with `aria-activedescendant`; a click picks an option without taking the focus.
 */

import { createEffect, For, Match, Show, Switch, type JSX } from "solid-js";
import { oneLine } from "../../lib/format";
import { symbolKindName, type Suggestion } from "../../lib/prompt/suggest";
import { FileIcon, FolderIcon } from "../files/file-icons";
import { MentionAgentIcon, SlashIcon, SymbolIcon } from "./prompt-icons";
import { pointerMoved } from "../../lib/pointer";

export function optionId(listId: string, index: number): string {
  return `${listId}-${index}`;
}

export function SuggestionList(props: {
  id: string;
  kind: "mention" | "command";
  items: Suggestion[];
  active: number;
  loading: boolean;
  onPick: (index: number) => void;
  onHover: (index: number) => void;
}): JSX.Element {
  let list: HTMLUListElement | undefined;
  createEffect(() => {
    const index = props.active;
    const option = list?.children[index];
    if (option instanceof HTMLElement) option.scrollIntoView({ block: "nearest" });
  });
  return (
    <div class="suggestions" data-kind={props.kind}>
      <ul
        ref={list}
        id={props.id}
        role="listbox"
        aria-label={props.kind === "command" ? "Commands" : "Files and agents"}
      >
        <For each={props.items}>
          {(item, index) => (
            <li
              id={optionId(props.id, index())}
              role="option"
              aria-selected={index() === props.active}
              class="suggestion"
              data-kind={item.kind}
              onMouseDown={(event) => event.preventDefault()}
              onMouseMove={(event) => {
                if (pointerMoved(event) && index() !== props.active) props.onHover(index());
              }}
              onClick={() => props.onPick(index())}
            >
              <SuggestionBody item={item} />
            </li>
          )}
        </For>
      </ul>
      <Show when={props.items.length === 0}>
        <p class="suggestions-empty muted" role="status">
          {props.loading
            ? "Searching…"
            : props.kind === "command"
              ? "No command by that name."
              : "No file or agent matches."}
        </p>
      </Show>
    </div>
  );
}

/** A path as its name, then its folder muted. */
function PathLabel(props: { path: string }): JSX.Element {
  const trimmed = () => props.path.replace(/\/$/, "");
  const cut = () => trimmed().lastIndexOf("/");
  return (
    <span class="suggestion-label">
      <span class="suggestion-name mono">
        {trimmed().slice(cut() + 1)}
        {props.path.endsWith("/") ? "/" : ""}
      </span>
      <Show when={cut() > 0}>
        <span class="suggestion-detail mono">{trimmed().slice(0, cut() + 1)}</span>
      </Show>
    </span>
  );
}

function SuggestionBody(props: { item: Suggestion }): JSX.Element {
  return (
    <Switch>
      <Match when={props.item.kind === "agent" && props.item}>
        {(item) => (
          <>
            <MentionAgentIcon />
            <span class="suggestion-label">
              <span class="suggestion-name">@{item().name}</span>
              <span class="suggestion-detail">
                {item().description ? oneLine(item().description) : "sub-agent"}
              </span>
            </span>
          </>
        )}
      </Match>
      <Match when={(props.item.kind === "file" || props.item.kind === "directory") && props.item}>
        {(item) => (
          <>
            {item().kind === "directory" ? <FolderIcon /> : <FileIcon />}
            <PathLabel path={(item() as { path: string }).path} />
          </>
        )}
      </Match>
      <Match when={props.item.kind === "symbol" && props.item}>
        {(item) => {
          const symbol = item() as Extract<Suggestion, { kind: "symbol" }>;
          return (
            <>
              <SymbolIcon />
              <span class="suggestion-label">
                <span class="suggestion-name mono">{symbol.name}</span>
                <span class="suggestion-detail">
                  {symbolKindName(symbol.symbolKind)} · {symbol.path}:{symbol.range.start.line + 1}
                </span>
              </span>
            </>
          );
        }}
      </Match>
      <Match when={props.item.kind === "command" && props.item}>
        {(item) => {
          const command = (item() as Extract<Suggestion, { kind: "command" }>).command;
          return (
            <>
              <SlashIcon />
              <span class="suggestion-label">
                <span class="suggestion-name mono">/{command.name}</span>
                <span class="suggestion-detail">{oneLine(command.description)}</span>
              </span>
              <Show when={command.source !== "builtin" && command.source !== "command"}>
                <span class="suggestion-badge">{command.source}</span>
              </Show>
            </>
          );
        }}
      </Match>
    </Switch>
  );
}
