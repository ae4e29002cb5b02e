/**
 * What the agent is waiting for: a permission to use a tool ("Allow once", "Always
 * allow", "Reject") or answers to its questions. Shown above the prompt box, in place,
 * until answered here or elsewhere (the server's `*.replied` event removes them). A
 * sub-agent's request is shown in the sessions above it too, naming the sub-agent (its
 * agent, and its session's title as a link into it); the answer goes to the request itself.
 */

import { createSignal, For, Index, Show, type JSX } from "solid-js";
import { problemOf, type Problem } from "../api/problems";
import type {
  PermissionReply,
  PermissionRequest,
  QuestionInfo,
  QuestionRequest,
} from "../api/types";
import { Link, sessionPath } from "../context/router";
import { useServers } from "../context/servers";
import { useSessions } from "../context/sessions";
import { displayTitle } from "../lib/session-title";
import { QuestionIcon, ShieldIcon } from "./icons";
import { ProblemBox } from "./problem-box";
import { AgentIcon } from "./session-icons";

const WHAT = {
  bash: "run a command",
  edit: "edit a file",
  write: "write a file",
  read: "read a file",
  webfetch: "fetch a web page",
  external_directory: "work outside the project",
  doom_loop: "keep repeating the same step",
} as const;

function wants(permission: string): string {
  return WHAT[permission as keyof typeof WHAT] ?? `use “${permission}”`;
}

/** Where a request is shown: the session on screen (a sub-agent's request names it). */
interface CardProps<T> {
  request: T;
  /** The session on screen. */
  sessionID: string;
}

/** Who asks: "the agent", or "the general sub-agent" when a sub-agent's session asks. */
function useAsker(props: CardProps<{ sessionID: string }>) {
  const sessions = useSessions();
  const fromSubagent = () => props.request.sessionID !== props.sessionID;
  const who = () => {
    if (!fromSubagent()) return "the agent";
    const agent = sessions.get(props.request.sessionID)?.agent;
    return agent ? `the ${agent} sub-agent` : "a sub-agent";
  };
  return { fromSubagent, who };
}

/** The sub-agent's session a request comes from, as a link into it. */
function RequestFrom(props: { sessionID: string }): JSX.Element {
  const sessions = useSessions();
  const servers = useServers();
  const session = () => sessions.get(props.sessionID);
  const href = () => sessionPath(servers.active()?.key ?? "", props.sessionID);
  return (
    <p class="request-from">
      <AgentIcon />
      <span>From sub-agent session</span>
      <Link href={href()} title="Open the sub-agent's session">
        {(() => {
          const found = session();
          return found ? displayTitle(found) : "(not loaded)";
        })()}
      </Link>
    </p>
  );
}

