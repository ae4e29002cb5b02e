/**
 * Requests through the proxy: `<prefix>/api/proxy/<path>` with the server in
 * `X-Target-Server`. Every URL is relative to the page, so any prefix works.
 */

import { describeResponse, problem, ProblemError } from "./problems";

export const DEFAULT_PROXY_PATH = "api/proxy/";
export const TARGET_HEADER = "X-Target-Server";
export const DEFAULT_TIMEOUT_MS = 15_000;

export interface RequestOptions {
  method?: string;
  /** A JSON body; sent with `Content-Type: application/json`. */
  json?: unknown;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Give up after this long (0: never). */
  timeoutMs?: number;
  /** Let the request outlive the page (for clean-up on `pagehide`). */
  keepalive?: boolean;
}

/** The relative URL of a path on a server behind the proxy. */
export function proxyUrl(
  proxyPath: string,
  path: string,
  query: Record<string, string | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, value);
  }
  const search = params.toString();
  return proxyPath + path.replace(/^\/+/, "") + (search ? `?${search}` : "");
}

/** Like proxyUrl, with the target in the query: for EventSource and WebSocket. */
export function streamUrl(
  proxyPath: string,
  target: string,
  path: string,
  query: Record<string, string | undefined> = {},
): string {
  return proxyUrl(proxyPath, path, { ...query, target });
}

/** The ws:// or wss:// URL of a relative path, resolved against the page. */
export function websocketUrl(relative: string, base: string = document.baseURI): string {
  const url = new URL(relative, base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

/** A signal that aborts when the caller's does, or after `timeoutMs`. */
function withTimeout(
  signal: AbortSignal | undefined,
  timeoutMs: number,
): { signal: AbortSignal; timedOut: () => boolean; done: () => void } {
  const controller = new AbortController();
  let expired = false;
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener("abort", onAbort, { once: true });
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          expired = true;
          controller.abort(new DOMException("timed out", "TimeoutError"));
        }, timeoutMs)
      : undefined;
  return {
    signal: controller.signal,
    timedOut: () => expired,
    done: () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

/**
 * Send a request to a server through the proxy and return the successful response;
 * throw a ProblemError that says what went wrong otherwise.
 */
export async function proxyFetch(
  proxyPath: string,
  target: string,
  path: string,
  options: RequestOptions = {},
): Promise<Response> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { [TARGET_HEADER]: target, ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  const timing = withTimeout(options.signal, timeoutMs);
  let response: Response;
  try {
    response = await fetch(proxyUrl(proxyPath, path, options.query), {
      method: options.method ?? "GET",
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: timing.signal,
      cache: "no-store",
      credentials: "same-origin",
      // A server's redirect is never followed: it could send the browser, with the user's
      // cookies, to the proxy's own endpoints or another app on this origin. The proxy
      // passes its target in X-Proxy-Redirect-Location instead, and describeResponse says so.
      redirect: "manual",
      ...(options.keepalive ? { keepalive: true } : {}),
    });
  } catch (error) {
    if (timing.timedOut()) {
      const seconds = Math.round(timeoutMs / 1000);
      throw new ProblemError(
        problem("unreachable", `The server did not answer within ${seconds} s.`),
      );
    }
    if (options.signal?.aborted) throw error;
    throw new ProblemError(
      problem("service", "The notebook service did not answer; check your network connection."),
    );
  } finally {
    timing.done();
  }
  const failure = await describeResponse(response);
  if (failure !== null) throw new ProblemError(failure);
  return response;
}

/** proxyFetch, then the JSON body. */
export async function proxyJson<T>(
  proxyPath: string,
  target: string,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const response = await proxyFetch(proxyPath, target, path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
