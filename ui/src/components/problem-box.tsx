/** A problem shown inline: its headline and, when there is one, its detail. */

import { Show, type JSX } from "solid-js";
import type { Problem } from "../api/problems";
import { AlertIcon } from "./icons";

export function ProblemBox(props: {
  problem: Pick<Problem, "title" | "detail">;
  id?: string;
}): JSX.Element {
  return (
    <div class="problem" role="alert" id={props.id}>
      <AlertIcon />
      <div>
        <strong class="problem-title">{props.problem.title}</strong>
        <Show when={props.problem.detail}>
          <p class="problem-detail">{props.problem.detail}</p>
        </Show>
      </div>
    </div>
  );
}
