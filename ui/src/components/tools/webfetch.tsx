/**
 * A fetched page: its URL as a link (only http and https, opened in a new tab with no
 * opener or referrer), the format asked for, and what came back as plain text.
 */

import { Show, type JSX } from "solid-js";
import { safeUrl } from "../../lib/tools";
import { Field, inputString, MonoBlock, outputText, type ToolBodyProps } from "./shared";

export function WebfetchBody(props: ToolBodyProps): JSX.Element {
  const url = () => inputString(props.part, "url");
  const href = () => safeUrl(url());
  const format = () => inputString(props.part, "format");
  const output = () => outputText(props.part);
  return (
    <>
      <Field label="URL">
        <Show when={href()} fallback={<span class="mono">{url()}</span>}>
          {(target) => (
            <a class="mono tool-url" href={target()} target="_blank" rel="noopener noreferrer">
              {url()}
            </a>
          )}
        </Show>
      </Field>
      <Show when={format()}>
        <Field label="Format">{format()}</Field>
      </Show>
      <Show when={output()}>
        <MonoBlock text={output()} label="Fetched content" />
      </Show>
    </>
  );
}
