/**
 * One session's conversation: fetched when it is opened, after the event stream
 * reconnects (so a reply that finished during the gap appears in full) and kept
 * current by events in between. Streamed words change one part's text only.
 *
 * Also the session's todo list (`GET /session/{id}/todo`, then `todo.updated` events),
 * its turns, and the session actions: revert to a prompt, undo, redo, restore, fork.
 * `ChatActionsContext` hands the actions to the transcript's messages.
 *
 * Sending: a prompt (text, @-mentions as file and agent parts, attachments as data
 * URLs), a server command (`/init …` → `POST /command`) or a shell command (`!ls` →
 * `POST /shell`); compact, share and export for the slash commands. What is sent while
 * the agent works is queued and goes, in order, when the session is idle again (unless
 * sent at once: OpenCode then hands it to the running turn). The queue outlives the
 * page and a reload of the tab (per server and session, see `lib/prompt/queue-store.ts`).
 */

import {
  batch,
  createContext,
  createEffect,
  createMemo,
  createSignal,
  onCleanup,
  untrack,
  useContext,
  type Accessor,
} from "solid-js";
import { createStore, produce, reconcile } from "solid-js/store";
import type { Connection } from "../api/connection";
import { problem as makeProblem, problemOf, ProblemError, type Problem } from "../api/problems";
import {
  EVENT_TODO_UPDATED,
  type AssistantMessage,
  type CommandBody,
  type FilePartInput,
  type PromptBody,
  type Session,
  type Todo,
} from "../api/types";
import { parseCommand } from "../lib/prompt/commands";
import { exportFileName, exportMarkdown } from "../lib/session-export";
import { promptParts, type PromptInput } from "../lib/prompt/parts";
import { loadQueue, saveQueue, type QueuedPrompt } from "../lib/prompt/queue-store";
import { redoStep, undoTarget } from "../lib/revert";
import { parseTodos, sameTodos } from "../lib/todos";
import {
  applyEvent,
  buildTranscript,
  emptyTranscript,
  partsOf,
  type Transcript,
} from "../lib/transcript";
import { isEmptyPrompt, promptOf } from "../lib/prompt/restore";
import { shellCommand, turnsOf, type Turn } from "../lib/turns";
import { useConnection, useResync, useServerEvents } from "./connection";
import { useModels } from "./models";
import { usePromptData } from "./prompt";
import { useSessions } from "./sessions";

/** A shell or server command that has not failed within this long is running. */
const STARTED_MS = 1500;
/** How long a sent prompt counts as working without the server saying so. */
const STARTING_MS = 8000;
/** Queued follow-ups per server and session, for as long as the app runs. */
const queues = new Map<string, QueuedPrompt[]>();
let queuedCount = 0;
/** The page is being left (reload, close): the queue must not start sending then, while
 * the event stream's teardown can make a busy session look idle. */
let leaving = false;
window.addEventListener("pagehide", () => (leaving = true));
window.addEventListener("pageshow", () => (leaving = false));
/** This tab's storage for the queues (none in a sandboxed frame that forbids it). */
function tabStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

