/** One small line icon per tool family, drawn as JSX like `components/icons.tsx`. */

import { Match, Switch, type JSX } from "solid-js";
import type { ToolFamily } from "../../lib/tools";
import { Icon } from "../icons";

function Svg(props: { children: JSX.Element }): JSX.Element {
  return (
    <Icon class="tool-icon" size={15}>
      {props.children}
    </Icon>
  );
}

/** The icon of a tool family; `explore` for the group of reads and searches. */
export function ToolIcon(props: { family: ToolFamily | "explore" }): JSX.Element {
  return (
    <Svg>
      <Switch
        fallback={
          <path d="M14.7 6.3a4 4 0 0 0-5.4 5.4L4 17v3h3l5.3-5.3a4 4 0 0 0 5.4-5.4l-2.5 2.5-2.5-2.5z" />
        }
      >
        <Match when={props.family === "bash"}>
          <path d="m5 8 4 4-4 4M12 17h7" />
        </Match>
        <Match when={props.family === "read"}>
          <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
          <path d="M14 3v5h5M9 13h6M9 17h4" />
        </Match>
        <Match when={props.family === "search" || props.family === "explore"}>
          <circle cx="11" cy="11" r="6" />
          <path d="m20 20-4.2-4.2" />
        </Match>
        <Match when={props.family === "list"}>
          <path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z" />
        </Match>
        <Match when={props.family === "write"}>
          <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
          <path d="M14 3v5h5M12 12v6M9 15h6" />
        </Match>
        <Match when={props.family === "edit" || props.family === "patch"}>
          <path d="M12 20h9" />
          <path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z" />
        </Match>
        <Match when={props.family === "todo"}>
          <path d="m4 7 2 2 3-3M4 16l2 2 3-3M13 8h7M13 17h7" />
        </Match>
        <Match when={props.family === "task"}>
          <rect x="4" y="7" width="16" height="12" rx="3" />
          <path d="M12 7V4M9 12h.01M15 12h.01M9 16h6" />
        </Match>
        <Match when={props.family === "webfetch"}>
          <circle cx="12" cy="12" r="9" />
          <path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18" />
        </Match>
        <Match when={props.family === "question"}>
          <circle cx="12" cy="12" r="9" />
          <path d="M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6V14M12 17h.01" />
        </Match>
        <Match when={props.family === "skill"}>
          <path d="m12 3 2.6 5.6 6 .7-4.5 4.1 1.2 6L12 16.4 6.7 19.4l1.2-6-4.5-4.1 6-.7z" />
        </Match>
      </Switch>
    </Svg>
  );
}

/** A small spinning ring for calls still running. */
export function Spinner(): JSX.Element {
  return (
    <svg class="tool-spinner" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
      <circle
        cx="8"
        cy="8"
        r="6"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        opacity="0.25"
      />
      <path d="M14 8a6 6 0 0 0-6-6" fill="none" stroke="currentColor" stroke-width="2" />
    </svg>
  );
}
