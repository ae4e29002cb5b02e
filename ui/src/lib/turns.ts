/**
 * Turns: one user prompt and every assistant message of the reply to it (a reply that
 * calls tools is several assistant messages, one per model call, each naming the prompt
 * as its `parentID`). The views show a turn's changed files, figures and actions once,
 * under its last message; this module says which messages form each turn, when a turn
 * is over, and adds up its tokens, cost and time. Also the context figures of a whole
 * session: what the newest request sent the model, and an estimate of what it was made of.
 *
 * Pure functions over a Transcript (or any object of its shape), no Solid.
 */

import type { AssistantMessage, Message, Part, Tokens } from "../api/types";
import { compactNumber, costText, durationText } from "./format";
import type { Transcript } from "./transcript";

type MessagesView = Pick<Transcript, "order" | "messages">;
type PartsView = Pick<Transcript, "parts" | "part">;

export interface Turn {
  /** The prompt that started the turn; undefined for replies with no prompt before them. */
  userID: string | undefined;
  /** The reply's messages, oldest first. */
  assistantIDs: string[];
}

/** The turns of a conversation, oldest first. */
export function turnsOf(transcript: MessagesView): Turn[] {
  const turns: Turn[] = [];
  const byUser = new Map<string, Turn>();
  let current: Turn | undefined;
  for (const id of transcript.order) {
    const info = transcript.messages[id];
    if (!info) continue;
    if (info.role === "user") {
      current = { userID: id, assistantIDs: [] };
      byUser.set(id, current);
      turns.push(current);
      continue;
    }
    // A reply belongs to the prompt it names; one naming none (or one not loaded) to the
    // prompt before it.
    const parent = info.parentID ? byUser.get(info.parentID) : undefined;
    const turn = parent ?? current;
    if (turn) {
      turn.assistantIDs.push(id);
    } else {
      current = { userID: undefined, assistantIDs: [id] };
      turns.push(current);
    }
  }
  return turns;
}

/** The turn a message belongs to. */
export function turnOf(turns: Turn[], messageID: string): Turn | undefined {
  return turns.find((turn) => turn.userID === messageID || turn.assistantIDs.includes(messageID));
}

/**
 * Whether a turn is over, so its summary can show: its last message is complete and
 * did not end by calling tools (another message would follow), or it failed, or the
 * session stopped working after it (a reply stopped between two calls).
 */
export function turnDone(transcript: MessagesView, turn: Turn, busy: boolean): boolean {
  const lastID = turn.assistantIDs[turn.assistantIDs.length - 1];
  const last = lastID ? transcript.messages[lastID] : undefined;
  if (!last || last.role !== "assistant") return false;
  if (last.error) return true;
  if (last.time.completed === undefined) return false;
  return last.finish !== "tool-calls" || !busy;
}

export interface TurnTotals {
  input: number;
  output: number;
  reasoning: number;
  cacheRead: number;
  cacheWrite: number;
  cost: number;
  /** Model IDs in the order the reply used them, each once. */
  models: string[];
  /** From the prompt to the reply's last completed message, when both are known. */
  durationMs: number | undefined;
  /** How many model calls the reply took. */
  steps: number;
}

/** The figures of a whole turn, added up over its assistant messages. */
export function turnTotals(transcript: MessagesView, turn: Turn): TurnTotals {
  const totals: TurnTotals = {
    input: 0,
    output: 0,
    reasoning: 0,
    cacheRead: 0,
    cacheWrite: 0,
    cost: 0,
    models: [],
    durationMs: undefined,
    steps: 0,
  };
  let first: number | undefined;
  let completed: number | undefined;
  for (const id of turn.assistantIDs) {
    const info = transcript.messages[id];
    if (!info || info.role !== "assistant") continue;
    totals.steps += 1;
    addTokens(totals, info.tokens);
    totals.cost += finite(info.cost);
    if (info.modelID && !totals.models.includes(info.modelID)) totals.models.push(info.modelID);
    first ??= info.time.created;
    if (info.time.completed !== undefined) {
      completed = Math.max(completed ?? 0, info.time.completed);
    }
  }
  const user = turn.userID ? transcript.messages[turn.userID] : undefined;
  const start = user?.time.created ?? first;
  if (start !== undefined && completed !== undefined) {
    totals.durationMs = Math.max(0, completed - start);
  }
  return totals;
}

