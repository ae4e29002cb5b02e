/**
 * The model picker's catalogue: the server's providers (`GET /provider`) grouped for a
 * list, split into those that can answer (connected: credentials or a local endpoint) and
 * those that cannot, which the picker shows only as "not connected"; which model the
 * server uses when none is chosen (the config's `model`, else the first connected
 * provider's default), and each model's variants (thinking effort and the like).
 */

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
}

export interface CatalogGroup {
  providerID: string;
  name: string;
  connected: boolean;
  models: CatalogModel[];
}

/** The parts of `GET /provider`'s answer the catalogue reads. */
export interface ProviderList {
  all: Array<{
    id: string;
    name?: string;
    models?: Record<
      string,
      {
        id: string;
        name?: string;
        status?: string;
        variants?: Record<string, { disabled?: boolean } & Record<string, unknown>>;
        capabilities?: { reasoning?: boolean; attachment?: boolean };
        limit?: { context?: number };
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
  byKey: Map<string, CatalogModel>;
}

/** Build the catalogue; `configModel` is `GET /config`'s `model` (`provider/model`). */
export function buildCatalog(list: ProviderList, configModel?: string): Catalog {
  const connected = new Set(list.connected);
  const byKey = new Map<string, CatalogModel>();
  const groups: CatalogGroup[] = [];
  for (const provider of list.all) {
    const isConnected = connected.has(provider.id);
    const models: CatalogModel[] = [];
    for (const info of Object.values(provider.models ?? {})) {
      if (info.status === "deprecated") continue;
      const variants = Object.entries(info.variants ?? {})
        .filter(([, options]) => !options?.disabled)
        .map(([name]) => name);
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
        ...(info.limit?.context ? { context: info.limit.context } : {}),
      };
      models.push(model);
      byKey.set(model.key, model);
    }
    models.sort((a, b) => a.name.localeCompare(b.name));
    if (models.length > 0) {
      groups.push({
        providerID: provider.id,
        name: provider.name || provider.id,
        connected: isConnected,
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
  return { groups, defaultKey, byKey };
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
