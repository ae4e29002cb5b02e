/**
 * The end of a turn, under the reply's last message once the turn is over: the files it
 * changed, its figures added up over every model call (model, time, steps, tokens in,
 * out, reasoning, cache read and write, cost), and the reply's actions.
 */

import { createMemo, Show, type JSX } from "solid-js";
import type { AssistantMessage } from "../api/types";
import { useChatActions } from "../context/chat";
import { turnDone, turnFigures, turnOf, turnTotals, type TurnTotals } from "../lib/turns";
import { TurnActions } from "./message-actions";
import { TurnChanges } from "./turn-changes";

export function TurnFooter(props: { info: AssistantMessage }): JSX.Element {
  const actions = useChatActions();
  const turn = createMemo(() =>
    actions ? turnOf(actions.chat.turns(), props.info.id) : undefined,
  );
  const done = () => {
    const current = turn();
    if (!actions || !current) return false;
    if (current.assistantIDs[current.assistantIDs.length - 1] !== props.info.id) return false;
    return turnDone(actions.chat.transcript, current, actions.busy());
  };
  const totals = createMemo(() => {
    const current = turn();
    return actions && current && done() ? turnTotals(actions.chat.transcript, current) : undefined;
  });
  return (
    <Show when={done() && turn()}>
      {(current) => (
        <div class="turn-end">
          <Show when={current().userID}>{(userID) => <TurnChanges userID={userID()} done />}</Show>
          <div class="turn-footer">
            <Show when={totals()}>
              {(figures) => (
                <p class="message-meta" title={exactFigures(figures())}>
                  {turnFigures(figures()).join(" · ")}
                </p>
              )}
            </Show>
            <TurnActions turn={current()} />
          </div>
        </div>
      )}
    </Show>
  );
}

/** Every figure, zeros too, with exact counts: the footer's tooltip. */
function exactFigures(totals: TurnTotals): string {
  const count = (value: number) => value.toLocaleString("en-US");
  return [
    `input ${count(totals.input)}`,
    `output ${count(totals.output)}`,
    `reasoning ${count(totals.reasoning)}`,
    `cache read ${count(totals.cacheRead)}`,
    `cache write ${count(totals.cacheWrite)}`,
    `cost $${totals.cost.toFixed(4)}`,
    `${totals.steps} model call${totals.steps === 1 ? "" : "s"}`,
  ].join(", ");
}
