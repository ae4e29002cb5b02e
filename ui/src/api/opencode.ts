/**
 * A typed client for one OpenCode server behind the proxy. The rest of the UI calls the
 * server only through this (and the event stream), never with raw fetches.
 */

import { DEFAULT_PROXY_PATH, proxyFetch, proxyJson, type RequestOptions } from "./http";
import type { Health, PathInfo, Project } from "./types";

export const HEALTH_TIMEOUT_MS = 6000;

export interface HealthReport {
  health: Health;
  /** Round-trip time through the proxy, in milliseconds. */
  rttMs: number;
}

export interface OpenCodeClient {
  /** The server's base URL, as sent in `X-Target-Server`. */
  readonly target: string;
  readonly proxyPath: string;
  /** `GET /global/health`, timed. */
  health(options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<HealthReport>;
  /** `GET /path`: the server's home, worktree and working directory. */
  path(options?: RequestOptions): Promise<PathInfo>;
  /** `GET /project/current`. */
  project(options?: RequestOptions): Promise<Project>;
  /** Any other endpoint, for what has no typed method yet. */
  json<T>(path: string, options?: RequestOptions): Promise<T>;
  fetch(path: string, options?: RequestOptions): Promise<Response>;
}

/** A client for the server at `target` (a normalized base URL). */
export function createOpenCodeClient(
  target: string,
  proxyPath: string = DEFAULT_PROXY_PATH,
): OpenCodeClient {
  return {
    target,
    proxyPath,
    async health(options = {}) {
      const started = performance.now();
      const health = await proxyJson<Health>(proxyPath, target, "global/health", {
        timeoutMs: options.timeoutMs ?? HEALTH_TIMEOUT_MS,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return { health, rttMs: Math.max(0, Math.round(performance.now() - started)) };
    },
    path: (options) => proxyJson<PathInfo>(proxyPath, target, "path", options),
    project: (options) => proxyJson<Project>(proxyPath, target, "project/current", options),
    json: (path, options) => proxyJson(proxyPath, target, path, options),
    fetch: (path, options) => proxyFetch(proxyPath, target, path, options),
  };
}