export interface Chat {
  sessionID: string;
  transcript: Transcript;
  loading: Accessor<boolean>;
  problem: Accessor<Problem | null>;
  /** The agent's checklist, newest version. */
  todos: Accessor<Todo[]>;
  /** The list changed while this chat was open (not only fetched as it was). */
  todosChanged: Accessor<boolean>;
  turns: Accessor<Turn[]>;
  reload(): void;
  /**
   * Send at once: a prompt, a server command (`/name args`) or, with `shell`, a shell
   * command. Resolves when the server took it (a long shell command keeps running).
   */
  send(input: PromptInput | string): Promise<void>;
  /** Send when the agent is idle, else queue it for when it is; says which it did. */
  submit(input: PromptInput): Promise<"sent" | "queued">;
  /** The queued follow-ups, oldest first. */
  queued: Accessor<QueuedPrompt[]>;
  /** The queue waits (after Stop, or a queued prompt that could not be sent). */
  queuePaused: Accessor<boolean>;
  resumeQueue(): void;
  /** Take a follow-up out of the queue (to edit or drop it). */
  unqueue(id: string): PromptInput | undefined;
  /** Send a queued follow-up now, while the agent works. */
  sendQueuedNow(id: string): Promise<void>;
  /** What went wrong with something sent earlier (a queued prompt, a shell command). */
  sendProblem: Accessor<Problem | null>;
  clearSendProblem(): void;
  /** `POST /summarize` with the chosen model, else the server's default. */
  compact(): Promise<void>;
  /** Share by link; resolves to the link when the server gave one. */
  share(): Promise<string | undefined>;
  /** The conversation as a markdown document, with a file name for it. */
  exportMarkdown(): { filename: string; text: string };
  stop(): Promise<void>;
  /**
   * Revert the prompt `messageID` and everything after it; resolves to that prompt (its
   * text, mentions and attachments), for the prompt box.
   */
  revertTo(messageID: string): Promise<PromptInput>;
  /** Revert the newest prompt still shown (resolving to it); undefined when there is none. */
  undo(): Promise<PromptInput | undefined>;
  /**
   * Move the revert point forward one prompt (resolving to the new point's prompt), or
   * restore everything when it was the last (resolving to undefined).
   */
  redo(): Promise<PromptInput | undefined>;
  /** The prompt `messageID` was sent as (its text, mentions and attachments). */
  sentPrompt(messageID: string): PromptInput;
  /** Bring back everything reverted. */
  restore(): Promise<void>;
  /** A new session with the messages before `messageID` (all without one). */
  fork(messageID?: string): Promise<Session>;
}

/**
 * What the prompt box needs of a chat: sending, the queue and the chat's own slash
 * commands. A session's chat is one; home's starter (`./starter.ts`) is another, for the
 * prompt that begins a session.
 */
export type PromptChat = Pick<
  Chat,
  | "send"
  | "submit"
  | "stop"
  | "queued"
  | "queuePaused"
  | "resumeQueue"
  | "unqueue"
  | "sendQueuedNow"
  | "sendProblem"
  | "clearSendProblem"
  | "undo"
  | "redo"
  | "fork"
  | "compact"
  | "share"
  | "exportMarkdown"
>;

