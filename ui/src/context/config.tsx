/** The service's configuration (`api/config`), loaded once before anything else renders. */

import { createContext, createResource, Match, Switch, useContext, type JSX } from "solid-js";
import { problemOf } from "../api/problems";
import { loadConfig, type ServiceConfig } from "../api/service";

const ConfigContext = createContext<ServiceConfig>();

export function ConfigProvider(props: { children: JSX.Element }): JSX.Element {
  const [config, { refetch }] = createResource(loadConfig);
  return (
    <Switch fallback={<div class="splash" aria-busy="true" />}>
      <Match when={config.state === "errored"}>
        <main class="startup-error" role="alert">
          <h1>The notebook service did not answer</h1>
          <p>{problemOf(config.error).detail || "Its configuration could not be loaded."}</p>
          <button type="button" class="button primary" onClick={() => void refetch()}>
            Try again
          </button>
        </main>
      </Match>
      <Match when={config.state === "ready" && config()}>
        {(value) => (
          <ConfigContext.Provider value={value()}>{props.children}</ConfigContext.Provider>
        )}
      </Match>
    </Switch>
  );
}

export function useConfig(): ServiceConfig {
  const config = useContext(ConfigContext);
  if (!config) throw new Error("useConfig needs a ConfigProvider");
  return config;
}
