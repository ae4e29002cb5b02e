/**
 * The models (`GET /provider`, the default named by `GET /config`) and agents (`GET /agent`)
 * of the server in use, and the user's choice of each for the next prompt: a model (or the
 * server's default), its variant (thinking effort; "" is the model's own), an agent (or the
 * server's default). The choice is kept per server by the proxy, as the server's preferences
 * (`context/servers.tsx`), so it follows the user to another browser; what the server no
 * longer offers is dropped once its lists have loaded. The next prompt always names the
 * model the picker shows, so the server never falls back on an older one of the session.
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
import type { Agent } from "../api/types";
import {
  agentColor as colorOf,
  buildCatalog,
  defaultAgentName,
  EMPTY_CATALOG,
  nextAgent,
  nextVariant,
  primaryAgents,
  pruneChoice,
  resolveModel,
  type Catalog,
  type CatalogModel,
  type ResolvedModel,
  type StoredChoice,
} from "../lib/prompt/models";
import { preferenceChange } from "../lib/user-state";
import { useResync } from "./connection";
import { useServers } from "./servers";

export interface ModelChoice {
  /** `providerID/modelID` */
  key: string;
  providerID: string;
  modelID: string;
  label: string;
  provider: string;
  /** Token limits, when the server knows them. */
  limit?: { context: number; input?: number; output: number };
}

/** The body fields of a prompt for the current choice. */
export interface PromptOptions {
  model?: { providerID: string; modelID: string };
  agent?: string;
  variant?: string;
}

interface ModelsValue {
  /** The models a prompt can go to (connected providers, not deprecated). */
  models: Accessor<ModelChoice[]>;
  /** The agents a prompt can go to (primary, not hidden), in the server's order. */
  agents: Accessor<Agent[]>;
  /** The chosen model's key, or "" for the server's default. */
  model: Accessor<string>;
  setModel(key: string): void;
  /** The chosen agent's name, or "" for the server's default. */
  agent: Accessor<string>;
  setAgent(name: string): void;
  /** Any model the server lists (deprecated ones too), for figures about past replies. */
  find(providerID: string | undefined, modelID: string | undefined): ModelChoice | undefined;
  /** The body fields for the current choice. */
  promptOptions(): PromptOptions;
  /** Every provider's models, grouped, connected ones first. */
  catalog: Accessor<Catalog>;
  /** "loading" until the first answer, "failed" when the server could not list them. */
  status: Accessor<"loading" | "ready" | "failed">;
  /** The model the server uses when none is chosen (for this agent), with its name. */
  defaultModel(): { key: string; name: string } | null;
  /** The model the next prompt goes to, and why (chosen, the agent's, the default). */
  current(): ResolvedModel | null;
  /** The agent the next prompt goes to (the chosen one, else the server's default). */
  currentAgent(): Agent | undefined;
  /** The server's default agent's name. */
  defaultAgent(): string;
  /** A CSS colour for an agent of the list. */
  agentColor(name: string): string;
  /** The current model's variants, and the chosen one ("" = the model's own default). */
  variants(): string[];
  variant(): string;
  setVariant(variant: string): void;
  /** The next variant of the current model (after the last, back to the default). */
  cycleVariant(): void;
  /** The next (1) or previous (-1) agent, wrapping around. */
  cycleAgent(direction: 1 | -1): void;
}

const ModelsContext = createContext<ModelsValue>();

function toChoice(model: CatalogModel): ModelChoice {
  return {
    key: model.key,
    providerID: model.providerID,
    modelID: model.modelID,
    label: model.name,
    provider: model.provider,
    ...(model.limit ? { limit: model.limit } : {}),
  };
}

