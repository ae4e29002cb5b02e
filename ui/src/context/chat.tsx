/**
 * One session's conversation: fetched when it is opened, after the event stream
 * reconnects (so a reply that finished during the gap appears in full) and kept
 * current by events in between. Streamed words change one part's text only.
 *
 * Also the session's todo list (`GET /session/{id}/todo`, then `todo.updated` events),
 * its turns, and the session actions: revert to a prompt, undo, redo, restore, fork.
 * `ChatActionsContext` hands the actions to the transcript's messages.
 */

import {
  batch,
  createContext,
  createMemo,
  createSignal,
  useContext,
  type Accessor,
} from "solid-js";
import { createStore, produce, reconcile } from "solid-js/store";
import type { Connection } from "../api/connection";
import { problem as makeProblem, problemOf, ProblemError, type Problem } from "../api/problems";
import { EVENT_TODO_UPDATED, type PromptBody, type Session, type Todo } from "../api/types";
import { redoStep, undoTarget } from "../lib/revert";
import { parseTodos, sameTodos } from "../lib/todos";
import { applyEvent, buildTranscript, emptyTranscript, type Transcript } from "../lib/transcript";
import { messageText, turnsOf, type Turn } from "../lib/turns";
import { useConnection, useResync, useServerEvents } from "./connection";
import { useModels } from "./models";
import { useSessions } from "./sessions";

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
  send(text: string): Promise<void>;
  stop(): Promise<void>;
  /**
   * Revert the prompt `messageID` and everything after it; resolves to that prompt's
   * text, for the prompt box.
   */
  revertTo(messageID: string): Promise<string>;
  /** Revert the newest prompt still shown; undefined when there is none. */
  undo(): Promise<string | undefined>;
  /**
   * Move the revert point forward one prompt (resolving to the new point's text), or
   * restore everything when it was the last (resolving to undefined).
   */
  redo(): Promise<string | undefined>;
  /** Bring back everything reverted. */
  restore(): Promise<void>;
  /** A new session with the messages before `messageID` (all without one). */
  fork(messageID?: string): Promise<Session>;
}

/** The conversation of `sessionID` on the server in use, for the lifetime of the caller. */
export function createChat(sessionID: string): Chat {
  const { connection } = useConnection();
  const sessions = useSessions();
  const models = useModels();
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
    async send(text) {
      const body: PromptBody = {
        parts: [{ type: "text", text }],
        ...models.promptOptions(),
      };
      sessions.clearError(sessionID);
      // Busy at once (the Stop button appears); the server's events take over from here.
      const before = sessions.status(sessionID);
      sessions.setStatus(sessionID, { type: "busy" });
      try {
        await client().prompt(sessionID, body);
      } catch (error) {
        sessions.setStatus(sessionID, before);
        throw error;
      }
    },
    async stop() {
      await client().abort(sessionID);
    },
    async revertTo(messageID) {
      idle();
      await sessions.revert(sessionID, { messageID });
      return messageText(transcript, messageID);
    },
    async undo() {
      const target = undoTarget(transcript, revertPoint());
      if (!target) return undefined;
      idle();
      await sessions.revert(sessionID, { messageID: target });
      return messageText(transcript, target);
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
      return messageText(transcript, step.messageID);
    },
    async restore() {
      idle();
      await sessions.unrevert(sessionID);
    },
    fork: (messageID) => sessions.fork(sessionID, messageID),
  };
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
  /** Show a failed action's problem (null clears it). */
  report(problem: Problem | null): void;
}

export const ChatActionsContext = createContext<ChatActions>();

/** The chat's actions; undefined for a transcript shown outside a chat page. */
export function useChatActions(): ChatActions | undefined {
  return useContext(ChatActionsContext);
}
