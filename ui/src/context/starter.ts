/**
 * The prompt on home, before there is a session: sending it creates a session
 * (`sessions.create`, as "Start a session" does) and sends the prompt through that
 * session's own chat (`createChat(id).send`), so the model, agent, mentions, attachments,
 * a server command or a shell command go exactly as from a chat; then `open` shows the
 * session, where the reply streams.
 *
 * A failed send throws (the prompt box keeps the text and says why); the session it
 * created is used again by the next try, so retrying never leaves empty sessions behind.
 * Nothing is ever queued here: nothing is working yet.
 */

import { createRoot, getOwner } from "solid-js";
import { problem, ProblemError } from "../api/problems";
import type { PromptInput } from "../lib/prompt/parts";
import { createChat, type PromptChat } from "./chat";
import { useConnection } from "./connection";
import { useSessions } from "./sessions";

/** The slash commands that act on a conversation, asked for before there is one. */
function noSession(): never {
  throw new ProblemError(
    problem("server", "Send a prompt or start a session first.", { title: "No session yet" }),
  );
}

export function createStarter(open: (sessionID: string) => void): PromptChat {
  const { connection } = useConnection();
  const sessions = useSessions();
  const owner = getOwner();
  /** A session created for a prompt the server then refused, on that server. */
  let unused: { id: string; target: string } | undefined;

  const sessionFor = async (): Promise<string> => {
    const target = connection()?.client.target ?? "";
    if (unused && unused.target === target && sessions.get(unused.id)) return unused.id;
    const created = await sessions.create();
    unused = { id: created.id, target };
    return created.id;
  };
  const start = async (input: PromptInput | string): Promise<void> => {
    const id = await sessionFor();
    // The session's chat for just this send, under this component (for its contexts).
    await createRoot(async (dispose) => {
      try {
        await createChat(id).send(input);
      } finally {
        dispose();
      }
    }, owner ?? undefined);
    unused = undefined;
    open(id);
  };

  return {
    send: start,
    async submit(input) {
      await start(input);
      return "sent";
    },
    stop: async () => undefined,
    queued: () => [],
    queuePaused: () => false,
    resumeQueue: () => undefined,
    unqueue: () => undefined,
    sendQueuedNow: async () => undefined,
    sendProblem: () => null,
    clearSendProblem: () => undefined,
    undo: async () => noSession(),
    redo: async () => noSession(),
    fork: async () => noSession(),
    compact: async () => noSession(),
    share: async () => noSession(),
    exportMarkdown: () => noSession(),
  };
}
