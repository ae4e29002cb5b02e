/**
 * Slash commands: the ones the UI runs itself (new, undo, redo, compact, fork, share,
 * export) and the server's own (`GET /command`: `init`, `review`, the user's and the
 * project's commands, MCP prompts, skills), which run on the server with
 * `POST /session/{id}/command`. A server command wins over a built-in of the same name.
 */

export type BuiltinAction = "new" | "undo" | "redo" | "compact" | "fork" | "share" | "export";

export interface SlashCommand {
  name: string;
  description: string;
  /** A built-in runs in the UI; a server command goes to the server with its arguments. */
  source: "builtin" | "command" | "mcp" | "skill";
  action?: BuiltinAction;
  /** A hint of the arguments it takes, e.g. `$ARGUMENTS`. */
  hints?: string[];
}

/** The server's command list item (`GET /command`). */
export interface ServerCommand {
  name: string;
  description?: string;
  source?: "command" | "mcp" | "skill";
  hints?: string[];
}

export const BUILTIN_COMMANDS: readonly SlashCommand[] = [
  { name: "new", description: "Start a new session", source: "builtin", action: "new" },
  {
    name: "undo",
    description: "Revert the last prompt and the files it changed",
    source: "builtin",
    action: "undo",
  },
  { name: "redo", description: "Bring back what Undo reverted", source: "builtin", action: "redo" },
  {
    name: "compact",
    description: "Summarise the session to free the model's context",
    source: "builtin",
    action: "compact",
  },
  {
    name: "fork",
    description: "Continue in a copy of this session",
    source: "builtin",
    action: "fork",
  },
  { name: "share", description: "Share this session by link", source: "builtin", action: "share" },
  {
    name: "export",
    description: "Download this session as markdown",
    source: "builtin",
    action: "export",
  },
];

/** Every command on offer: built-ins (minus share when it is off), then the server's. */
export function commandList(server: ServerCommand[], options: { share: boolean }): SlashCommand[] {
  const own = new Set(server.map((command) => command.name));
  const builtins = BUILTIN_COMMANDS.filter(
    (command) => !own.has(command.name) && (command.action !== "share" || options.share),
  );
  const fromServer = server.map((command): SlashCommand => ({
    name: command.name,
    description: command.description?.trim() || "Command",
    source: command.source ?? "command",
    ...(command.hints?.length ? { hints: command.hints } : {}),
  }));
  return [...builtins, ...fromServer];
}

/** `/name rest of line` as the command's name and its arguments, or null. */
export function parseCommand(text: string): { name: string; arguments: string } | null {
  const match = /^\/([^\s/]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return null;
  return { name: match[1]!, arguments: (match[2] ?? "").trim() };
}
