/**
 * The model and agent pickers' logic (pure, no Solid):
 *
 * - the catalogue: the server's providers (`GET /provider`) grouped for a list, split into
 *   those that can answer (connected: credentials or a local endpoint) and those that
 *   cannot, which the picker shows only as "not connected"; which model the server uses
 *   when none is chosen (the config's `model`, else the first connected provider's
 *   default), and each model's variants (thinking effort and the like);
 * - search, and stepping through variants and agents as the keyboard shortcuts do;
 * - the model that will actually be used for the next prompt (the user's choice, else the
 *   agent's pinned model, else the default), and the primary agents with their colours;
 * - the user's choice per server (kept by the proxy, see `context/servers.tsx`), with what
 *   the server no longer has dropped.
 */

import type { Preferences } from "../user-state";

export interface CatalogModel {
  /** `providerID/modelID` */
  key: string;
  providerID: string;
  modelID: string;
  name: string;
  provider: string;
  connected: boolean;
  variants: string[];
  reasoning: boolean;
  attachment: boolean;
  context?: number;
  /** Token limits as the server gives them (context window, longest reply). */
  limit?: { context: number; input?: number; output: number };
  deprecated?: boolean;
}

export interface CatalogGroup {
  providerID: string;
  name: string;
  connected: boolean;
  /** The environment variables that would connect it (for the "not connected" hint). */
  env: string[];
  models: CatalogModel[];
}

/** The parts of `GET /provider`'s answer the catalogue reads. */
export interface ProviderList {
  all: Array<{
    id: string;
    name?: string;
    env?: string[];
    models?: Record<
      string,
      {
        id: string;
        name?: string;
        status?: string;
        variants?: Record<string, { disabled?: boolean } & Record<string, unknown>>;
        capabilities?: { reasoning?: boolean; attachment?: boolean };
        limit?: { context?: number; input?: number; output?: number };
      }
    >;
  }>;
  default: Record<string, string>;
  connected: string[];
}

export interface Catalog {
  groups: CatalogGroup[];
  /** The model the server uses when the prompt names none, if it can be told. */
  defaultKey: string | null;
  /** The models a prompt may name (deprecated ones left out). */
  byKey: Map<string, CatalogModel>;
  /** Every model the server knows, deprecated ones too: for figures about past replies. */
  known: Map<string, CatalogModel>;
}

export const EMPTY_CATALOG: Catalog = {
  groups: [],
  defaultKey: null,
  byKey: new Map(),
  known: new Map(),
};

/** Build the catalogue; `configModel` is `GET /config`'s `model` (`provider/model`). */
export function buildCatalog(list: ProviderList, configModel?: string): Catalog {
  const connected = new Set(list.connected);
  const byKey = new Map<string, CatalogModel>();
  const known = new Map<string, CatalogModel>();
  const groups: CatalogGroup[] = [];
  for (const provider of list.all) {
    const isConnected = connected.has(provider.id);
    const models: CatalogModel[] = [];
    for (const info of Object.values(provider.models ?? {})) {
      const variants = Object.entries(info.variants ?? {})
        .filter(([, options]) => !options?.disabled)
        .map(([name]) => name);
      const limit = info.limit;
      const model: CatalogModel = {
        key: `${provider.id}/${info.id}`,
        providerID: provider.id,
        modelID: info.id,
        name: info.name || info.id,
        provider: provider.name || provider.id,
        connected: isConnected,
        variants,
        reasoning: info.capabilities?.reasoning === true,
        attachment: info.capabilities?.attachment === true,
        ...(limit?.context ? { context: limit.context } : {}),
        ...(limit && typeof limit.context === "number"
          ? {
              limit: {
                context: limit.context,
                output: limit.output ?? 0,
                ...(typeof limit.input === "number" ? { input: limit.input } : {}),
              },
            }
          : {}),
      };
      known.set(model.key, model);
      if (info.status === "deprecated") {
        model.deprecated = true;
        continue;
      }
      models.push(model);
      byKey.set(model.key, model);
    }
    models.sort((a, b) => a.name.localeCompare(b.name));
    if (models.length > 0) {
      groups.push({
        providerID: provider.id,
        name: provider.name || provider.id,
        connected: isConnected,
        env: (provider.env ?? []).filter((name) => typeof name === "string"),
        models,
      });
    }
  }
  groups.sort((a, b) => Number(b.connected) - Number(a.connected) || a.name.localeCompare(b.name));
  let defaultKey: string | null = null;
  if (configModel && byKey.has(configModel)) defaultKey = configModel;
  else {
    for (const group of groups) {
      const id = list.default[group.providerID];
      if (group.connected && id && byKey.has(`${group.providerID}/${id}`)) {
        defaultKey = `${group.providerID}/${id}`;
        break;
      }
    }
  }
  return { groups, defaultKey, byKey, known };
}

