/**
 * Exploration calls (read, grep, glob, list) that follow one another, with nothing
 * visible between them, are drawn as one "Explored 1 read · 2 searches" row that opens
 * to the calls themselves, like upstream. The scripted model and real models alike often
 * make each call in its own assistant message, so a run is looked for across the
 * neighbouring assistant messages of the same turn: it is drawn where its first call is,
 * and its other calls draw nothing where they are. A failed call is never folded in.
 */

import { createMemo, For, Match, Show, Switch, type Accessor, type JSX } from "solid-js";
import type { Part, ToolPart } from "../../api/types";
import {
  exploredText,
  groupExploration,
  partKind,
  phaseOf,
  type Grouping,
  type PartRef,
} from "../../lib/tools";
import type { Transcript } from "../../lib/transcript";
import { ChevronIcon } from "../icons";
import { ToolCard } from "./tool-card";
import { Spinner, ToolIcon } from "./tool-icons";

const SOLO: Grouping = { role: "solo" };

function refOf(id: string, part: Part | undefined): PartRef {
  const ref: PartRef = { id, kind: partKind(part) };
  if (part?.type === "tool") ref.tool = part.tool;
  return ref;
}

/**
 * The parts around one assistant message that can share a run with its own: back and
 * forth through the turn's assistant messages up to the nearest visible non-exploration
 * part on each side.
 */
function neighbourhood(transcript: Transcript, messageID: string): PartRef[] {
  const { order, messages, parts, part } = transcript;
  const index = order.indexOf(messageID);
  const own = (parts[messageID] ?? []).map((id) => refOf(id, part[id]));
  if (index < 0) return own;
  const before: PartRef[] = [];
  back: for (let at = index - 1; at >= 0; at--) {
    const id = order[at]!;
    if (messages[id]?.role !== "assistant") break;
    const ids = parts[id] ?? [];
    for (let p = ids.length - 1; p >= 0; p--) {
      const ref = refOf(ids[p]!, part[ids[p]!]);
      before.push(ref);
      if (ref.kind === "other") break back;
    }
  }
  const after: PartRef[] = [];
  forth: for (let at = index + 1; at < order.length; at++) {
    const id = order[at]!;
    if (messages[id]?.role !== "assistant") break;
    for (const partID of parts[id] ?? []) {
      const ref = refOf(partID, part[partID]);
      after.push(ref);
      if (ref.kind === "other") break forth;
    }
  }
  return [...before.reverse(), ...own, ...after];
}

function sameGrouping(a: Grouping, b: Grouping): boolean {
  if (a.role !== b.role) return false;
  if (a.role === "member" && b.role === "member") return a.lead === b.lead;
  if (a.role === "lead" && b.role === "lead") {
    return a.members.length === b.members.length && a.members.every((m, i) => m === b.members[i]);
  }
  return true;
}

/** The grouping of one assistant message's parts; read it per part with `groupingOf`. */
export function createExploreGrouping(
  transcript: Transcript,
  messageID: Accessor<string>,
): Accessor<Map<string, Grouping>> {
  return createMemo(() => groupExploration(neighbourhood(transcript, messageID())));
}

/** One part's role, changing only when the role itself changes. */
export function groupingOf(
  grouping: Accessor<Map<string, Grouping>>,
  partID: Accessor<string>,
): Accessor<Grouping> {
  return createMemo(() => grouping().get(partID()) ?? SOLO, SOLO, { equals: sameGrouping });
}

/** A tool part where it stands: its own card, the group it leads, or nothing. */
export function ToolSlot(props: {
  part: ToolPart;
  grouping: Grouping;
  transcript: Transcript;
  root: string | undefined;
}): JSX.Element {
  return (
    <Switch fallback={<ToolCard part={props.part} root={props.root} />}>
      <Match when={props.grouping.role === "member"}>{null}</Match>
      <Match when={props.grouping.role === "lead" && props.grouping}>
        {(lead) => (
          <ExploredGroup
            ids={(lead() as { members: string[] }).members}
            transcript={props.transcript}
            root={props.root}
          />
        )}
      </Match>
    </Switch>
  );
}

export function ExploredGroup(props: {
  ids: string[];
  transcript: Transcript;
  root: string | undefined;
}): JSX.Element {
  const calls = createMemo(() =>
    props.ids
      .map((id) => props.transcript.part[id])
      .filter((part): part is ToolPart => part?.type === "tool"),
  );
  const active = () => calls().some((call) => phaseOf(call.state) === "active");
  const counts = () => exploredText(calls().map((call) => call.tool));
  const verb = () => (active() ? "Exploring" : "Explored");
  return (
    <details class="tool-group" aria-label={`${verb()} ${counts()}`}>
      <summary class="tool-head">
        <ChevronIcon />
        <ToolIcon family="explore" />
        <span class="tool-verb">{verb()}</span>{" "}
        <span class="tool-meta tool-group-counts">{counts()}</span>
        <Show when={active()}>
          <span class="tool-state">
            <Spinner />
          </span>
        </Show>
      </summary>
      <div class="tool-group-body">
        <For each={calls()}>{(call) => <ToolCard part={call} root={props.root} />}</For>
      </div>
    </details>
  );
}
