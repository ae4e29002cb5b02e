/**
 * One tool call as a card that reads as what it did: an icon and a verb ("Ran",
 * "Read", "Edited", ...), the key argument (command, file and line range, pattern, URL,
 * description), counts, and the call's state (running, waiting for approval, a task
 * whose sub-agent waits for the user, done and how long it took, failed). It is a `<details>` named like "Ran python3 hello.py":
 * edits, writes, questions and tasks open by default, noisy ones stay folded, and a
 * failure opens with its error in plain sight. The body is drawn by the tool's own
 * module; code and diffs only once the card is first opened (they are not cheap).
 */

import {
  createEffect,
  createMemo,
  createSignal,
  Match,
  on,
  Show,
  Switch,
  untrack,
  type JSX,
} from "solid-js";
import type { ToolPart } from "../../api/types";
import { useSessions } from "../../context/sessions";
import { durationText } from "../../lib/format";
import { summarize, taskSessionId, type ToolFamily, type ToolSummary } from "../../lib/tools";
import { ChevronIcon } from "../icons";
import { BashBody } from "./bash";
import { EditBody, PatchBody } from "./edit";
import { GenericBody } from "./generic";
import { QuestionBody } from "./question";
import { ReadBody } from "./read";
import { GlobBody, GrepBody, ListBody } from "./search";
import { Counts, metaOf, outputText, type ToolBodyProps } from "./shared";
import { TaskBody } from "./task";
import { TodoBody } from "./todo";
import { Spinner, ToolIcon } from "./tool-icons";
import { WebfetchBody } from "./webfetch";
import { WriteBody } from "./write";

/** Families whose key argument is code-like (a command, path, pattern or URL). */
const MONO_SUBJECT: ReadonlySet<ToolFamily> = new Set([
  "bash",
  "read",
  "search",
  "list",
  "write",
  "edit",
  "patch",
  "webfetch",
  "skill",
]);

/** Families shown open: what changed, what was asked, who was asked to do it. */
const OPEN_BY_DEFAULT: ReadonlySet<ToolFamily> = new Set([
  "write",
  "edit",
  "patch",
  "question",
  "task",
]);

/**
 * Families whose body (highlighted code or a diff) is drawn only once the card is first
 * opened. The others are plain text, drawn at once, so the browser's find-in-page
 * reaches into folded cards.
 */
const LAZY_BODY: ReadonlySet<ToolFamily> = new Set(["read", "write", "edit", "patch"]);

function opensByDefault(summary: ToolSummary): boolean {
  if (summary.phase === "failed") return true;
  if (summary.exit !== undefined) return true;
  return OPEN_BY_DEFAULT.has(summary.family);
}

