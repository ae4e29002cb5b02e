/**
 * The models (`GET /config/providers`) and agents (`GET /agent`) of the server in use,
 * and the user's choice of each for the next prompt. "Default" leaves the choice to the
 * server's configuration.
 */

import {
  createContext,
  createSignal,
  useContext,
  type Accessor,
  type JSX,
  type Setter,
} from "solid-js";
import type { Connection } from "../api/connection";
import type { Agent } from "../api/types";
import { useResync } from "./connection";

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

interface ModelsValue {
  models: Accessor<ModelChoice[]>;
  agents: Accessor<Agent[]>;
  /** The chosen model's key, or "" for the server's default. */
  model: Accessor<string>;
  setModel: Setter<string>;
  /** The chosen agent's name, or "" for the server's default. */
  agent: Accessor<string>;
  setAgent: Setter<string>;
  /** Any model the server lists (deprecated ones too), for figures about past replies. */
  find(providerID: string | undefined, modelID: string | undefined): ModelChoice | undefined;
  /** The body fields for the current choice. */
  promptOptions(): { model?: { providerID: string; modelID: string }; agent?: string };
}

const ModelsContext = createContext<ModelsValue>();

export function ModelsProvider(props: { children: JSX.Element }): JSX.Element {
  const [models, setModels] = createSignal<ModelChoice[]>([]);
  const [agents, setAgents] = createSignal<Agent[]>([]);
  const [model, setModel] = createSignal("");
  const [agent, setAgent] = createSignal("");
  const [catalog, setCatalog] = createSignal<Map<string, ModelChoice>>(new Map());
  let shown: Connection | undefined;

  useResync((connection) => {
    if (connection !== shown) {
      shown = connection;
      setModels([]);
      setCatalog(new Map());
      setAgents([]);
      setModel("");
      setAgent("");
    }
    connection.client.providers().then(
      (answer) => {
        if (connection.disposed) return;
        const choices: ModelChoice[] = [];
        const all = new Map<string, ModelChoice>();
        for (const provider of answer.providers ?? []) {
          for (const info of Object.values(provider.models ?? {})) {
            const choice: ModelChoice = {
              key: `${provider.id}/${info.id}`,
              providerID: provider.id,
              modelID: info.id,
              label: info.name || info.id,
              provider: provider.name || provider.id,
              ...(info.limit && typeof info.limit.context === "number"
                ? { limit: info.limit }
                : {}),
            };
            all.set(choice.key, choice);
            if (info.status !== "deprecated") choices.push(choice);
          }
        }
        setModels(choices);
        setCatalog(all);
      },
      () => {
        setModels([]);
        setCatalog(new Map());
      },
    );
    connection.client.agents().then(
      (answer) => {
        if (connection.disposed) return;
        setAgents(answer.filter((item) => item.mode !== "subagent" && !item.hidden));
      },
      () => setAgents([]),
    );
  });

  const value: ModelsValue = {
    models,
    agents,
    model,
    setModel,
    agent,
    setAgent,
    find: (providerID, modelID) =>
      providerID && modelID ? catalog().get(`${providerID}/${modelID}`) : undefined,
    promptOptions() {
      const options: { model?: { providerID: string; modelID: string }; agent?: string } = {};
      const chosen = models().find((choice) => choice.key === model());
      if (chosen) options.model = { providerID: chosen.providerID, modelID: chosen.modelID };
      if (agent() !== "" && agents().some((item) => item.name === agent())) {
        options.agent = agent();
      }
      return options;
    },
  };
  return <ModelsContext.Provider value={value}>{props.children}</ModelsContext.Provider>;
}

export function useModels(): ModelsValue {
  const value = useContext(ModelsContext);
  if (!value) throw new Error("useModels needs a ModelsProvider");
  return value;
}