export function ModelsProvider(props: { children: JSX.Element }): JSX.Element {
  const servers = useServers();
  const [catalog, setCatalog] = createSignal<Catalog>(EMPTY_CATALOG);
  const [status, setStatus] = createSignal<"loading" | "ready" | "failed">("loading");
  const [agents, setAgents] = createSignal<Agent[]>([]);
  const [agentsLoaded, setAgentsLoaded] = createSignal(false);
  const [configAgent, setConfigAgent] = createSignal<string | undefined>();
  // The server whose lists are shown, and the user's choice on it.
  const [target, setTarget] = createSignal<string>();
  const choice = createMemo<StoredChoice>(() => {
    const key = target();
    return key === undefined ? {} : servers.preferences(key);
  });
  let shown: Connection | undefined;

  const remember = (next: StoredChoice) => {
    const key = target();
    if (key !== undefined) servers.setPreferences(key, preferenceChange(choice(), next));
  };

  /** Once both lists are in, forget what the server no longer has. */
  const prune = () => {
    if (status() !== "ready" || !agentsLoaded()) return;
    const before = choice();
    const after = pruneChoice(before, catalog(), agents(), defaultAgent());
    if (JSON.stringify(after) !== JSON.stringify(before)) remember(after);
  };

  useResync((connection) => {
    if (connection !== shown) {
      shown = connection;
      setCatalog(EMPTY_CATALOG);
      setStatus("loading");
      setAgents([]);
      setAgentsLoaded(false);
      setConfigAgent(undefined);
      setTarget(connection.target);
    }
    Promise.all([
      connection.client.providerCatalog(),
      connection.client.config().catch(() => ({ model: undefined, default_agent: undefined })),
    ]).then(
      ([list, config]) => {
        if (connection.disposed || connection !== shown) return;
        setCatalog(buildCatalog(list, config.model));
        setConfigAgent(config.default_agent);
        setStatus("ready");
        prune();
      },
      () => {
        if (connection.disposed || connection !== shown) return;
        // Keep what an earlier answer listed; say so only when there is nothing.
        if (catalog() === EMPTY_CATALOG) setStatus("failed");
      },
    );
    connection.client.agents().then(
      (answer) => {
        if (connection.disposed || connection !== shown) return;
        setAgents(primaryAgents(answer));
        setAgentsLoaded(true);
        prune();
      },
      () => {
        if (connection.disposed || connection !== shown) return;
        if (!agentsLoaded()) setAgents([]);
      },
    );
  });

  const models = createMemo(() =>
    catalog()
      .groups.filter((group) => group.connected)
      .flatMap((group) => group.models.map(toChoice)),
  );
  const defaultAgent = createMemo(() => defaultAgentName(agents(), configAgent()));
  const agent = () => choice().agent ?? "";
  const currentAgent = createMemo(() => {
    const name = agent() || defaultAgent();
    return agents().find((item) => item.name === name);
  });
  const current = createMemo(() =>
    resolveModel(catalog(), choice().model ?? "", currentAgent()?.model),
  );
  const variants = () => current()?.model.variants ?? [];
  const variant = () => {
    const chosen = choice().variant;
    return chosen && current()?.model.variants.includes(chosen) ? chosen : "";
  };
  const setVariant = (next: string) => {
    const model = current()?.model;
    if (!model) return;
    const { variant: _old, ...rest } = choice();
    remember(next && model.variants.includes(next) ? { ...rest, variant: next } : rest);
  };

  const value: ModelsValue = {
    models,
    agents,
    model: () => choice().model ?? "",
    setModel(key) {
      const { model: _old, variant: effort, ...rest } = choice();
      // Choosing what would be used anyway is choosing the default: it follows the server.
      const fallback = resolveModel(catalog(), "", currentAgent()?.model);
      const next: StoredChoice =
        key && key !== fallback?.model.key ? { ...rest, model: key } : rest;
      // The effort stays while the model the prompt goes to offers it.
      const model = resolveModel(catalog(), next.model ?? "", currentAgent()?.model)?.model;
      if (effort && model?.variants.includes(effort)) next.variant = effort;
      remember(next);
    },
    agent,
    setAgent(name) {
      const { agent: _old, ...rest } = choice();
      remember(name && name !== defaultAgent() ? { ...rest, agent: name } : rest);
    },
    find(providerID, modelID) {
      if (!providerID || !modelID) return undefined;
      const found = catalog().known.get(`${providerID}/${modelID}`);
      return found ? toChoice(found) : undefined;
    },
    promptOptions() {
      const options: PromptOptions = {};
      const model = current()?.model;
      if (model) options.model = { providerID: model.providerID, modelID: model.modelID };
      if (agent() !== "" && agents().some((item) => item.name === agent())) options.agent = agent();
      if (variant() !== "") options.variant = variant();
      return options;
    },
    catalog,
    status,
    defaultModel() {
      const fallback = resolveModel(catalog(), "", currentAgent()?.model);
      return fallback ? { key: fallback.model.key, name: fallback.model.name } : null;
    },
    current,
    currentAgent,
    defaultAgent,
    agentColor(name) {
      const index = agents().findIndex((item) => item.name === name);
      const found = agents()[index];
      return found ? colorOf(found, index) : colorOf({ name, mode: "primary" }, 0);
    },
    variants,
    variant,
    setVariant,
    cycleVariant: () => setVariant(nextVariant(variants(), variant())),
    cycleAgent(direction) {
      const names = agents().map((item) => item.name);
      if (names.length === 0) return;
      value.setAgent(nextAgent(names, agent() || defaultAgent(), direction));
    },
  };
  return <ModelsContext.Provider value={value}>{props.children}</ModelsContext.Provider>;
}

export function useModels(): ModelsValue {
  const value = useContext(ModelsContext);
  if (!value) throw new Error("useModels needs a ModelsProvider");
  return value;
}
