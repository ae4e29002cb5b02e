/** Consecutive exploration calls grouped into one "Explored 1 read · 2 searches" row. */

import { isBag, plural, str } from "./values";

/** How a part counts for grouping: an exploration call, invisible, or anything else. */
export type PartKind = "explore" | "quiet" | "other";

export interface PartRef {
  id: string;
  kind: PartKind;
  /** For exploration calls: read, grep, glob, list. */
  tool?: string;
}

const EXPLORE_TOOLS = new Set(["read", "grep", "glob", "list", "ls"]);

/**
 * A part's role in grouping. Exploration calls that failed are "other": a failure
 * stays in sight, never folded into a group.
 */
export function partKind(part: unknown): PartKind {
  if (!isBag(part)) return "quiet";
  switch (part.type) {
    case "tool": {
      const state = isBag(part.state) ? part.state : {};
      if (typeof part.tool === "string" && EXPLORE_TOOLS.has(part.tool)) {
        return state.status === "error" ? "other" : "explore";
      }
      return "other";
    }
    case "text":
      return part.synthetic === true || part.ignored === true || str(part.text)?.trim() === ""
        ? "quiet"
        : "other";
    case "reasoning":
      return str(part.text)?.trim() ? "other" : "quiet";
    case "file":
      return "other";
    default:
      // step-start, step-finish, snapshot, patch, agent, ...: nothing between tools.
      return "quiet";
  }
}

export type Grouping =
  { role: "lead"; members: string[] } | { role: "member"; lead: string } | { role: "solo" };

/** Runs shorter than this stay separate cards. */
export const GROUP_MIN = 2;

/**
 * Runs of exploration calls (with only invisible parts between them) become one group,
 * drawn where the first one is; the others are drawn inside it.
 */
export function groupExploration(parts: readonly PartRef[]): Map<string, Grouping> {
  const result = new Map<string, Grouping>();
  let run: string[] = [];
  const close = () => {
    if (run.length >= GROUP_MIN) {
      const [lead, ...rest] = run;
      result.set(lead!, { role: "lead", members: run });
      for (const id of rest) result.set(id, { role: "member", lead: lead! });
    } else {
      for (const id of run) result.set(id, { role: "solo" });
    }
    run = [];
  };
  for (const part of parts) {
    if (part.kind === "explore") run.push(part.id);
    else if (part.kind === "other") {
      close();
      result.set(part.id, { role: "solo" });
    } else {
      result.set(part.id, { role: "solo" });
    }
  }
  close();
  return result;
}

/** "1 read · 2 searches · 1 list". */
export function exploredText(tools: readonly string[]): string {
  let reads = 0;
  let searches = 0;
  let lists = 0;
  for (const tool of tools) {
    if (tool === "read") reads++;
    else if (tool === "grep" || tool === "glob") searches++;
    else lists++;
  }
  return [
    reads ? plural(reads, "read") : "",
    searches ? plural(searches, "search", "searches") : "",
    lists ? plural(lists, "list") : "",
  ]
    .filter(Boolean)
    .join(" · ");
}