/** The groups whose models match the search (name, id or provider, every word). */
export function searchCatalog(groups: CatalogGroup[], query: string): CatalogGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return groups;
  return groups
    .map((group) => ({
      ...group,
      models: group.models.filter((model) => {
        const haystack = `${model.name} ${model.modelID} ${model.provider}`.toLowerCase();
        return words.every((word) => haystack.includes(word));
      }),
    }))
    .filter((group) => group.models.length > 0);
}

/** The variant after `current` in the model's list ("" = the model's own default). */
export function nextVariant(variants: string[], current: string): string {
  if (variants.length === 0) return "";
  const index = variants.indexOf(current);
  if (index === -1) return variants[0]!;
  return index === variants.length - 1 ? "" : variants[index + 1]!;
}

/** What a prompt can be sent with: the model that will answer, and why it is that one. */
export interface ResolvedModel {
  model: CatalogModel;
  /** "chosen" by the user, "agent" (pinned in the agent's config), or the server's "default". */
  source: "chosen" | "agent" | "default";
}

/**
 * The model the next prompt goes to: the user's choice while the server still offers it
 * (connected), else the agent's pinned model, else the server's default.
 */
export function resolveModel(
  catalog: Catalog,
  chosen: string,
  agentModel?: { providerID: string; modelID: string },
): ResolvedModel | null {
  const picked = chosen ? catalog.byKey.get(chosen) : undefined;
  if (picked?.connected) return { model: picked, source: "chosen" };
  const pinned = agentModel
    ? catalog.byKey.get(`${agentModel.providerID}/${agentModel.modelID}`)
    : undefined;
  if (pinned?.connected) return { model: pinned, source: "agent" };
  const fallback = catalog.defaultKey ? catalog.byKey.get(catalog.defaultKey) : undefined;
  return fallback ? { model: fallback, source: "default" } : null;
}

// ---------- agents ----------

/** The agent fields the pickers read (`GET /agent`). */
export interface AgentLike {
  name: string;
  mode: string;
  hidden?: boolean;
  color?: string;
  model?: { providerID: string; modelID: string };
}

/** The agents a prompt may be sent to: primary ones (or "all"), not hidden, in the server's order. */
export function primaryAgents<T extends AgentLike>(agents: T[]): T[] {
  return agents.filter(
    (agent) => (agent.mode === "primary" || agent.mode === "all") && !agent.hidden,
  );
}

/** The agent the server uses when a prompt names none: the config's, else the first. */
export function defaultAgentName(agents: AgentLike[], configDefault?: string): string {
  if (configDefault && agents.some((agent) => agent.name === configDefault)) return configDefault;
  return agents[0]?.name ?? "";
}

/** The agent `direction` steps from `current` (wrapping around), as Tab / Shift+Tab do. */
export function nextAgent(names: string[], current: string, direction: 1 | -1): string {
  if (names.length === 0) return "";
  const index = names.indexOf(current);
  if (index === -1) return direction === 1 ? names[0]! : names[names.length - 1]!;
  return names[(index + direction + names.length) % names.length]!;
}

const THEME_COLORS: Record<string, string> = {
  primary: "var(--accent)",
  secondary: "var(--agent-2)",
  accent: "var(--agent-3)",
  success: "var(--ok)",
  warning: "var(--pending)",
  error: "var(--danger)",
  info: "var(--agent-1)",
};
const PALETTE_SIZE = 6;

/**
 * A CSS colour for an agent: its configured `#rrggbb` or theme colour name; agents with
 * none get one of the palette's by their place in the list, so each keeps its own.
 */
export function agentColor(agent: AgentLike, index: number): string {
  const color = agent.color?.trim() ?? "";
  if (/^#[0-9a-fA-F]{6}$/.test(color)) return color;
  const named = THEME_COLORS[color];
  if (named) return named;
  return `var(--agent-${(Math.max(0, index) % PALETTE_SIZE) + 1})`;
}

// ---------- the user's choice, per server ----------

/**
 * What the user chose on one server (absent = the server's default): kept by the proxy
 * as the server's preferences. `variant` is the thinking effort, used while the model the
 * prompt goes to offers it.
 */
export type StoredChoice = Preferences;

/**
 * The stored choice without what the server no longer has: a model it does not list (or
 * whose provider lost its credentials), an agent that is gone, an effort the model the
 * prompt would go to does not offer.
 */
export function pruneChoice(
  choice: StoredChoice,
  catalog: Catalog,
  agents: AgentLike[],
  defaultAgent: string,
): StoredChoice {
  const pruned: StoredChoice = {};
  if (choice.model && catalog.byKey.get(choice.model)?.connected) pruned.model = choice.model;
  if (choice.agent && agents.some((agent) => agent.name === choice.agent)) {
    pruned.agent = choice.agent;
  }
  if (choice.variant) {
    const agent = agents.find((item) => item.name === (pruned.agent ?? defaultAgent));
    const model = resolveModel(catalog, pruned.model ?? "", agent?.model)?.model;
    if (model?.variants.includes(choice.variant)) pruned.variant = choice.variant;
  }
  return pruned;
}
