/** The notebook service's own endpoints: its configuration and the credential store. */

import { describeResponse, problem, ProblemError, type Problem } from "./problems";

export interface ManagedServerInfo {
  name: string;
  url: string;
  username: string | null;
  managed: boolean;
  default: boolean;
  credentials: boolean;
}

/** `GET api/config` */
export interface ServiceConfig {
  version: string;
  prefix: string;
  proxy_path: string;
  allow: string[];
  servers: ManagedServerInfo[];
}

/** A request to the service itself; a network failure becomes a ProblemError. */
export async function serviceFetch(path: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(path, {
      cache: "no-store",
      credentials: "same-origin",
      redirect: "manual",
      ...init,
    });
  } catch {
    throw new ProblemError(
      problem("service", "The notebook service did not answer; check your network connection."),
    );
  }
}

/** Load the service's configuration. */
export async function loadConfig(): Promise<ServiceConfig> {
  const response = await serviceFetch("api/config");
  const failure = await describeResponse(response);
  if (failure !== null) throw new ProblemError(failure);
  const body = (await response.json()) as Partial<ServiceConfig>;
  return {
    version: String(body.version ?? ""),
    prefix: String(body.prefix ?? "/"),
    proxy_path: typeof body.proxy_path === "string" ? body.proxy_path : "api/proxy/",
    allow: Array.isArray(body.allow) ? body.allow.map(String) : [],
    servers: Array.isArray(body.servers) ? body.servers : [],
  };
}

/** The proxy's verdict on a server: its canonical URL, or the problem that refuses it. */
export type TargetVerdict = { ok: true; target: string } | { ok: false; problem: Problem };

/**
 * `GET api/check?target=`: ask the proxy whether this notebook's policy lets it reach a
 * server. The proxy judges with the very rules it applies to every request; the app keeps
 * no copy of them.
 */
export async function checkTarget(url: string): Promise<TargetVerdict> {
  const response = await serviceFetch(`api/check?${new URLSearchParams({ target: url })}`);
  const failure = await describeResponse(response);
  if (failure !== null) return { ok: false, problem: failure };
  const body = (await response.json()) as { target?: unknown };
  return { ok: true, target: typeof body.target === "string" ? body.target : url };
}

export interface CredentialEntry {
  target: string;
  username: string;
}

/**
 * The service's password vault: it keeps passwords and adds them to requests for their
 * own server. Passwords go only into the POST body; never to storage or into a URL.
 */
export interface CredentialStore {
  /** The targets this browser session holds credentials for. */
  list(): Promise<CredentialEntry[]>;
  /**
   * Hand a password to the service; answers the canonical target. With `verify`, the
   * service first checks them against the server and keeps the previous ones when the
   * server refuses (a ProblemError of kind "auth").
   */
  store(
    target: string,
    username: string,
    password: string,
    options?: { verify?: boolean },
  ): Promise<CredentialEntry>;
  forget(target: string): Promise<void>;
}

const ENDPOINT = "api/credentials";

/** A client of `api/credentials`. */
export function createCredentialStore(): CredentialStore {
  const fail = async (response: Response): Promise<never> => {
    throw new ProblemError(
      (await describeResponse(response)) ??
        problem("service", `Unexpected answer ${response.status}.`),
    );
  };
  return {
    async list() {
      const response = await serviceFetch(ENDPOINT);
      if (!response.ok) return fail(response);
      const body = (await response.json()) as { credentials?: CredentialEntry[] };
      return Array.isArray(body.credentials) ? body.credentials : [];
    },
    async store(target, username, password, options = {}) {
      const body: Record<string, unknown> = { target, username, password };
      if (options.verify) body.verify = true;
      const response = await serviceFetch(ENDPOINT, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok) return fail(response);
      const answer = (await response.json()) as Partial<CredentialEntry>;
      return { target: answer.target ?? target, username: answer.username ?? username };
    },
    async forget(target) {
      const response = await serviceFetch(`${ENDPOINT}?${new URLSearchParams({ target })}`, {
        method: "DELETE",
      });
      // 404: the service holds nothing for this target, which is what was asked for.
      if (!response.ok && response.status !== 404) await fail(response);
    },
  };
}
