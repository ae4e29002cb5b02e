/**
 * Line icons of the session actions (undo, redo, fork, copy, context, sub-agents), drawn
 * as JSX like those of `icons.tsx`, sized by the surrounding font.
 */

import type { JSX } from "solid-js";
import { Icon } from "./icons";

export const UndoIcon = () => (
  <Icon>
    <path d="M9 14 4 9l5-5" />
    <path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11" />
  </Icon>
);

export const RedoIcon = () => (
  <Icon>
    <path d="m15 14 5-5-5-5" />
    <path d="M20 9H9.5a5.5 5.5 0 0 0 0 11H13" />
  </Icon>
);

export const ForkIcon = () => (
  <Icon>
    <circle cx="6" cy="5" r="2" />
    <circle cx="18" cy="5" r="2" />
    <circle cx="12" cy="19" r="2" />
    <path d="M6 7v2a3 3 0 0 0 3 3h6a3 3 0 0 0 3-3V7M12 12v5" />
  </Icon>
);

export const CopyIcon = () => (
  <Icon>
    <rect x="9" y="9" width="12" height="12" rx="2" />
    <path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1" />
  </Icon>
);

export const CheckIcon = () => (
  <Icon>
    <path d="M20 6 9 17l-5-5" />
  </Icon>
);

export const ListIcon = () => (
  <Icon>
    <path d="M9 6h11M9 12h11M9 18h11" />
    <path d="m3 6 1 1 2-2M3 12l1 1 2-2M3 18l1 1 2-2" />
  </Icon>
);

export const AgentIcon = () => (
  <Icon>
    <rect x="4" y="7" width="16" height="12" rx="3" />
    <path d="M12 3v4M9 12v1M15 12v1" />
  </Icon>
);

/** A ring filled to `percent` (0 to 100), for the context button. */
export function UsageRing(props: { percent: number }): JSX.Element {
  const circumference = 2 * Math.PI * 8;
  const filled = () => (Math.min(100, Math.max(0, props.percent)) / 100) * circumference;
  return (
    <svg class="icon usage-ring" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
      <circle
        cx="12"
        cy="12"
        r="8"
        fill="none"
        stroke="currentColor"
        stroke-width="3"
        opacity="0.25"
      />
      <circle
        cx="12"
        cy="12"
        r="8"
        fill="none"
        stroke="currentColor"
        stroke-width="3"
        stroke-dasharray={`${filled()} ${circumference}`}
        transform="rotate(-90 12 12)"
      />
    </svg>
  );
}
