/**
 * What the prompt box needs to know about the server in use, fetched on connect and on
 * every resync: its slash commands (`GET /command`), its configuration (`GET /config`:
 * whether sharing is on, the default model and agent), the project's directory (`GET
 * /path`, for the `file://` URLs of @-mentions) and every agent (`GET /agent`, sub-agents
 * included, for @-mentions). File and symbol search go to the server as the user types.
 */

import {
  createContext,
  createMemo,
  createSignal,
  useContext,
  type Accessor,
  type JSX,
} from "solid-js";
import type { Connection } from "../api/connection";
import type { Agent, CommandInfo, ServerConfig, SymbolInfo } from "../api/types";
import { commandList, type SlashCommand } from "../lib/prompt/commands";
import { useConnection, useResync } from "./connection";

interface PromptDataValue {
  /** Built-ins (share only where it is on) and the server's commands. */
  commands: Accessor<SlashCommand[]>;
  config: Accessor<ServerConfig | undefined>;
  /** The project directory on the server; undefined until `GET /path` answered. */
  directory: Accessor<string | undefined>;
  agents: Accessor<Agent[]>;
  /** The server's default model (`config.model`), split. */
  defaultModel(): { providerID: string; modelID: string } | undefined;
  /** Sharing is not switched off in the server's configuration. */
  canShare(): boolean;
  findFiles(query: string, signal?: AbortSignal): Promise<string[]>;
  findSymbols(query: string, signal?: AbortSignal): Promise<SymbolInfo[]>;
}

const PromptDataContext = createContext<PromptDataValue>();

export function PromptDataProvider(props: { children: JSX.Element }): JSX.Element {
  const { connection } = useConnection();
  const [serverCommands, setServerCommands] = createSignal<CommandInfo[]>([]);
  const [config, setConfig] = createSignal<ServerConfig | undefined>();
  const [directory, setDirectory] = createSignal<string | undefined>();
  const [agents, setAgents] = createSignal<Agent[]>([]);
  let shown: Connection | undefined;

  useResync((current) => {
    if (current !== shown) {
      shown = current;
      setServerCommands([]);
      setConfig(undefined);
      setDirectory(undefined);
      setAgents([]);
    }
    const keep =
      <T,>(set: (value: T) => void) =>
      (value: T) => {
        if (!current.disposed) set(value);
      };
    // Each is an extra: a failure leaves what was there (the built-ins still work).
    current.client.commands({ timeoutMs: 20_000 }).then(
      keep((list) => setServerCommands(Array.isArray(list) ? list : [])),
      () => undefined,
    );
    current.client.config({ timeoutMs: 20_000 }).then(
      keep((value) => setConfig(value)),
      () => undefined,
    );
    current.client.path({ timeoutMs: 20_000 }).then(
      keep((info) => setDirectory(info.directory)),
      () => undefined,
    );
    current.client.agents({ timeoutMs: 20_000 }).then(
      keep((list) => setAgents(Array.isArray(list) ? list : [])),
      () => undefined,
    );
  });

  const canShare = () => config()?.share !== "disabled";
  const commands = createMemo(() =>
    commandList(
      serverCommands().filter((command) => typeof command?.name === "string"),
      { share: canShare() },
    ),
  );
  const client = () => {
    const current = connection();
    if (!current) throw new Error("No server is in use.");
    return current.client;
  };

  const value: PromptDataValue = {
    commands,
    config,
    directory,
    agents,
    defaultModel() {
      const model = config()?.model;
      const slash = model?.indexOf("/") ?? -1;
      if (!model || slash <= 0 || slash === model.length - 1) return undefined;
      return { providerID: model.slice(0, slash), modelID: model.slice(slash + 1) };
    },
    canShare,
    findFiles: (query, signal) =>
      client().findFiles(query, { timeoutMs: 10_000, ...(signal ? { signal } : {}) }),
    findSymbols: (query, signal) =>
      client().findSymbols(query, { timeoutMs: 10_000, ...(signal ? { signal } : {}) }),
  };
  return <PromptDataContext.Provider value={value}>{props.children}</PromptDataContext.Provider>;
}

export function usePromptData(): PromptDataValue {
  const value = useContext(PromptDataContext);
  if (!value) throw new Error("usePromptData needs a PromptDataProvider");
  return value;
}
