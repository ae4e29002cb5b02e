/**
 * The code view and the diff view, loaded when first shown: each is its own chunk (with
 * `lib/diff.ts`, jsdiff's word diff and the token rendering), so the first load of the
 * app carries none of it. Until the chunk is there, the text is shown plain in the same
 * frame, font and line height (as the views show it before Shiki's grammar arrives), so
 * nothing jumps or flashes empty; the gutters and colours follow a moment later.
 *
 * Views use `CodeView` and `DiffView` from here; only chunks that are lazy themselves
 * (the Files panel) import the real ones directly.
 */

import { lazy, Suspense, type ComponentProps, type JSX } from "solid-js";
import type { CodeView as RealCodeView } from "./code-view";
import type { DiffView as RealDiffView } from "./diff-view";

const LoadedCodeView = lazy(() =>
  import("./code-view").then((module) => ({ default: module.CodeView })),
);
const LoadedDiffView = lazy(() =>
  import("./diff-view").then((module) => ({ default: module.DiffView })),
);

/** A patch's own lines, without its file and hunk headers (a sketch of the diff view). */
function patchBody(patch: string): string {
  return patch
    .split("\n")
    .filter((line) => !/^(diff |index |Index: |={3,}$|--- |\+\+\+ |@@ |\\ No newline)/.test(line))
    .join("\n");
}

/** Plain text where a view will be: its first lines, in the views' frame. */
function Pending(props: { text: string; maxLines?: number | undefined }): JSX.Element {
  const text = () => {
    const lines = props.text.replace(/\n$/, "").split("\n");
    const max = props.maxLines;
    return max !== undefined && max > 0 ? lines.slice(0, max).join("\n") : lines.join("\n");
  };
  return (
    <div class="code-view code-pending" aria-busy="true">
      <pre class="code-scroll mono">{text()}</pre>
    </div>
  );
}

export function CodeView(props: ComponentProps<typeof RealCodeView>): JSX.Element {
  return (
    <Suspense fallback={<Pending text={props.code} maxLines={props.maxLines} />}>
      <LoadedCodeView {...props} />
    </Suspense>
  );
}

export function DiffView(props: ComponentProps<typeof RealDiffView>): JSX.Element {
  return (
    <Suspense fallback={<Pending text={patchBody(props.patch)} />}>
      <LoadedDiffView {...props} />
    </Suspense>
  );
}