export function PermissionCard(props: CardProps<PermissionRequest>): JSX.Element {
  const sessions = useSessions();
  const asker = useAsker(props);
  const [busy, setBusy] = createSignal<PermissionReply | null>(null);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const command = () => {
    const value = props.request.metadata?.command;
    return typeof value === "string" ? value : "";
  };
  const patterns = () =>
    command() ? [command()] : props.request.patterns.filter((pattern) => pattern !== "*");
  const reply = async (answer: PermissionReply) => {
    if (busy()) return;
    setBusy(answer);
    setProblem(null);
    try {
      await sessions.replyPermission(props.request, answer);
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(null);
    }
  };
  const titleId = `permission-${props.request.id}`;
  return (
    <section class="request-card permission" role="group" aria-labelledby={titleId}>
      <div class="request-head">
        <ShieldIcon />
        <h3 id={titleId}>
          Permission needed: {asker.who()} wants to {wants(props.request.permission)}
        </h3>
      </div>
      <Show when={asker.fromSubagent()}>
        <RequestFrom sessionID={props.request.sessionID} />
      </Show>
      <Show when={patterns().length > 0}>
        <ul class="request-patterns">
          <For each={patterns()}>
            {(pattern) => (
              <li>
                <code>{pattern}</code>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={problem()}>{(found) => <ProblemBox problem={found()} />}</Show>
      <div class="request-actions">
        <button
          type="button"
          class="button primary"
          disabled={busy() !== null}
          onClick={() => void reply("once")}
        >
          Allow once
        </button>
        <button
          type="button"
          class="button"
          disabled={busy() !== null}
          title={
            props.request.always.length > 0
              ? `Allow ${props.request.always.join(", ")} without asking again in this session`
              : "Allow without asking again in this session"
          }
          onClick={() => void reply("always")}
        >
          Always allow
        </button>
        <button
          type="button"
          class="button ghost danger-text"
          disabled={busy() !== null}
          onClick={() => void reply("reject")}
        >
          Reject
        </button>
        <Show when={props.request.always.length > 0}>
          <span class="request-hint">
            “Always” covers <code>{props.request.always.join(", ")}</code>
          </span>
        </Show>
      </div>
    </section>
  );
}

export function QuestionCard(props: CardProps<QuestionRequest>): JSX.Element {
  const sessions = useSessions();
  const asker = useAsker(props);
  const [chosen, setChosen] = createSignal<string[][]>(props.request.questions.map(() => []));
  const [custom, setCustom] = createSignal<string[]>(props.request.questions.map(() => ""));
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem | null>(null);

  const answers = () =>
    props.request.questions.map((_, index) => {
      const picked = chosen()[index] ?? [];
      const typed = (custom()[index] ?? "").trim();
      return typed ? [...picked, typed] : picked;
    });
  const complete = () => answers().every((answer) => answer.length > 0);

  const toggle = (index: number, question: QuestionInfo, label: string) => {
    setChosen((all) =>
      all.map((picked, i) => {
        if (i !== index) return picked;
        if (!question.multiple) return [label];
        return picked.includes(label) ? picked.filter((l) => l !== label) : [...picked, label];
      }),
    );
  };

  const run = async (action: () => Promise<void>) => {
    if (busy()) return;
    setBusy(true);
    setProblem(null);
    try {
      await action();
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(false);
    }
  };

  return (
    <form
      class="request-card question"
      aria-label={`Question from ${asker.who()}`}
      onSubmit={(event) => {
        event.preventDefault();
        if (complete()) void run(() => sessions.replyQuestion(props.request, answers()));
      }}
    >
      <Show when={asker.fromSubagent()}>
        <RequestFrom sessionID={props.request.sessionID} />
      </Show>
      <Index each={props.request.questions}>
        {(question, index) => (
          <fieldset class="question-block">
            <legend class="request-head">
              <QuestionIcon />
              <span>
                <Show when={question().header}>
                  <span class="question-header">{question().header}</span>
                </Show>
                <span class="question-text">{question().question}</span>
              </span>
            </legend>
            <div class="question-options">
              <For each={question().options}>
                {(option) => (
                  <label class="question-option">
                    <input
                      type={question().multiple ? "checkbox" : "radio"}
                      name={`${props.request.id}-${index}`}
                      checked={(chosen()[index] ?? []).includes(option.label)}
                      onChange={() => toggle(index, question(), option.label)}
                    />
                    <span>
                      <strong>{option.label}</strong>
                      <Show when={option.description}>
                        <span class="muted"> — {option.description}</span>
                      </Show>
                    </span>
                  </label>
                )}
              </For>
              <Show when={question().custom !== false}>
                <input
                  class="question-custom"
                  type="text"
                  aria-label="Your own answer"
                  placeholder="Or type your own answer"
                  value={custom()[index] ?? ""}
                  onInput={(event) => {
                    const text = event.currentTarget.value;
                    setCustom((all) => all.map((value, i) => (i === index ? text : value)));
                  }}
                />
              </Show>
            </div>
          </fieldset>
        )}
      </Index>
      <Show when={problem()}>{(found) => <ProblemBox problem={found()} />}</Show>
      <div class="request-actions">
        <button type="submit" class="button primary" disabled={busy() || !complete()}>
          Send answer
        </button>
        <button
          type="button"
          class="button ghost"
          disabled={busy()}
          onClick={() => void run(() => sessions.rejectQuestion(props.request))}
        >
          Dismiss
        </button>
      </div>
    </form>
  );
}
