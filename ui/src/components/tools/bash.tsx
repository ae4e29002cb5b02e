/**
 * A shell command's body (its description is in the heading): the command as a
 * `$ command` line, what it printed (streamed from `metadata.output` while it runs,
 * escapes stripped) and its exit code when that was not 0.
 */

import { Show, type JSX } from "solid-js";
import { bashExit, bashOutput } from "../../lib/tools";
import { inputString, MonoBlock, type ToolBodyProps } from "./shared";

export function BashBody(props: ToolBodyProps): JSX.Element {
  const command = () => inputString(props.part, "command");
  const output = () => bashOutput(props.part.state);
  const exit = () => bashExit(props.part.state);
  const active = () =>
    props.part.state.status === "pending" || props.part.state.status === "running";
  return (
    <>
      <div class="bash-block">
        <pre class="bash-command mono" tabindex="0" aria-label="Command">
          <span class="bash-prompt" aria-hidden="true">
            ${" "}
          </span>
          {command()}
        </pre>
        <Show
          when={output()}
          fallback={<p class="bash-empty muted">{active() ? "No output yet…" : "No output."}</p>}
        >
          <MonoBlock text={output()} label="Output" class="bash-output" />
        </Show>
      </div>
      <Show when={exit() !== undefined && exit() !== 0}>
        <p class="tool-exit-line">
          Exited with code <span class="mono">{exit()}</span>
        </p>
      </Show>
    </>
  );
}
