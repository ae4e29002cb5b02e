/** The coloured dot of a server's health, with its state as an accessible name. */

import type { JSX } from "solid-js";
import type { HealthStatus } from "../context/health";

export function HealthDot(props: { status: HealthStatus; title?: string }): JSX.Element {
  return (
    <span
      class="health-dot"
      data-status={props.status}
      role="img"
      aria-label={props.status}
      title={props.title ?? props.status}
    />
  );
}
