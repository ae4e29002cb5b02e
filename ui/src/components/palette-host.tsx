/**
 * The command palette's pieces that are always loaded: `PaletteHost`, which fetches the
 * palette's dialog (`command-palette.tsx`) when it is first opened, and
 * `ChatPaletteCommands`, which the chat page mounts to offer its own actions in the
 * palette (through the prompt box's built-in commands, so both behave alike).
 */

import { createEffect, createSignal, lazy, Show, Suspense, type JSX } from "solid-js";
import type { Chat } from "../context/chat";
import { useFiles } from "../context/files";
import { usePalette, usePaletteCommands, type PaletteCommand } from "../context/palette";
import { usePromptData } from "../context/prompt";
import { useSessions } from "../context/sessions";
import type { BuiltinAction } from "../lib/prompt/commands";
import { redoStep, undoTarget } from "../lib/revert";
import { useBuiltinCommands } from "./prompt/builtin-commands";

const CommandPalette = lazy(() =>
  import("./command-palette").then((module) => ({ default: module.CommandPalette })),
);

export function PaletteHost(): JSX.Element {
  const palette = usePalette();
  const [used, setUsed] = createSignal(false);
  createEffect(() => {
    if (palette.isOpen()) setUsed(true);
  });
  return (
    <Show when={used()}>
      <Suspense>
        <CommandPalette />
      </Suspense>
    </Show>
  );
}

/** The chat's actions, offered in the palette while a session is open. */
export function ChatPaletteCommands(props: { chat: Chat }): JSX.Element {
  const files = useFiles();
  const prompt = usePromptData();
  const run = useBuiltinCommands(props.chat);
  const action = (name: BuiltinAction) => () => run(name);
  const sessions = useSessions();
  const revert = () => sessions.get(props.chat.sessionID)?.revert;
  const busy = () => sessions.busy(props.chat.sessionID);
  usePaletteCommands(() => {
    const list: PaletteCommand[] = [
      {
        id: "changes.toggle",
        title: files.panel() === "changes" ? "Hide changes" : "Show changes",
        keywords: "toggle diff review",
        run: () => files.togglePanel("changes"),
      },
    ];
    // Undo and redo only when there is something to undo or redo, as in the header.
    if (!busy() && undoTarget(props.chat.transcript, revert()) !== undefined) {
      list.push({
        id: "chat.undo",
        title: "Undo the last message",
        keywords: "revert",
        run: action("undo"),
      });
    }
    if (!busy() && redoStep(props.chat.transcript, revert()) !== undefined) {
      list.push({
        id: "chat.redo",
        title: "Redo",
        keywords: "unrevert restore",
        run: action("redo"),
      });
    }
    list.push(
      { id: "chat.fork", title: "Fork this session", keywords: "copy branch", run: action("fork") },
      {
        id: "chat.compact",
        title: "Compact the session",
        keywords: "summarize summarise context",
        run: action("compact"),
      },
      {
        id: "chat.export",
        title: "Export the session as markdown",
        keywords: "download save",
        run: action("export"),
      },
    );
    if (prompt.canShare()) {
      list.push({
        id: "chat.share",
        title: "Share this session",
        keywords: "link",
        run: action("share"),
      });
    }
    return list;
  });
  return null;
}
