/**
 * Whether a failed health check says anything about the server. When the notebook's own
 * service (the proxy) does not answer at all, or a gateway in front of it answers for it
 * (502/503/504 without the proxy's `X-Proxy-Error`), nothing reached the server: its
 * health is unknown, not bad, and certainly not good.
 */

import type { Problem } from "../api/problems";

const GATEWAY_STATUSES = new Set([502, 503, 504]);

export function proxyUnreachable(problem: Problem): boolean {
  if (problem.code !== undefined) return false; // the proxy answered, with its own error
  if (problem.status === undefined) return problem.kind === "service"; // no answer at all
  return GATEWAY_STATUSES.has(problem.status);
}

/** The sentence shown while the proxy is unreachable. */
export const UNKNOWN_SENTENCE =
  "The notebook service does not answer, so this server's health is unknown. Check your network connection; the page keeps trying.";
