/**
 * A conversation as upstream OpenCode draws it, in spirit: the user's prompts (a command
 * run in the shell as that command), the
 * assistant's text as markdown, its reasoning folded away, each tool call as a compact
 * card that opens to show its output, step boundaries, and tokens and cost.
 *
 * Every message and part is its own component reading its own slice of the store, so
 * a streamed word re-renders one text block and nothing else.
 */

import { For, Match, Show, Switch, type JSX } from "solid-js";
import type {
  AssistantMessage,
  FilePart,
  Part,
  ReasoningPart,
  StepFinishPart,
  TextPart,
  ToolPart,
} from "../api/types";
import { costText, durationText, tokenSummary } from "../lib/format";
import { shellCommand } from "../lib/turns";
import { messageDirectory, type Grouping } from "../lib/tools";
import type { Transcript } from "../lib/transcript";
import { useChatActions } from "../context/chat";
import { ChevronIcon } from "./icons";
import { OpenFileButton } from "./files/open-file";
import { Markdown } from "./lazy-markdown";
import { UserMessageActions } from "./message-actions";
import { TurnFooter } from "./turn-footer";
import { createExploreGrouping, groupingOf, ToolSlot } from "./tools/explored";

export function TranscriptView(props: { transcript: Transcript }): JSX.Element {
  return (
    <ol class="messages" aria-label="Messages">
      <For each={props.transcript.order}>
        {(id) => <MessageView transcript={props.transcript} id={id} />}
      </For>
    </ol>
  );
}

function MessageView(props: { transcript: Transcript; id: string }): JSX.Element {
  const info = () => props.transcript.messages[props.id];
  const partIds = () => props.transcript.parts[props.id] ?? [];
  return (
    <Switch>
      <Match when={info()?.role === "user"}>
        <li class="message user" aria-label="You" data-message-id={props.id}>
          <div class="bubble">
            <For each={partIds()}>
              {(partId) => <UserPart part={props.transcript.part[partId]} />}
            </For>
            <Show when={shellCommand(props.transcript, props.id)}>
              {(command) => (
                <p class="user-text user-shell">
                  <span class="user-shell-tag">Shell</span>
                  <code class="mono">{command()}</code>
                </p>
              )}
            </Show>
          </div>
          <UserMessageActions id={props.id} />
        </li>
      </Match>
      <Match when={info()?.role === "assistant"}>
        <li class="message assistant" aria-label="Assistant" data-message-id={props.id}>
          <AssistantParts transcript={props.transcript} id={props.id} />
          <AssistantFooter info={info() as AssistantMessage} />
        </li>
      </Match>
    </Switch>
  );
}

function UserPart(props: { part: Part | undefined }): JSX.Element {
  return (
    <Switch>
      <Match
        when={props.part?.type === "text" && !(props.part as TextPart).synthetic && props.part}
      >
        {(part) => <p class="user-text">{(part() as TextPart).text}</p>}
      </Match>
      <Match when={props.part?.type === "file" && props.part}>
        {(part) => <FileChip part={part() as FilePart} />}
      </Match>
      <Match when={props.part?.type === "agent" && props.part}>
        {(part) => (
          <span class="file-chip agent-chip mono">@{(part() as { name?: string }).name}</span>
        )}
      </Match>
    </Switch>
  );
}

/** An assistant message's parts, runs of exploration calls grouped (`tools/explored.tsx`). */
function AssistantParts(props: { transcript: Transcript; id: string }): JSX.Element {
  const partIds = () => props.transcript.parts[props.id] ?? [];
  const root = () => messageDirectory(props.transcript.messages[props.id]);
  const grouping = createExploreGrouping(props.transcript, () => props.id);
  // The last step's figures are the message's own (a patch or snapshot part may follow).
  const lastStep = () => {
    const ids = partIds();
    for (let at = ids.length - 1; at >= 0; at--) {
      if (props.transcript.part[ids[at]!]?.type === "step-finish") return at;
    }
    return ids.length - 1;
  };
  return (
    <For each={partIds()}>
      {(partId, index) => {
        const role = groupingOf(grouping, () => partId);
        return (
          <PartView
            part={props.transcript.part[partId]}
            first={index() === 0}
            last={index() >= lastStep()}
            grouping={role()}
            transcript={props.transcript}
            root={root()}
          />
        );
      }}
    </For>
  );
}