export function ToolCard(props: { part: ToolPart; root?: string | undefined }): JSX.Element {
  const sessions = useSessions();
  const summary = createMemo(() => summarize(props.part, props.root));
  const state = () => props.part.state;
  const awaiting = createMemo(() => {
    const status = state().status;
    if (status !== "pending" && status !== "running") return false;
    return sessions
      .permissions(props.part.sessionID)
      .some((request) => request.tool?.callID === props.part.callID);
  });
  /** A task whose sub-agent (or one below it) waits for a permission or an answer. */
  const subagentWaits = createMemo(() => {
    const status = state().status;
    if (summary().family !== "task" || (status !== "pending" && status !== "running")) {
      return false;
    }
    const child = taskSessionId(metaOf(props.part), outputText(props.part));
    return !!child && sessions.waiting(child);
  });
  const wantsOpen = createMemo(() => opensByDefault(summary()));
  const [open, setOpen] = createSignal(untrack(wantsOpen));
  const [seen, setSeen] = createSignal(untrack(open));
  // A call that fails (or exits non-zero) after it was drawn opens to show why.
  createEffect(
    on(
      wantsOpen,
      (want) => {
        if (want) {
          setOpen(true);
          setSeen(true);
        }
      },
      { defer: true },
    ),
  );
  const took = () => {
    const current = state();
    return current.status === "completed" || current.status === "error"
      ? durationText(current.time.end - current.time.start)
      : "";
  };
  const error = () => {
    const current = state();
    return current.status === "error" ? current.error : "";
  };

  return (
    <details
      class="tool-card"
      data-tool={props.part.tool}
      data-family={summary().family}
      data-status={state().status}
      aria-label={summary().label}
      open={open()}
      onToggle={(event) => {
        const opened = event.currentTarget.open;
        setOpen(opened);
        if (opened) setSeen(true);
      }}
    >
      <summary class="tool-head">
        <ChevronIcon />
        <ToolIcon family={summary().family} />
        <span class="tool-verb">{summary().verb}</span>{" "}
        <Show when={summary().subject}>
          <span
            class="tool-subject"
            classList={{ mono: MONO_SUBJECT.has(summary().family) }}
            title={summary().subject}
          >
            {summary().subject}
          </span>{" "}
        </Show>
        <span class="tool-meta">{summary().meta.join(" · ")}</span>{" "}
        <Counts additions={summary().additions} deletions={summary().deletions} />{" "}
        <Show when={summary().exit}>
          <span class="tool-exit mono">exit {summary().exit}</span>{" "}
        </Show>
        <span class="tool-state">
          <Switch>
            <Match when={awaiting()}>
              <span class="tool-waiting">Waiting for approval</span>
            </Match>
            <Match when={subagentWaits()}>
              <span class="tool-waiting">Waiting for you</span>
            </Match>
            <Match when={state().status === "pending"}>
              <Spinner />
              <span>Waiting</span>
            </Match>
            <Match when={state().status === "running"}>
              <Spinner />
              <span>{summary().family === "question" ? "Waiting for you" : "Running"}</span>
            </Match>
            <Match when={state().status === "error"}>
              <span class="tool-failed">Failed</span>
              <span class="muted"> · {took()}</span>
            </Match>
            <Match when={state().status === "completed"}>
              <span class="muted">{took()}</span>
            </Match>
          </Switch>
        </span>
      </summary>
      <div class="tool-body">
        <Show when={error()}>
          <pre class="tool-error-text" role="region" aria-label="Error" tabindex="0">
            {error()}
          </pre>
        </Show>
        <Show when={seen() || !LAZY_BODY.has(summary().family)}>
          <ToolBody part={props.part} root={props.root} family={summary().family} />
        </Show>
      </div>
    </details>
  );
}

function ToolBody(props: ToolBodyProps & { family: ToolFamily }): JSX.Element {
  return (
    <Switch fallback={<GenericBody part={props.part} root={props.root} />}>
      <Match when={props.family === "bash"}>
        <BashBody part={props.part} root={props.root} />
      </Match>
      <Match when={props.family === "read"}>
        <ReadBody part={props.part} root={props.root} />
      </Match>
      <Match when={props.family === "search" && props.part.tool === "grep"}>
        <GrepBody part={props.part} root={props.root} />
      </Match>
      <Match when={props.family === "search"}>
        <GlobBody part={props.part} root={props.root} />
      </Match>
      <Match when={props.family === "list"}>
        <ListBody part={props.part} root={props.root} />
      </Match>
      <Match when={props.family === "write"}>
        <WriteBody part={props.part} root={props.root} />
      </Match>
      <Match when={props.family === "edit"}>
        <EditBody part={props.part} root={props.root} />
      </Match>
      <Match when={props.family === "patch"}>
        <PatchBody part={props.part} root={props.root} />
      </Match>
      <Match when={props.family === "todo"}>
        <TodoBody part={props.part} root={props.root} />
      </Match>
      <Match when={props.family === "task"}>
        <TaskBody part={props.part} root={props.root} />
      </Match>
      <Match when={props.family === "webfetch"}>
        <WebfetchBody part={props.part} root={props.root} />
      </Match>
      <Match when={props.family === "question"}>
        <QuestionBody part={props.part} root={props.root} />
      </Match>
    </Switch>
  );
}
