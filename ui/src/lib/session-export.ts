/**
 * A session exported for download: as JSON (the session and its messages exactly as the
 * server sent them, `{ info, messages }` like `opencode export`), or as markdown to read
 * (each prompt and reply, each tool call as one line with its output in a fenced block).
 */

import type { MessageWithParts, Part, Session } from "../api/types";
import { summarize } from "./tools";
import { displayTitle } from "./session-title";

export interface SessionExport {
  info: Session;
  messages: MessageWithParts[];
}

export function exportJson(info: Session, messages: MessageWithParts[]): string {
  const data: SessionExport = { info, messages };
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** A fence longer than any run of backticks in the text, so nothing can close it early. */
function fence(text: string, lang = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const mark = "`".repeat(longest + 1);
  return `${mark}${lang}\n${text.replace(/\n+$/, "")}\n${mark}`;
}

const OUTPUT_LIMIT = 20_000;

function clip(text: string): string {
  return text.length > OUTPUT_LIMIT ? `${text.slice(0, OUTPUT_LIMIT)}\n… (cut)` : text;
}

function partMarkdown(part: Part, root: string | undefined): string | undefined {
  switch (part.type) {
    case "text":
      return part.synthetic || part.ignored || part.text.trim() === "" ? undefined : part.text;
    case "reasoning":
      return part.text.trim() === ""
        ? undefined
        : part.text
            .trim()
            .split("\n")
            .map((line) => `> ${line}`)
            .join("\n");
    case "file":
      return `Attached: ${part.filename ?? part.mime}`;
    case "tool": {
      const summary = summarize(part, root);
      const head = `**${summary.verb}**${summary.subject ? ` \`${summary.subject.replace(/`/g, "'")}\`` : ""}`;
      const state = part.state;
      if (state.status === "completed" && state.output.trim() !== "") {
        return `${head}\n\n${fence(clip(state.output))}`;
      }
      if (state.status === "error") return `${head} (failed)\n\n${fence(clip(state.error))}`;
      return head;
    }
    default:
      return undefined;
  }
}

function stamp(time: number | undefined): string {
  return time === undefined ? "" : new Date(time).toISOString().replace("T", " ").slice(0, 16);
}

export function exportMarkdown(info: Session, messages: MessageWithParts[]): string {
  const lines: string[] = [`# ${displayTitle(info)}`, ""];
  lines.push(`- Session: \`${info.id}\``);
  lines.push(`- Started: ${stamp(info.time.created)} UTC`);
  lines.push(`- Last change: ${stamp(info.time.updated)} UTC`);
  if (info.directory) lines.push(`- Directory: \`${info.directory}\``);
  for (const message of messages) {
    const role = message.info.role;
    let heading = role === "user" ? "## You" : "## Assistant";
    if (message.info.role === "assistant" && message.info.modelID) {
      heading += ` (${message.info.modelID})`;
    }
    const body = message.parts
      .map((part) => partMarkdown(part, info.directory))
      .filter((text): text is string => text !== undefined);
    if (message.info.role === "assistant" && message.info.error) {
      body.push(`_Stopped: ${message.info.error.data?.message ?? message.info.error.name}_`);
    }
    if (body.length === 0) continue;
    lines.push("", heading, "", body.join("\n\n"));
  }
  return `${lines.join("\n")}\n`;
}

/** A file name for the download: the title made safe, and the extension. */
export function exportFileName(info: Session, extension: "md" | "json"): string {
  const base =
    displayTitle(info)
      .normalize("NFKD")
      .replace(/[^\w\s-]/g, "")
      .trim()
      .replace(/\s+/g, "-")
      .toLowerCase()
      .slice(0, 60) || "session";
  return `${base}-${info.id.slice(-8)}.${extension}`;
}
