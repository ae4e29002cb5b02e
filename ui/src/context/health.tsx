/**
 * Health of every listed server, checked through the proxy (`GET /global/health`) every
 * 10 s, each server on its own schedule, paused while the tab is hidden and re-checked
 * at once when it returns. When the proxy itself does not answer, every server's health
 * is "unknown" (grey), never the last good answer and never a server's fault.
 */

import { createContext, createEffect, onCleanup, useContext, type JSX } from "solid-js";
import { createStore, produce, reconcile } from "solid-js/store";
import { createOpenCodeClient } from "../api/opencode";
import { problem, problemOf, type Problem } from "../api/problems";
import { HealthMonitor } from "../lib/health-monitor";
import { proxyUnreachable, UNKNOWN_SENTENCE } from "../lib/health-status";
import { useConfig } from "./config";
import { useServers } from "./servers";

export type HealthStatus = "checking" | "healthy" | "unhealthy" | "unknown";

export interface ServerHealth {
  status: HealthStatus;
  version?: string;
  /** Round trip through the proxy, in milliseconds. */
  rttMs?: number;
  problem?: Problem;
  checkedAt?: number;
}

interface HealthValue {
  /** The latest health of a server (by key); "checking" until the first answer. */
  of(key: string): ServerHealth;
  /** Record a result obtained elsewhere (the form's check before saving). */
  record(key: string, health: ServerHealth): void;
  checkNow(key: string): void;
}

const CHECKING: ServerHealth = Object.freeze({ status: "checking" });
const HealthContext = createContext<HealthValue>();

/** Check one server once; failures become unhealthy results, never exceptions. */
export async function checkServer(
  key: string,
  proxyPath: string,
  signal?: AbortSignal,
): Promise<ServerHealth> {
  try {
    const { health, rttMs } = await createOpenCodeClient(key, proxyPath).health(
      signal ? { signal } : {},
    );
    if (health.healthy !== true) {
      return {
        status: "unhealthy",
        problem: problem("server", "The server says it is not healthy."),
        checkedAt: Date.now(),
      };
    }
    return { status: "healthy", version: health.version, rttMs, checkedAt: Date.now() };
  } catch (error) {
    if (signal?.aborted) throw error;
    const found = problemOf(error);
    if (proxyUnreachable(found)) {
      return {
        status: "unknown",
        problem: { ...found, title: "Health unknown", detail: UNKNOWN_SENTENCE },
        checkedAt: Date.now(),
      };
    }
    return { status: "unhealthy", problem: found, checkedAt: Date.now() };
  }
}

export function HealthProvider(props: { children: JSX.Element }): JSX.Element {
  const config = useConfig();
  const servers = useServers();
  const [results, setResults] = createStore<Record<string, ServerHealth>>({});

  const monitor = new HealthMonitor<ServerHealth>({
    check: (key, signal) => checkServer(key, config.proxy_path, signal),
    onResult: (key, health) => setResults(key, reconcile(health)),
  });
  const onVisibility = () => {
    if (document.visibilityState === "hidden") monitor.pause();
    else monitor.resume();
  };
  if (document.visibilityState === "hidden") monitor.pause();
  document.addEventListener("visibilitychange", onVisibility);
  onCleanup(() => {
    document.removeEventListener("visibilitychange", onVisibility);
    monitor.dispose();
  });

  createEffect(() => {
    const keys = servers.list().map((entry) => entry.key);
    monitor.setTargets(keys);
    // Forget results of servers that are gone, so a re-added one starts as "checking".
    const gone = Object.keys(results).filter((key) => !keys.includes(key));
    if (gone.length > 0) {
      setResults(
        produce((all) => {
          for (const key of gone) delete all[key];
        }),
      );
    }
  });

  const value: HealthValue = {
    of: (key) => results[key] ?? CHECKING,
    record: (key, health) => setResults(key, reconcile(health)),
    checkNow: (key) => monitor.checkNow(key),
  };
  return <HealthContext.Provider value={value}>{props.children}</HealthContext.Provider>;
}

export function useHealth(): HealthValue {
  const health = useContext(HealthContext);
  if (!health) throw new Error("useHealth needs a HealthProvider");
  return health;
}
