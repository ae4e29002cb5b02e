/**
 * The slash commands the UI runs itself: `/new` (a session, opened), `/undo`, `/redo`,
 * `/fork` (the chat page's own actions, so the prompt box and the header behave alike),
 * `/compact` (`POST /summarize`), `/share` (the link, when the server gives one) and
 * `/export` (the conversation downloaded as markdown). Each resolves to what to tell the
 * user, or throws a problem.
 */

import type { PromptChat } from "../../context/chat";
import { useChatActions } from "../../context/chat";
import { sessionPath, useRouter } from "../../context/router";
import { useServers } from "../../context/servers";
import { useSessions } from "../../context/sessions";
import type { BuiltinAction } from "../../lib/prompt/commands";
import { downloadText } from "../download";

/** What a command tells the user afterwards (a link only when the server gave one). */
export interface Notice {
  text: string;
  url?: string;
}

export function useBuiltinCommands(
  chat: PromptChat,
): (action: BuiltinAction) => Promise<Notice | undefined> {
  const actions = useChatActions();
  const sessions = useSessions();
  const servers = useServers();
  const router = useRouter();

  return async (action) => {
    switch (action) {
      case "new": {
        const session = await sessions.create();
        router.navigate(sessionPath(servers.active()?.key ?? "", session.id));
        return undefined;
      }
      case "undo":
        if (actions) await actions.undo();
        else await chat.undo();
        return undefined;
      case "redo":
        if (actions) await actions.redo();
        else await chat.redo();
        return undefined;
      case "fork":
        if (actions) await actions.forkAll();
        else await chat.fork();
        return undefined;
      case "compact":
        await chat.compact();
        return { text: "Compacting the conversation: the summary appears when it is done." };
      case "share": {
        const url = await chat.share();
        return url
          ? { text: "Shared. Anyone with the link can read this session:", url }
          : { text: "Sharing is off on this server: it gave no link." };
      }
      case "export": {
        const file = chat.exportMarkdown();
        downloadText(file.filename, "text/markdown;charset=utf-8", file.text);
        return { text: `Downloaded ${file.filename}.` };
      }
    }
  };
}
