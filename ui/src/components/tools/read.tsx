/**
 * A read's body: the lines it read (`metadata.display`, else the numbered output),
 * highlighted, numbered from where the read started, and which lines of how many.
 */

import { createMemo, Show, type JSX } from "solid-js";
import { rangeText, readView, relativePath } from "../../lib/tools";
import { CodeView } from "../lazy-code";
import { OpenFileButton } from "../files/open-file";
import { inputOf, metaOf, outputText, type ToolBodyProps } from "./shared";

export function ReadBody(props: ToolBodyProps): JSX.Element {
  const view = createMemo(() =>
    readView(inputOf(props.part), metaOf(props.part), outputText(props.part)),
  );
  const path = () => relativePath(view().path, props.root);
  const range = () => rangeText(view());
  return (
    <>
      <OpenFileButton path={view().kind === "file" ? view().path : undefined} line={view().start} />
      <Show when={view().truncated}>
        <p class="tool-description">Cut short by the server: {range()}.</p>
      </Show>
      <Show
        when={view().text !== ""}
        fallback={
          <Show when={props.part.state.status === "completed"}>
            <p class="muted">The file is empty.</p>
          </Show>
        }
      >
        <CodeView
          code={view().text}
          path={view().kind === "file" ? view().path : undefined}
          startLine={view().start}
          maxLines={400}
          label={`Content of ${path()}${range() ? `, ${range()}` : ""}`}
        />
      </Show>
    </>
  );
}
