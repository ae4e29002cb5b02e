/** A write's body: the content it wrote, highlighted for the file's language. */

import { Show, type JSX } from "solid-js";
import { relativePath } from "../../lib/tools";
import { CodeView } from "../lazy-code";
import { OpenFileButton } from "../files/open-file";
import { inputString, metaOf, type ToolBodyProps } from "./shared";

export function WriteBody(props: ToolBodyProps): JSX.Element {
  const path = () => {
    const given = inputString(props.part, "filePath");
    const written = metaOf(props.part).filepath;
    return given || (typeof written === "string" ? written : "");
  };
  const content = () => inputString(props.part, "content");
  return (
    <>
      <OpenFileButton path={path()} />
      <Show when={content() !== ""} fallback={<p class="muted">An empty file.</p>}>
        <CodeView
          code={content()}
          path={path()}
          maxLines={400}
          label={`Content of ${relativePath(path(), props.root)}`}
        />
      </Show>
    </>
  );
}
