/**
 * A sub-agent's task: which agent, what it was asked, a link into its child session
 * (on the server in use), and its answer as markdown once it is done.
 */

import { createMemo, Show, type JSX } from "solid-js";
import { Link, sessionPath } from "../../context/router";
import { useServers } from "../../context/servers";
import { taskResult, taskSessionId } from "../../lib/tools";
import { Markdown } from "../lazy-markdown";
import { inputString, metaOf, outputText, Field, type ToolBodyProps } from "./shared";

function modelName(metadata: Record<string, unknown>): string {
  const model = metadata.model;
  if (typeof model !== "object" || model === null) return "";
  const id = (model as Record<string, unknown>).modelID;
  return typeof id === "string" ? id : "";
}

export function TaskBody(props: ToolBodyProps): JSX.Element {
  const servers = useServers();
  const child = createMemo(() => taskSessionId(metaOf(props.part), outputText(props.part)));
  const href = () => {
    const id = child();
    const server = servers.active();
    return id && server ? sessionPath(server.key, id) : undefined;
  };
  const agent = () => inputString(props.part, "subagent_type");
  const prompt = () => inputString(props.part, "prompt");
  const result = () =>
    props.part.state.status === "completed" ? taskResult(outputText(props.part)) : "";
  const model = () => modelName(metaOf(props.part));
  return (
    <>
      <div class="task-line">
        <Show when={agent()}>
          <Field label="Agent">{agent()}</Field>
        </Show>
        <Show when={model()}>
          <Field label="Model">
            <span class="mono">{model()}</span>
          </Field>
        </Show>
        <Show when={href()}>
          {(target) => (
            <Link href={target()} class="task-link">
              Open sub-agent session
            </Link>
          )}
        </Show>
      </div>
      <Show when={prompt()}>
        <details class="tool-fold">
          <summary>Prompt</summary>
          <p class="task-prompt">{prompt()}</p>
        </details>
      </Show>
      <Show when={result()}>
        <div class="task-result" role="group" aria-label="Sub-agent's answer">
          <Markdown text={result()} />
        </div>
      </Show>
    </>
  );
}