/** The conversation of `sessionID` on the server in use, for the lifetime of the caller. */
export function createChat(sessionID: string): Chat {
  const { connection } = useConnection();
  const sessions = useSessions();
  const models = useModels();
  const data = usePromptData();
  const [transcript, setTranscript] = createStore<Transcript>(emptyTranscript());
  const [loading, setLoading] = createSignal(true);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [todos, setTodos] = createSignal<Todo[]>([]);
  const [todosChanged, setTodosChanged] = createSignal(false);
  let generation = 0;

  const updateTodos = (next: Todo[], live: boolean) => {
    if (sameTodos(todos(), next)) return;
    batch(() => {
      setTodos(next);
      if (live) setTodosChanged(true);
    });
  };

  const load = (current: Connection) => {
    const mine = ++generation;
    setLoading(true);
    // The checklist is an extra: a server without it (or a failure) leaves it as it was.
    const first = todos().length === 0 && !todosChanged();
    current.client.todos(sessionID, { timeoutMs: 30_000 }).then(
      (fetched) => {
        if (mine !== generation || current.disposed) return;
        const parsed = parseTodos(fetched);
        // What a reconnect finds changed counts as a live change; what opening finds does not.
        if (parsed) updateTodos(parsed, !first);
      },
      () => undefined,
    );
    current.client.messages(sessionID, { timeoutMs: 30_000 }).then(
      (fetched) => {
        if (mine !== generation || current.disposed) return;
        batch(() => {
          setTranscript(reconcile(buildTranscript(fetched, transcript)));
          setProblem(null);
          setLoading(false);
        });
      },
      (error: unknown) => {
        if (mine !== generation || current.disposed) return;
        batch(() => {
          setProblem(problemOf(error));
          setLoading(false);
        });
      },
    );
  };
  useResync(load);
  useServerEvents((event) => {
    if (event.properties.sessionID !== sessionID) return;
    if (event.type === "session.status") {
      const status = event.properties.status as { type?: unknown } | undefined;
      if (status?.type === "busy" || status?.type === "retry") startingDone();
    }
    if (event.type === EVENT_TODO_UPDATED) {
      const parsed = parseTodos(event.properties.todos);
      if (parsed) updateTodos(parsed, true);
      return;
    }
    setTranscript(produce((draft) => applyEvent(draft, sessionID, event)));
  });

  // A new array only when the grouping changed, not on every streamed token count.
  const turns = createMemo(() => turnsOf(transcript), [], { equals: sameTurns });
  const revertPoint = () => sessions.get(sessionID)?.revert;
  const sentPrompt = (messageID: string): PromptInput => {
    const sent = promptOf(partsOf(transcript, messageID));
    if (!isEmptyPrompt(sent)) return sent;
    // A shell command: back into the box in shell mode, as it was typed.
    const command = shellCommand(transcript, messageID);
    return command === undefined ? sent : { ...sent, text: command, shell: true };
  };
  const idle = () => {
    if (sessions.busy(sessionID)) {
      // The server would refuse it too (409): say so before asking.
      throw new ProblemError(
        makeProblem("server", "Stop it first, then try again.", { title: "The agent is working" }),
      );
    }
  };

  const client = () => {
    const current = connection();
    if (!current) throw new Error("No server is in use.");
    return current.client;
  };

  // ---- sending ----
  const [sendProblem, setSendProblem] = createSignal<Problem | null>(null);
  /**
   * Sent, and the server has not said "busy" since: the end of the turn before may
   * still be arriving (`session.idle` after the idle status), which must not read as
   * "idle, send the next one". Given up after a while, in case no event comes.
   */
  const [starting, setStarting] = createSignal(false);
  let startingTimer: ReturnType<typeof setTimeout> | undefined;
  const markStarting = () => {
    clearTimeout(startingTimer);
    setStarting(true);
    startingTimer = setTimeout(() => setStarting(false), STARTING_MS);
  };
  const startingDone = () => {
    clearTimeout(startingTimer);
    setStarting(false);
  };
  onCleanup(() => clearTimeout(startingTimer));
  /** Working, as far as sending more is concerned. */
  const working = () => sessions.busy(sessionID) || starting();
  let stoppedAt = 0;
  const directory = async (): Promise<string> => {
    const known = data.directory();
    if (known) return known;
    return (await client().path({ timeoutMs: 10_000 })).directory;
  };
  const choice = () =>
    models.promptOptions() as {
      model?: { providerID: string; modelID: string };
      agent?: string;
      variant?: string;
    };
  /**
   * Run a request that answers only when its work is done (a shell command, a server
   * command's whole reply): busy at once; a refusal comes back as an error, and what
   * fails later is said in `sendProblem` (unless the user stopped it).
   */
  const started = async (title: string, run: () => Promise<void>) => {
    const before = sessions.status(sessionID);
    sessions.setStatus(sessionID, { type: "busy" });
    const since = Date.now();
    const settled = run().then(
      () => "done" as const,
      (error: unknown) => ({ error }),
    );
    const first = await Promise.race([
      settled,
      new Promise<"running">((resolve) => setTimeout(() => resolve("running"), STARTED_MS)),
    ]);
    if (first === "done") return;
    if (first === "running") {
      void settled.then((outcome) => {
        if (typeof outcome === "object" && stoppedAt < since) {
          setSendProblem({ ...problemOf(outcome.error), title: `${title}: failed` });
        }
      });
      return;
    }
    sessions.setStatus(sessionID, before);
    throw first.error;
  };
  /** Sends not yet answered: what is submitted meanwhile queues behind them. */
  let inFlight = 0;
  const dispatch = async (raw: PromptInput | string): Promise<void> => {
    inFlight += 1;
    // Sent to a working session, it joins the turn: no new "busy" will come.
    if (!sessions.busy(sessionID)) markStarting();
    try {
      await dispatchNow(raw);
    } catch (error) {
      startingDone();
      throw error;
    } finally {
      inFlight -= 1;
    }
  };
  const dispatchNow = async (raw: PromptInput | string): Promise<void> => {
    const input: PromptInput =
      typeof raw === "string" ? { text: raw, mentions: [], attachments: [] } : raw;
    const options = choice();
    sessions.clearError(sessionID);
    if (input.shell) {
      const agent = options.agent ?? data.config()?.default_agent ?? "build";
      await started("The shell command", () =>
        client().shell(
          sessionID,
          { agent, command: input.text, ...(options.model ? { model: options.model } : {}) },
          { timeoutMs: 0 },
        ),
      );
      return;
    }
    const needsDirectory = input.mentions.length > 0;
    const parts = promptParts(
      input.text,
      input.mentions,
      input.attachments,
      needsDirectory ? await directory() : "",
    );
    const command = parseCommand(input.text);
    const known =
      command &&
      data.commands().find((item) => item.name === command.name && item.source !== "builtin");
    if (command && known) {
      const files = parts.flatMap((part): FilePartInput[] => (part.type === "file" ? [part] : []));
      const body: CommandBody = {
        command: command.name,
        arguments: command.arguments,
        ...(options.agent ? { agent: options.agent } : {}),
        ...(options.model ? { model: `${options.model.providerID}/${options.model.modelID}` } : {}),
        ...(options.variant ? { variant: options.variant } : {}),
        ...(files.length ? { parts: files } : {}),
      };
      await started(`/${command.name}`, () => client().command(sessionID, body, { timeoutMs: 0 }));
      return;
    }
    // Only attachments: no empty text part with them.
    const sent = parts.filter((part) => part.type !== "text" || part.text.trim() !== "");
    const body: PromptBody = { ...options, parts: sent.length > 0 ? sent : parts };
    // Busy at once (the Stop button appears); the server's events take over from here.
    const before = sessions.status(sessionID);
    sessions.setStatus(sessionID, { type: "busy" });
    try {
      await client().prompt(sessionID, body);
    } catch (error) {
      sessions.setStatus(sessionID, before);
      throw error;
    }
  };

  // ---- the queue ----
  const queueKey = () => `${connection()?.client.target ?? ""}\n${sessionID}`;
  const [queued, setQueuedSignal] = createSignal<QueuedPrompt[]>([]);
  const [queuePaused, setQueuePaused] = createSignal(false);
  createEffect(() => {
    // The queue kept for this server and session; after a reload the connection comes
    // after the chat, so this runs again once it is there.
    const key = queueKey();
    untrack(() => {
      if (queued().length > 0) return;
      const kept = queues.get(key) ?? loadQueue(tabStorage(), key);
      if (kept.length > 0) setQueuedSignal(kept);
    });
  });
  const setQueued = (next: QueuedPrompt[]) => {
    setQueuedSignal(next);
    if (next.length > 0) queues.set(queueKey(), next);
    else queues.delete(queueKey());
    saveQueue(tabStorage(), queueKey(), next);
  };
  let dispatching = false;
  const runNext = async () => {
    const [next, ...rest] = queued();
    if (dispatching || !next || leaving) return;
    dispatching = true;
    setQueued(rest);
    try {
      await dispatch(next.input);
    } catch (error) {
      // Back at the front, and the queue waits for the user.
      batch(() => {
        setQueued([next, ...queued()]);
        setQueuePaused(true);
        setSendProblem({
          ...problemOf(error),
          title: `Queued prompt not sent: ${problemOf(error).title}`,
        });
      });
    } finally {
      dispatching = false;
    }
  };
  createEffect(() => {
    if (queued().length === 0 || queuePaused()) return;
    if (!sessions.loaded() || working() || !connection()) return;
    untrack(() => void runNext());
  });

  return {
    sessionID,
    transcript,
    loading,
    problem,
    todos,
    todosChanged,
    turns,
    reload: () => {
      const current = connection();
      if (current) load(current);
    },
    send: dispatch,
    async submit(input) {
      if (working() || queued().length > 0 || inFlight > 0) {
        // Unique across reloads too: the queue may hold items from before one.
        const id = `queued-${Date.now().toString(36)}-${++queuedCount}`;
        setQueued([...queued(), { id, input }]);
        return "queued";
      }
      await dispatch(input);
      return "sent";
    },
    queued,
    queuePaused,
    resumeQueue: () => {
      setSendProblem(null);
      setQueuePaused(false);
    },
    unqueue(id) {
      const found = queued().find((item) => item.id === id);
      if (found) setQueued(queued().filter((item) => item !== found));
      return found?.input;
    },
    async sendQueuedNow(id) {
      const found = queued().find((item) => item.id === id);
      if (!found) return;
      setQueued(queued().filter((item) => item !== found));
      try {
        await dispatch(found.input);
      } catch (error) {
        setQueued([found, ...queued()]);
        throw error;
      }
    },
    sendProblem,
    clearSendProblem: () => setSendProblem(null),
    async compact() {
      idle();
      const model = choice().model ?? data.defaultModel() ?? lastModel(transcript);
      if (!model) {
        throw new ProblemError(
          makeProblem("server", "Pick a model in the prompt box first.", {
            title: "No model to compact with",
          }),
        );
      }
      await started("Compacting", () => client().summarize(sessionID, model, { timeoutMs: 0 }));
    },
    async share() {
      const shared = await client().share(sessionID, { timeoutMs: 30_000 });
      const url = shared?.share?.url;
      return typeof url === "string" && /^https?:\/\//.test(url) ? url : undefined;
    },
    exportMarkdown() {
      // The same document as the session list's "Export as Markdown", from what is shown.
      const info = sessions.get(sessionID) ?? {
        id: sessionID,
        title: "Session",
        directory: "",
        time: { created: Date.now(), updated: Date.now() },
      };
      const messages = transcript.order.flatMap((id) => {
        const message = transcript.messages[id];
        return message ? [{ info: message, parts: partsOf(transcript, id) }] : [];
      });
      return { filename: exportFileName(info, "md"), text: exportMarkdown(info, messages) };
    },
    async stop() {
      stoppedAt = Date.now();
      // What was queued waits: Stop means stop, not "go on with the next one".
      if (queued().length > 0) setQueuePaused(true);
      await client().abort(sessionID);
    },
    async revertTo(messageID) {
      idle();
      await sessions.revert(sessionID, { messageID });
      return sentPrompt(messageID);
    },
    async undo() {
      const target = undoTarget(transcript, revertPoint());
      if (!target) return undefined;
      idle();
      await sessions.revert(sessionID, { messageID: target });
      return sentPrompt(target);
    },
    async redo() {
      const step = redoStep(transcript, revertPoint());
      if (!step) return undefined;
      idle();
      if (step.kind === "unrevert") {
        await sessions.unrevert(sessionID);
        return undefined;
      }
      await sessions.revert(sessionID, { messageID: step.messageID });
      return sentPrompt(step.messageID);
    },
    async restore() {
      idle();
      await sessions.unrevert(sessionID);
    },
    sentPrompt,
    fork: (messageID) => sessions.fork(sessionID, messageID),
  };
}