function PartView(props: {
  part: Part | undefined;
  first: boolean;
  last: boolean;
  grouping: Grouping;
  transcript: Transcript;
  root: string | undefined;
}): JSX.Element {
  return (
    <Switch>
      <Match when={props.part?.type === "text" && props.part}>
        {(part) => <TextView part={part() as TextPart} />}
      </Match>
      <Match when={props.part?.type === "reasoning" && props.part}>
        {(part) => <ReasoningView part={part() as ReasoningPart} />}
      </Match>
      <Match when={props.part?.type === "tool" && props.part}>
        {(part) => (
          <ToolSlot
            part={part() as ToolPart}
            grouping={props.grouping}
            transcript={props.transcript}
            root={props.root}
          />
        )}
      </Match>
      <Match when={props.part?.type === "step-start" && !props.first}>
        <div class="step-divider" role="separator" aria-label="Next step" />
      </Match>
      {/* The last step's figures are the message's, shown under it. */}
      <Match when={props.part?.type === "step-finish" && !props.last && props.part}>
        {(part) => <StepFinish part={part() as StepFinishPart} />}
      </Match>
      <Match when={props.part?.type === "file" && props.part}>
        {(part) => <FileChip part={part() as FilePart} />}
      </Match>
    </Switch>
  );
}

function TextView(props: { part: TextPart }): JSX.Element {
  return (
    <Show when={!props.part.synthetic && !props.part.ignored && props.part.text !== ""}>
      <Markdown
        text={props.part.text}
        class={props.part.time?.end === undefined ? "streaming" : undefined}
      />
    </Show>
  );
}

function ReasoningView(props: { part: ReasoningPart }): JSX.Element {
  const thinking = () => props.part.time?.end === undefined;
  const took = () => {
    const time = props.part.time;
    return time?.end !== undefined ? durationText(time.end - time.start) : "";
  };
  return (
    <Show when={props.part.text.trim() !== ""}>
      <details class="reasoning">
        <summary>
          <ChevronIcon />
          <span>{thinking() ? "Thinking…" : "Thought"}</span>
          <Show when={took()}>
            <span class="muted">for {took()}</span>
          </Show>
        </summary>
        <Markdown text={props.part.text} class="reasoning-text" />
      </details>
    </Show>
  );
}

function StepFinish(props: { part: StepFinishPart }): JSX.Element {
  const figures = () =>
    [tokenSummary(props.part.tokens), costText(props.part.cost)].filter(Boolean).join(" · ");
  return (
    <Show when={figures()}>
      <p class="step-finish">{figures()}</p>
    </Show>
  );
}

/** A file that came with a prompt: its name (the path on hover), an image's thumbnail. */
function FileChip(props: { part: FilePart }): JSX.Element {
  const path = () => (props.part as { source?: { path?: unknown } }).source?.path;
  const thumbnail = () => /^data:image\/(png|jpeg|gif|webp);base64,/.test(props.part.url);
  return (
    <span
      class="file-chip mono"
      title={typeof path() === "string" ? (path() as string) : props.part.filename}
    >
      <Show when={thumbnail()}>
        <img class="file-chip-thumb" src={props.part.url} alt="" />
      </Show>
      {props.part.filename ?? props.part.mime}
      <OpenFileButton
        path={typeof path() === "string" ? (path() as string) : undefined}
        label={`Open ${props.part.filename ?? "the file"}`}
        compact
      />
    </span>
  );
}

const ERROR_TEXT: Record<string, string> = {
  MessageAbortedError: "Stopped.",
  MessageOutputLengthError: "The reply hit the model's output limit.",
  ProviderAuthError: "The model provider refused the credentials.",
  ContextOverflowError: "The conversation no longer fits the model's context.",
};

function AssistantFooter(props: { info: AssistantMessage }): JSX.Element {
  // A step that only called tools is followed by another message of the same reply; the
  // figures go under the reply's last message.
  const done = () => props.info.time.completed !== undefined && props.info.finish !== "tool-calls";
  const details = () => {
    const info = props.info;
    const parts: string[] = [];
    if (info.modelID) parts.push(info.modelID);
    if (info.time.completed) parts.push(durationText(info.time.completed - info.time.created));
    const tokens = tokenSummary(info.tokens);
    if (tokens) parts.push(tokens);
    const cost = costText(info.cost);
    if (cost) parts.push(cost);
    return parts.join(" · ");
  };
  const error = () => props.info.error;
  const inChat = useChatActions() !== undefined;
  return (
    <>
      <Show when={error()}>
        {(found) => (
          <p
            class="message-error"
            data-kind={found().name === "MessageAbortedError" ? "stopped" : "error"}
            role={found().name === "MessageAbortedError" ? undefined : "alert"}
          >
            {ERROR_TEXT[found().name] ?? found().data?.message ?? found().name}
            <Show when={!ERROR_TEXT[found().name] && found().data?.message}>
              <span class="muted"> ({found().name})</span>
            </Show>
          </p>
        )}
      </Show>
      {/* In a chat, the turn's summary under its last message; elsewhere this message's. */}
      <Show
        when={inChat}
        fallback={
          <Show when={done()}>
            <p class="message-meta">{details()}</p>
          </Show>
        }
      >
        <TurnFooter info={props.info} />
      </Show>
    </>
  );
}
