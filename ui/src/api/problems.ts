/**
 * What went wrong with a request, in words a user can act on.
 *
 * The proxy marks every error it makes itself with `X-Proxy-Error: <code>`; a response
 * without that header came from the OpenCode server (its 401 means a wrong password).
 */

export type ProblemKind = "unreachable" | "auth" | "policy" | "busy" | "service" | "server";

export interface Problem {
  kind: ProblemKind;
  /** A short headline, e.g. "Could not connect". */
  title: string;
  /** One sentence with the details, when there are any. */
  detail: string;
  status?: number;
  code?: string;
}

export const TITLES: Record<ProblemKind, string> = {
  unreachable: "Could not connect",
  auth: "Wrong username or password",
  policy: "Not allowed by this notebook's policy",
  busy: "The notebook service is busy",
  service: "The notebook service refused the request",
  server: "The server answered with an error",
};

export const PROXY_ERROR_HEADER = "X-Proxy-Error";
/** Where a server's redirect pointed; the proxy moves `Location` here so no browser follows it. */
export const REDIRECT_HEADER = "X-Proxy-Redirect-Location";

const KIND_OF_CODE: Record<string, ProblemKind> = {
  upstream_unreachable: "unreachable",
  upstream_timeout: "unreachable",
  upstream_error: "unreachable",
  upstream_refused_upgrade: "unreachable",
  upstream_redirect: "server",
  target_not_allowed: "policy",
  target_address_not_allowed: "policy",
  bad_target: "policy",
  wrong_credentials: "auth",
  rate_limited: "busy",
  too_many_streams: "busy",
};

/** Build a problem of a kind with its standard headline. */
export function problem(kind: ProblemKind, detail: string, extra: Partial<Problem> = {}): Problem {
  return { kind, title: TITLES[kind], detail, ...extra };
}

/** The kind of problem the proxy's error code stands for. */
export function kindOfProxyError(code: string): ProblemKind {
  return KIND_OF_CODE[code] ?? "service";
}

async function proxyMessage(response: Response): Promise<string> {
  try {
    const body: unknown = await response.json();
    if (typeof body === "object" && body !== null && "message" in body) {
      const message = (body as { message: unknown }).message;
      if (typeof message === "string") return message;
    }
  } catch {
    // No JSON body: the headline alone will do.
  }
  return "";
}

/** A server's redirect, which the app does not follow, and where it pointed. */
function redirectProblem(response: Response): Problem {
  const status = response.status;
  const to = response.headers.get(REDIRECT_HEADER);
  const answer = status > 0 ? `a redirect (HTTP ${status})` : "a redirect";
  const where = to ? ` to ${to}` : "";
  return problem(
    "server",
    `The server answered with ${answer}${where}. Redirects from a server are not followed.`,
    status > 0 ? { status } : {},
  );
}

/** Describe a failed response; null when it succeeded. Reads the body of proxy errors. */
export async function describeResponse(response: Response): Promise<Problem | null> {
  if (response.ok) return null;
  const status = response.status;
  if (response.type === "opaqueredirect" || (status >= 300 && status < 400)) {
    return redirectProblem(response);
  }
  const code = response.headers.get(PROXY_ERROR_HEADER);
  if (code !== null) {
    const kind = kindOfProxyError(code);
    return problem(kind, await proxyMessage(response), { status, code });
  }
  if (status === 401) {
    return problem("auth", "The server refused the username and password it was given.", {
      status,
    });
  }
  return problem("server", `The server answered HTTP ${status}.`, { status });
}

/** A problem carried as an exception, so API calls can simply throw. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
    this.name = "ProblemError";
  }
}

/** The problem behind any error thrown by an API call. */
export function problemOf(error: unknown): Problem {
  if (error instanceof ProblemError) return error.problem;
  const message = error instanceof Error ? error.message : String(error);
  return problem("service", message);
}
