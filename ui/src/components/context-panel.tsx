/**
 * The session's context, from the chat header: how much of the model's context window
 * the newest request used (a bar and a percentage, against `limit.context` from
 * `GET /config/providers`), an estimate of what filled it, that request's tokens, and
 * the session's totals (messages, tokens, cost) with its model and provider.
 *
 * The button shows the percentage in a ring; the panel opens under it, closes on
 * Escape or a click elsewhere, and gives the focus back to the button.
 */

import { createMemo, createSignal, onCleanup, onMount, Show, type JSX } from "solid-js";
import type { Session } from "../api/types";
import { useModels } from "../context/models";
import { costText } from "../lib/format";
import type { Transcript } from "../lib/transcript";
import { contextBreakdown, contextUsage, sessionFigures } from "../lib/turns";
import { CloseIcon } from "./icons";
import { UsageRing } from "./session-icons";

interface Usage {
  tokens: number;
  limit: number | undefined;
  percent: number | undefined;
}

function useContextFigures(transcript: Transcript) {
  const models = useModels();
  const usage = createMemo(() => contextUsage(transcript));
  const model = createMemo(() => {
    const found = usage();
    return found ? models.find(found.providerID, found.modelID) : undefined;
  });
  const summary = createMemo((): Usage => {
    const tokens = usage()?.tokens ?? 0;
    const limit = model()?.limit?.context;
    const percent = limit && limit > 0 ? (100 * tokens) / limit : undefined;
    return { tokens, limit, percent };
  });
  return { usage, model, summary };
}

/** "2%", "<1%" for a little, "" when unknown. */
function percentText(percent: number | undefined): string {
  if (percent === undefined) return "";
  if (percent > 0 && percent < 1) return "<1%";
  return `${Math.round(percent)}%`;
}

const count = (value: number) => value.toLocaleString("en-US");

export function ContextButton(props: {
  transcript: Transcript;
  session: Session | undefined;
}): JSX.Element {
  const { summary } = useContextFigures(props.transcript);
  const [open, setOpen] = createSignal(false);
  let button: HTMLButtonElement | undefined;
  let wrapper: HTMLDivElement | undefined;
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button?.focus();
  };
  const onDocument = (event: MouseEvent) => {
    if (open() && wrapper && !wrapper.contains(event.target as Node)) close(false);
  };
  onMount(() => document.addEventListener("mousedown", onDocument));
  onCleanup(() => document.removeEventListener("mousedown", onDocument));
  return (
    <div class="context-wrap" ref={wrapper}>
      <button
        ref={button}
        type="button"
        class="button ghost small context-button"
        aria-expanded={open()}
        aria-controls="context-panel"
        title="Context window use and session cost"
        onClick={() => setOpen(!open())}
      >
        <UsageRing percent={summary().percent ?? 0} />
        <span>Context</span>
        <Show when={percentText(summary().percent)}>
          {(text) => <span class="context-percent mono">{text()}</span>}
        </Show>
      </button>
      <Show when={open()}>
        <ContextPanel
          transcript={props.transcript}
          session={props.session}
          onClose={() => close(true)}
        />
      </Show>
    </div>
  );
}