/** The model of the newest reply, for compacting when nothing is chosen or configured. */
function lastModel(transcript: Transcript): { providerID: string; modelID: string } | undefined {
  for (let at = transcript.order.length - 1; at >= 0; at--) {
    const info = transcript.messages[transcript.order[at]!];
    if (info?.role !== "assistant") continue;
    const { providerID, modelID } = info as AssistantMessage;
    if (providerID && modelID) return { providerID, modelID };
  }
  return undefined;
}

function sameTurns(a: Turn[], b: Turn[]): boolean {
  return (
    a.length === b.length &&
    a.every((turn, index) => {
      const other = b[index]!;
      return (
        turn.userID === other.userID &&
        turn.assistantIDs.length === other.assistantIDs.length &&
        turn.assistantIDs.every((id, at) => id === other.assistantIDs[at])
      );
    })
  );
}

/** What the transcript's messages may do to their session, from the chat page. */
export interface ChatActions {
  chat: Chat;
  busy: Accessor<boolean>;
  /** Revert to this prompt: the prompt and all after it are undone, its text goes back
   * into the prompt box. */
  revertTo(messageID: string): Promise<void>;
  /** Fork before this prompt (its text goes into the new session's prompt box). */
  forkBefore(messageID: string): Promise<void>;
  /** Fork with this whole turn in the new session. */
  forkAfter(turn: Turn): Promise<void>;
  /** Undo the newest prompt (its text goes back into the prompt box), as the header does. */
  undo(): Promise<void>;
  /** Redo what Undo reverted, as the header does. */
  redo(): Promise<void>;
  /** Fork the whole session and open the fork. */
  forkAll(): Promise<void>;
  /** Show a failed action's problem (null clears it). */
  report(problem: Problem | null): void;
}

export const ChatActionsContext = createContext<ChatActions>();

/** The chat's actions; undefined for a transcript shown outside a chat page. */
export function useChatActions(): ChatActions | undefined {
  return useContext(ChatActionsContext);
}