/**
 * The turn's figures as the footer shows them: "fake-model · 3.2 s · 3 steps · 6.3k in ·
 * 90 out · 5 reasoning · 1.5k cache read · 100 cache write · $0.0060" (zeros left out).
 */
export function turnFigures(totals: TurnTotals): string[] {
  const figures: string[] = [...totals.models];
  if (totals.durationMs !== undefined) figures.push(durationText(totals.durationMs));
  if (totals.steps > 1) figures.push(`${totals.steps} steps`);
  const counts: Array<[number, string]> = [
    [totals.input, "in"],
    [totals.output, "out"],
    [totals.reasoning, "reasoning"],
    [totals.cacheRead, "cache read"],
    [totals.cacheWrite, "cache write"],
  ];
  for (const [count, label] of counts) {
    if (count > 0) figures.push(`${compactNumber(count)} ${label}`);
  }
  const cost = costText(totals.cost);
  if (cost) figures.push(cost);
  return figures;
}

function finite(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function addTokens(totals: TurnTotals, tokens: Tokens | undefined): void {
  if (!tokens) return;
  totals.input += finite(tokens.input);
  totals.output += finite(tokens.output);
  totals.reasoning += finite(tokens.reasoning);
  totals.cacheRead += finite(tokens.cache?.read);
  totals.cacheWrite += finite(tokens.cache?.write);
}

/** Every token a request counted: what it sent (fresh and cached) and what came back. */
export function requestTokens(tokens: Tokens | undefined): number {
  if (!tokens) return 0;
  return (
    finite(tokens.input) +
    finite(tokens.output) +
    finite(tokens.reasoning) +
    finite(tokens.cache?.read) +
    finite(tokens.cache?.write)
  );
}

function partsOf(transcript: PartsView, messageID: string): Part[] {
  return (transcript.parts[messageID] ?? [])
    .map((id) => transcript.part[id])
    .filter((part): part is Part => part !== undefined);
}

/** The text the user sees of these parts: the text parts, without synthetic or ignored ones. */
export function partsText(parts: readonly Part[]): string {
  return parts
    .flatMap((part) =>
      part.type === "text" && !part.synthetic && !part.ignored && part.text.trim() !== ""
        ? [part.text.trim()]
        : [],
    )
    .join("\n\n");
}

/** The text the user sees of a message: its text parts, without synthetic or ignored ones. */
export function messageText(transcript: PartsView, messageID: string): string {
  return partsText(partsOf(transcript, messageID));
}

/** The command a reply's first tool call ran, if that call is bash. */
function bashCommand(replyParts: readonly Part[]): string | undefined {
  const tool = replyParts.find((part) => part.type === "tool");
  if (tool?.type !== "tool" || tool.tool !== "bash") return undefined;
  const input: unknown = tool.state?.input;
  if (typeof input !== "object" || input === null) return undefined;
  const command = (input as { command?: unknown }).command;
  return typeof command === "string" && command.trim() !== "" ? command : undefined;
}

/**
 * The command of the prompt `userID`, when the user ran it in the shell (`!command`): the
 * server keeps such a prompt as text of its own only (no word the user typed, no file),
 * and runs the command as its reply's bash tool.
 */
export function shellCommand(
  transcript: MessagesView & PartsView,
  userID: string,
): string | undefined {
  const userParts = partsOf(transcript, userID);
  const own = (part: Part) => part.type === "text" && part.synthetic === true;
  if (userParts.length === 0 || !userParts.every(own)) return undefined;
  const replyID = transcript.order.find((id) => {
    const info = transcript.messages[id];
    return info?.role === "assistant" && info.parentID === userID;
  });
  return replyID ? bashCommand(partsOf(transcript, replyID)) : undefined;
}

/** What a prompt reads as: the text the user typed, or `!command` for a shell command. */
export function promptText(transcript: MessagesView & PartsView, userID: string): string {
  const typed = messageText(transcript, userID);
  if (typed !== "") return typed;
  const command = shellCommand(transcript, userID);
  return command === undefined ? "" : `!${command}`;
}

/** A whole reply as markdown: the text of each of its messages, in order. */
export function turnMarkdown(transcript: PartsView, turn: Turn): string {
  return turn.assistantIDs
    .map((id) => messageText(transcript, id))
    .filter((text) => text !== "")
    .join("\n\n");
}

export interface ContextUsage {
  /** The newest request's tokens, everything the model had in view. */
  tokens: number;
  input: number;
  output: number;
  reasoning: number;
  cacheRead: number;
  cacheWrite: number;
  modelID: string | undefined;
  providerID: string | undefined;
  /** The message those figures are from. */
  messageID: string;
}

/** What the newest request that reported usage sent the model; undefined before any. */
export function contextUsage(transcript: MessagesView): ContextUsage | undefined {
  for (let index = transcript.order.length - 1; index >= 0; index--) {
    const id = transcript.order[index]!;
    const info = transcript.messages[id];
    if (!info || info.role !== "assistant") continue;
    const tokens = requestTokens(info.tokens);
    if (tokens <= 0) continue;
    return {
      tokens,
      input: finite(info.tokens?.input),
      output: finite(info.tokens?.output),
      reasoning: finite(info.tokens?.reasoning),
      cacheRead: finite(info.tokens?.cache?.read),
      cacheWrite: finite(info.tokens?.cache?.write),
      modelID: info.modelID,
      providerID: info.providerID,
      messageID: id,
    };
  }
  return undefined;
}

export interface SessionFigures {
  userMessages: number;
  assistantMessages: number;
  cost: number;
  input: number;
  output: number;
  reasoning: number;
  cacheRead: number;
  cacheWrite: number;
}

/** A whole conversation's counts and spend. */
export function sessionFigures(transcript: MessagesView): SessionFigures {
  const figures: SessionFigures = {
    userMessages: 0,
    assistantMessages: 0,
    cost: 0,
    input: 0,
    output: 0,
    reasoning: 0,
    cacheRead: 0,
    cacheWrite: 0,
  };
  for (const id of transcript.order) {
    const info: Message | undefined = transcript.messages[id];
    if (!info) continue;
    if (info.role === "user") {
      figures.userMessages += 1;
      continue;
    }
    figures.assistantMessages += 1;
    figures.cost += finite(info.cost);
    const tokens = (info as AssistantMessage).tokens;
    figures.input += finite(tokens?.input);
    figures.output += finite(tokens?.output);
    figures.reasoning += finite(tokens?.reasoning);
    figures.cacheRead += finite(tokens?.cache?.read);
    figures.cacheWrite += finite(tokens?.cache?.write);
  }
  return figures;
}

export interface ContextBreakdown {
  user: number;
  assistant: number;
  tools: number;
  /** System prompt, tool definitions and whatever else the request held. */
  other: number;
}

/** Characters per token, the usual rough rule for English text and code. */
const CHARS_PER_TOKEN = 4;

/**
 * An estimate of what the newest request's `total` tokens were made of, from the text of
 * the messages up to it: prompts, the assistant's words (and reasoning), tool calls and
 * results. The server reports only totals, so this is a guide, scaled to fit the total.
 */
export function contextBreakdown(
  transcript: MessagesView & PartsView,
  upTo: string,
  total: number,
): ContextBreakdown {
  let user = 0;
  let assistant = 0;
  let tools = 0;
  for (const id of transcript.order) {
    if (id > upTo) break;
    const info = transcript.messages[id];
    if (!info) continue;
    for (const part of partsOf(transcript, id)) {
      if (part.type === "text" || part.type === "reasoning") {
        if (info.role === "user") user += part.text.length;
        else assistant += part.text.length;
      } else if (part.type === "tool") {
        const state = part.state;
        tools += JSON.stringify(state.input ?? {}).length;
        if (state.status === "completed") tools += state.output.length;
        if (state.status === "error") tools += state.error.length;
      }
    }
  }
  const estimate = {
    user: Math.ceil(user / CHARS_PER_TOKEN),
    assistant: Math.ceil(assistant / CHARS_PER_TOKEN),
    tools: Math.ceil(tools / CHARS_PER_TOKEN),
  };
  const sum = estimate.user + estimate.assistant + estimate.tools;
  const scale = sum > total && sum > 0 ? total / sum : 1;
  const scaled = {
    user: Math.round(estimate.user * scale),
    assistant: Math.round(estimate.assistant * scale),
    tools: Math.round(estimate.tools * scale),
  };
  return {
    ...scaled,
    other: Math.max(0, total - scaled.user - scaled.assistant - scaled.tools),
  };
}