function ContextPanel(props: {
  transcript: Transcript;
  session: Session | undefined;
  onClose: () => void;
}): JSX.Element {
  const { usage, model, summary } = useContextFigures(props.transcript);
  const figures = createMemo(() => sessionFigures(props.transcript));
  const breakdown = createMemo(() => {
    const found = usage();
    return found ? contextBreakdown(props.transcript, found.messageID, found.tokens) : undefined;
  });
  let panel: HTMLElement | undefined;
  onMount(() => panel?.focus());
  const share = (part: number) => (summary().tokens > 0 ? (100 * part) / summary().tokens : 0);
  const date = (time: number | undefined) =>
    time
      ? new Date(time).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })
      : "";

  return (
    <section
      ref={panel}
      id="context-panel"
      class="context-panel"
      role="dialog"
      aria-modal="false"
      aria-labelledby="context-title"
      tabindex="-1"
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          event.stopPropagation();
          props.onClose();
        }
      }}
    >
      <div class="context-head">
        <h2 id="context-title">Context</h2>
        <button
          type="button"
          class="icon-button small"
          aria-label="Close context"
          onClick={() => props.onClose()}
        >
          <CloseIcon />
        </button>
      </div>
      <Show
        when={usage()}
        fallback={<p class="muted">No request yet: the figures appear after the first reply.</p>}
      >
        <div
          class="usage-meter"
          role="meter"
          aria-label="Context window used"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.min(100, summary().percent ?? 0)}
          aria-valuetext={
            summary().limit
              ? `${count(summary().tokens)} of ${count(summary().limit!)} tokens, ${percentText(summary().percent)}`
              : `${count(summary().tokens)} tokens`
          }
          data-level={
            (summary().percent ?? 0) >= 90 ? "high" : (summary().percent ?? 0) >= 70 ? "mid" : "low"
          }
        >
          <span style={{ width: `${Math.min(100, summary().percent ?? 0)}%` }} />
        </div>
        <p class="usage-text">
          <Show
            when={summary().limit}
            fallback={
              <>
                <strong>{count(summary().tokens)}</strong> tokens; this model's context window is
                unknown.
              </>
            }
          >
            {(limit) => (
              <>
                <strong>{count(summary().tokens)}</strong> of {count(limit())} tokens ·{" "}
                <strong>{percentText(summary().percent)}</strong> used
              </>
            )}
          </Show>
        </p>
        <Show when={breakdown()}>
          {(parts) => (
            <div class="context-breakdown">
              <div class="breakdown-bar" aria-hidden="true">
                <span data-kind="user" style={{ width: `${share(parts().user)}%` }} />
                <span data-kind="assistant" style={{ width: `${share(parts().assistant)}%` }} />
                <span data-kind="tools" style={{ width: `${share(parts().tools)}%` }} />
                <span data-kind="other" style={{ width: `${share(parts().other)}%` }} />
              </div>
              <ul class="breakdown-legend" aria-label="What filled the context (estimated)">
                <li data-kind="user">Prompts {percentText(share(parts().user))}</li>
                <li data-kind="assistant">Replies {percentText(share(parts().assistant))}</li>
                <li data-kind="tools">Tool calls {percentText(share(parts().tools))}</li>
                <li data-kind="other">System and other {percentText(share(parts().other))}</li>
              </ul>
            </div>
          )}
        </Show>
      </Show>
      <dl class="context-figures">
        <dt>Model</dt>
        <dd>{model()?.label ?? usage()?.modelID ?? "—"}</dd>
        <dt>Provider</dt>
        <dd>{model()?.provider ?? usage()?.providerID ?? "—"}</dd>
        <dt>Context window</dt>
        <dd>{summary().limit ? `${count(summary().limit!)} tokens` : "unknown"}</dd>
        <Show when={usage()}>
          {(last) => (
            <>
              <dt>Last request</dt>
              <dd>
                {count(last().input)} in · {count(last().output)} out
                <Show when={last().reasoning}> · {count(last().reasoning)} reasoning</Show>
              </dd>
              <dt>Cache</dt>
              <dd>
                {count(last().cacheRead)} read · {count(last().cacheWrite)} written
              </dd>
            </>
          )}
        </Show>
        <dt>Messages</dt>
        <dd>
          {figures().userMessages + figures().assistantMessages} ({figures().userMessages} prompt
          {figures().userMessages === 1 ? "" : "s"}, {figures().assistantMessages} model call
          {figures().assistantMessages === 1 ? "" : "s"})
        </dd>
        <dt>Session tokens</dt>
        <dd>
          {count(figures().input)} in · {count(figures().output)} out
          <Show when={figures().reasoning}> · {count(figures().reasoning)} reasoning</Show>
          <Show when={figures().cacheRead || figures().cacheWrite}>
            {" "}
            · {count(figures().cacheRead)} cache read · {count(figures().cacheWrite)} cache write
          </Show>
        </dd>
        <dt>Total cost</dt>
        <dd>{costText(figures().cost) || "$0.00"}</dd>
        <Show when={props.session}>
          {(session) => (
            <>
              <dt>Started</dt>
              <dd>{date(session().time.created)}</dd>
              <dt>Last activity</dt>
              <dd>{date(session().time.updated)}</dd>
            </>
          )}
        </Show>
      </dl>
    </section>
  );
}
