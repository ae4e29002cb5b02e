/**
 * One server in the Servers list. Its columns keep their width whatever the health
 * says, so rows never move when a check comes back.
 */

import { Show, type JSX } from "solid-js";
import type { Problem } from "../api/problems";
import type { ServerHealth } from "../context/health";
import type { ServerEntry } from "../context/servers";
import { displayUrl } from "../lib/url";
import { HealthDot } from "./health-dot";
import { LockIcon } from "./icons";

type FormProblem = Pick<Problem, "title" | "detail">;

const SHORT_PROBLEM = {
  unreachable: "Unreachable",
  auth: "Needs password",
  policy: "Not allowed",
  busy: "Busy",
  service: "No answer",
  server: "Error",
} as const;

/** What is wrong with an unhealthy server, in words for its row and the main area. */
export function healthProblem(entry: ServerEntry, health: ServerHealth): FormProblem | null {
  if (health.status === "unknown") {
    return {
      title: health.problem?.title ?? "Health unknown",
      detail: health.problem?.detail ?? "",
    };
  }
  if (health.status !== "unhealthy") return null;
  const problem = health.problem;
  if (!problem) return { title: "Unhealthy", detail: "" };
  if (problem.kind === "auth" && !entry.hasCredentials) {
    return {
      title: problem.title,
      detail: entry.managed
        ? "This server needs a password that the notebook's operator has not configured."
        : "This server needs a password: choose Edit in Settings → Servers to enter it.",
    };
  }
  return { title: problem.title, detail: problem.detail };
}

/** One line on a server's health, for tooltips. */
export function healthTitle(entry: ServerEntry, health: ServerHealth): string {
  if (health.status === "checking") return "Checking…";
  if (health.status === "unknown") return "Unknown: the notebook service does not answer";
  if (health.status === "healthy") return `Healthy, OpenCode ${health.version ?? ""}`.trim();
  const found = healthProblem(entry, health);
  return found?.detail ? `${found.title}: ${found.detail}` : (found?.title ?? "Unhealthy");
}

export function ServerRow(props: {
  entry: ServerEntry;
  health: ServerHealth;
  active: boolean;
  onSelect: () => void;
  onEdit: () => void;
  onSetDefault: () => void;
  onRemove: () => void;
}): JSX.Element {
  const entry = () => props.entry;
  const unhealthy = () => props.health.status === "unhealthy";
  const subtitle = () => {
    const parts: string[] = [];
    if (entry().name) parts.push(displayUrl(entry().url));
    parts.push(entry().username ?? "no username");
    return parts.join(" · ");
  };
  return (
    <li
      class="server-row"
      data-health={props.health.status}
      aria-current={props.active ? "true" : undefined}
      aria-label={entry().label}
    >
      <HealthDot status={props.health.status} title={healthTitle(entry(), props.health)} />
      <div class="server-main">
        <div class="server-title">
          <button
            type="button"
            class="server-select"
            onClick={() => props.onSelect()}
            disabled={unhealthy() && !props.active}
            title={
              props.active
                ? "In use"
                : unhealthy()
                  ? "Not reachable, so it cannot be used now"
                  : `Use ${entry().label}`
            }
          >
            {entry().label}
          </button>
          <Show when={props.active}>
            <span class="badge accent">Active</span>
          </Show>
          <Show when={entry().isDefault}>
            <span class="badge">Default</span>
          </Show>
          <Show when={entry().managed}>
            <span class="badge subtle" title="Configured by this notebook's operator">
              Managed
            </span>
          </Show>
        </div>
        <span class="server-sub">
          <span class="mono">{subtitle()}</span>
          <span class="credentials" data-stored={entry().hasCredentials ? "yes" : "no"}>
            <Show when={entry().hasCredentials} fallback={<span>no password stored</span>}>
              <LockIcon />
              <span>password stored</span>
            </Show>
          </span>
        </span>
      </div>
      <span class="server-health" title={healthTitle(entry(), props.health)}>
        <Show
          when={props.health.status !== "unhealthy" && props.health.status !== "unknown"}
          fallback={
            <>
              <span class="server-version problem-text">
                {props.health.status === "unknown"
                  ? "Unknown"
                  : SHORT_PROBLEM[props.health.problem?.kind ?? "server"]}
              </span>
              <span class="server-rtt">—</span>
            </>
          }
        >
          <span class="server-version">
            {props.health.version ? `v${props.health.version}` : "…"}
          </span>
          <span class="server-rtt">
            {props.health.rttMs !== undefined ? `${props.health.rttMs} ms` : "—"}
          </span>
        </Show>
      </span>
      <span class="server-actions">
        <Show when={!entry().isDefault}>
          <button type="button" class="button ghost small" onClick={() => props.onSetDefault()}>
            Set as default
          </button>
        </Show>
        <Show when={!entry().managed}>
          <button type="button" class="button ghost small" onClick={() => props.onEdit()}>
            Edit
          </button>
          <button
            type="button"
            class="button ghost small danger-text"
            onClick={() => props.onRemove()}
          >
            Remove
          </button>
        </Show>
      </span>
    </li>
  );
}
