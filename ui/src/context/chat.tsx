/**
 * One session's conversation: fetched when it is opened, after the event stream
 * reconnects (so a reply that finished during the gap appears in full) and kept
 * current by events in between. Streamed words change one part's text only.
 */

import { batch, createSignal, type Accessor } from "solid-js";
import { createStore, produce, reconcile } from "solid-js/store";
import type { Connection } from "../api/connection";
import { problemOf, type Problem } from "../api/problems";
import type { PromptBody } from "../api/types";
import { applyEvent, buildTranscript, emptyTranscript, type Transcript } from "../lib/transcript";
import { useConnection, useResync, useServerEvents } from "./connection";
import { useModels } from "./models";
import { useSessions } from "./sessions";

export interface Chat {
  transcript: Transcript;
  loading: Accessor<boolean>;
  problem: Accessor<Problem | null>;
  reload(): void;
  send(text: string): Promise<void>;
  stop(): Promise<void>;
}

/** The conversation of `sessionID` on the server in use, for the lifetime of the caller. */
export function createChat(sessionID: string): Chat {
  const { connection } = useConnection();
  const sessions = useSessions();
  const models = useModels();
  const [transcript, setTranscript] = createStore<Transcript>(emptyTranscript());
  const [loading, setLoading] = createSignal(true);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  let generation = 0;

  const load = (current: Connection) => {
    const mine = ++generation;
    setLoading(true);
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
    setTranscript(produce((draft) => applyEvent(draft, sessionID, event)));
  });

  const client = () => {
    const current = connection();
    if (!current) throw new Error("No server is in use.");
    return current.client;
  };

  return {
    transcript,
    loading,
    problem,
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
  };
}
