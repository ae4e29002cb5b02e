/**
 * A typed client for one OpenCode server behind the proxy. The rest of the UI calls the
 * server only through this (and the event stream), never with raw fetches.
 */

import { DEFAULT_PROXY_PATH, proxyFetch, proxyJson, proxyUrl, type RequestOptions } from "./http";
import { measuredRoundTrip } from "../lib/round-trip";
import type {
  Agent,
  CommandBody,
  CommandInfo,
  FileContent,
  FileDiff,
  FileNode,
  FileStatusEntry,
  Health,
  LspStatus,
  McpStatus,
  MessageWithParts,
  PathInfo,
  PermissionReply,
  PermissionRequest,
  Project,
  PromptBody,
  ProviderCatalogResponse,
  ProvidersResponse,
  Pty,
  QuestionRequest,
  ServerConfig,
  Session,
  SessionStatus,
  ShellBody,
  SymbolInfo,
  Todo,
} from "./types";

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
  sessions(options?: RequestOptions): Promise<Session[]>;
  createSession(body?: { title?: string }): Promise<Session>;
  renameSession(id: string, title: string): Promise<Session>;
  deleteSession(id: string): Promise<void>;
  messages(id: string, options?: RequestOptions): Promise<MessageWithParts[]>;
  /** Start a reply; it arrives as events. */
  prompt(id: string, body: PromptBody): Promise<void>;
  abort(id: string): Promise<void>;
  /** Busy and retrying sessions; the others are idle. */
  sessionStatus(options?: RequestOptions): Promise<Record<string, SessionStatus>>;
  permissions(options?: RequestOptions): Promise<PermissionRequest[]>;
  replyPermission(requestID: string, reply: PermissionReply): Promise<void>;
  questions(options?: RequestOptions): Promise<QuestionRequest[]>;
  replyQuestion(requestID: string, answers: string[][]): Promise<void>;
  rejectQuestion(requestID: string): Promise<void>;
  providers(options?: RequestOptions): Promise<ProvidersResponse>;
  agents(options?: RequestOptions): Promise<Agent[]>;
  sessionDiff(id: string, options?: RequestOptions): Promise<FileDiff[]>;
  /** `GET /session/{id}/diff?messageID=`: what the turn started by that user message changed. */
  messageDiff(id: string, messageID: string, options?: RequestOptions): Promise<FileDiff[]>;
  /**
   * `POST /session/{id}/revert`: undo `messageID` and everything after it (from `partID`
   * within it, when given) and restore the files; the messages stay until a new prompt.
   */
  revert(id: string, point: { messageID: string; partID?: string }): Promise<Session>;
  /** `POST /session/{id}/unrevert`: bring back every reverted message and its changes. */
  unrevert(id: string): Promise<Session>;
  /** `POST /session/{id}/fork`: a new session with the messages before `messageID` (all without). */
  fork(id: string, messageID?: string): Promise<Session>;
  /** `GET /session/{id}/todo`: the agent's checklist. */
  todos(id: string, options?: RequestOptions): Promise<Todo[]>;
  /** `GET /session/{id}/children`: the sub-agent sessions it started. */
  children(id: string, options?: RequestOptions): Promise<Session[]>;
  /** Uncommitted changes of the project (git); fails when it is not a repository. */
  projectDiff(options?: RequestOptions): Promise<FileDiff[]>;
  createPty(body?: { cwd?: string; title?: string }): Promise<Pty>;
  resizePty(id: string, size: { rows: number; cols: number }): Promise<void>;
  deletePty(id: string): Promise<void>;
  /** Any other endpoint, for what has no typed method yet. */
  json<T>(path: string, options?: RequestOptions): Promise<T>;
  fetch(path: string, options?: RequestOptions): Promise<Response>;
  /** `GET /provider`: every provider, which are connected, and their default models. */
  providerCatalog(options?: RequestOptions): Promise<ProviderCatalogResponse>;
  /** `GET /config`: the server's configuration (its default model and agent). */
  config(options?: RequestOptions): Promise<ServerConfig>;
  /** `GET /command`: the server's slash commands (its own, the project's, MCP prompts, skills). */
  commands(options?: RequestOptions): Promise<CommandInfo[]>;
  /** `GET /find/file`: project files (and directories, ending in `/`) matching `query`. */
  findFiles(query: string, options?: RequestOptions): Promise<string[]>;
  /** `GET /find/symbol`: workspace symbols matching `query` (none without a language server). */
  findSymbols(query: string, options?: RequestOptions): Promise<SymbolInfo[]>;
  /** `POST /session/{id}/shell`: run a command in the session's shell; resolves when it ends. */
  shell(id: string, body: ShellBody, options?: RequestOptions): Promise<void>;
  /** `POST /session/{id}/command`: run a server command; resolves when its reply ends. */
  command(id: string, body: CommandBody, options?: RequestOptions): Promise<void>;
  /** `POST /session/{id}/summarize`: compact the session with this model. */
  summarize(
    id: string,
    model: { providerID: string; modelID: string },
    options?: RequestOptions,
  ): Promise<void>;
  /** `POST /session/{id}/share`: share it by link (the session, with `share.url`). */
  share(id: string, options?: RequestOptions): Promise<Session & { share?: { url?: string } }>;
  /** `PATCH /session/{id}`: title and archive time (`time.archived`: 0 unarchives). */
  updateSession(
    id: string,
    body: { title?: string; time?: { archived?: number } },
    options?: RequestOptions,
  ): Promise<Session>;
  /** `DELETE /session/{id}/share`: stop sharing it. */
  unshare(id: string, options?: RequestOptions): Promise<Session>;
  /** `GET /mcp`: the state of each configured MCP server, by name. */
  mcpStatus(options?: RequestOptions): Promise<Record<string, McpStatus>>;
  mcpConnect(name: string, options?: RequestOptions): Promise<void>;
  mcpDisconnect(name: string, options?: RequestOptions): Promise<void>;
  /** `GET /lsp`: the language servers running. */
  lspStatus(options?: RequestOptions): Promise<LspStatus[]>;
  /** `GET /pty`: the server's terminals. */
  ptys(options?: RequestOptions): Promise<Pty[]>;
  /** `GET /file?path=`: one folder's entries ("" for the project's top). */
  listFiles(path: string, options?: RequestOptions): Promise<FileNode[]>;
  /** `GET /file/content?path=`: a file's text, or base64 with its type when binary. */
  fileContent(path: string, options?: RequestOptions): Promise<FileContent>;
  /** `GET /vcs/status`: the project's changed files (git), with their line counts. */
  vcsStatus(options?: RequestOptions): Promise<FileStatusEntry[]>;
  /** `GET /file/status`: the older git status list (`path`, `added`, `removed`). */
  fileStatus(options?: RequestOptions): Promise<FileStatusEntry[]>;
}

/** One path segment: IDs come from the server, so they are encoded, never trusted. */
const seg = (value: string) => encodeURIComponent(value);

/** A client for the server at `target` (a normalized base URL). */
export function createOpenCodeClient(
  target: string,
  proxyPath: string = DEFAULT_PROXY_PATH,
): OpenCodeClient {
  const call = <T>(path: string, options?: RequestOptions) =>
    proxyJson<T>(proxyPath, target, path, options);
  return {
    target,
    proxyPath,
    async health(options = {}) {
      const started = performance.now();
      const health = await proxyJson<Health>(proxyPath, target, "global/health", {
        timeoutMs: options.timeoutMs ?? HEALTH_TIMEOUT_MS,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const took = performance.now() - started;
      const url = proxyUrl(proxyPath, "global/health");
      return { health, rttMs: measuredRoundTrip(url, started, took) };
    },
    path: (options) => proxyJson<PathInfo>(proxyPath, target, "path", options),
    project: (options) => proxyJson<Project>(proxyPath, target, "project/current", options),
    sessions: (options) => call<Session[]>("session", options),
    createSession: (body = {}) => call<Session>("session", { method: "POST", json: body }),
    renameSession: (id, title) =>
      call<Session>(`session/${seg(id)}`, { method: "PATCH", json: { title } }),
    deleteSession: async (id) => {
      await call(`session/${seg(id)}`, { method: "DELETE" });
    },
    messages: (id, options) => call<MessageWithParts[]>(`session/${seg(id)}/message`, options),
    prompt: async (id, body) => {
      await call(`session/${seg(id)}/prompt_async`, { method: "POST", json: body });
    },
    abort: async (id) => {
      await call(`session/${seg(id)}/abort`, { method: "POST" });
    },
    sessionStatus: (options) => call<Record<string, SessionStatus>>("session/status", options),
    permissions: (options) => call<PermissionRequest[]>("permission", options),
    replyPermission: async (requestID, reply) => {
      await call(`permission/${seg(requestID)}/reply`, { method: "POST", json: { reply } });
    },
    questions: (options) => call<QuestionRequest[]>("question", options),
    replyQuestion: async (requestID, answers) => {
      await call(`question/${seg(requestID)}/reply`, { method: "POST", json: { answers } });
    },
    rejectQuestion: async (requestID) => {
      await call(`question/${seg(requestID)}/reject`, { method: "POST" });
    },
    providers: (options) => call<ProvidersResponse>("config/providers", options),
    agents: (options) => call<Agent[]>("agent", options),
    sessionDiff: (id, options) => call<FileDiff[]>(`session/${seg(id)}/diff`, options),
    messageDiff: (id, messageID, options = {}) =>
      call<FileDiff[]>(`session/${seg(id)}/diff`, {
        ...options,
        query: { ...options.query, messageID },
      }),
    revert: (id, point) =>
      call<Session>(`session/${seg(id)}/revert`, {
        method: "POST",
        json: { messageID: point.messageID, ...(point.partID ? { partID: point.partID } : {}) },
      }),
    unrevert: (id) => call<Session>(`session/${seg(id)}/unrevert`, { method: "POST" }),
    fork: (id, messageID) =>
      call<Session>(`session/${seg(id)}/fork`, {
        method: "POST",
        json: messageID ? { messageID } : {},
      }),
    todos: (id, options) => call<Todo[]>(`session/${seg(id)}/todo`, options),
    children: (id, options) => call<Session[]>(`session/${seg(id)}/children`, options),
    projectDiff: (options = {}) =>
      call<FileDiff[]>("vcs/diff", { ...options, query: { ...options.query, mode: "git" } }),
    createPty: (body = {}) => call<Pty>("pty", { method: "POST", json: body }),
    resizePty: async (id, size) => {
      await call(`pty/${seg(id)}`, { method: "PUT", json: { size } });
    },
    deletePty: async (id) => {
      await call(`pty/${seg(id)}`, { method: "DELETE" });
    },
    json: (path, options) => proxyJson(proxyPath, target, path, options),
    fetch: (path, options) => proxyFetch(proxyPath, target, path, options),
    providerCatalog: (options) => call<ProviderCatalogResponse>("provider", options),
    config: (options) => call<ServerConfig>("config", options),
    commands: (options) => call<CommandInfo[]>("command", options),
    findFiles: (query, options = {}) =>
      call<string[]>("find/file", { ...options, query: { ...options.query, query, dirs: "true" } }),
    findSymbols: (query, options = {}) =>
      call<SymbolInfo[]>("find/symbol", { ...options, query: { ...options.query, query } }),
    shell: async (id, body, options = {}) => {
      await call(`session/${seg(id)}/shell`, { ...options, method: "POST", json: body });
    },
    command: async (id, body, options = {}) => {
      await call(`session/${seg(id)}/command`, { ...options, method: "POST", json: body });
    },
    summarize: async (id, model, options = {}) => {
      await call(`session/${seg(id)}/summarize`, { ...options, method: "POST", json: model });
    },
    share: (id, options = {}) =>
      call<Session & { share?: { url?: string } }>(`session/${seg(id)}/share`, {
        ...options,
        method: "POST",
      }),
    updateSession: (id, body, options = {}) =>
      call<Session>(`session/${seg(id)}`, { ...options, method: "PATCH", json: body }),
    unshare: (id, options = {}) =>
      call<Session>(`session/${seg(id)}/share`, { ...options, method: "DELETE" }),
    mcpStatus: (options) => call<Record<string, McpStatus>>("mcp", options),
    mcpConnect: async (name, options = {}) => {
      await call(`mcp/${seg(name)}/connect`, { ...options, method: "POST" });
    },
    mcpDisconnect: async (name, options = {}) => {
      await call(`mcp/${seg(name)}/disconnect`, { ...options, method: "POST" });
    },
    lspStatus: (options) => call<LspStatus[]>("lsp", options),
    ptys: (options) => call<Pty[]>("pty", options),
    listFiles: (path, options = {}) =>
      call<FileNode[]>("file", { ...options, query: { ...options.query, path } }),
    fileContent: (path, options = {}) =>
      call<FileContent>("file/content", { ...options, query: { ...options.query, path } }),
    vcsStatus: (options) => call<FileStatusEntry[]>("vcs/status", options),
    fileStatus: (options) => call<FileStatusEntry[]>("file/status", options),
  };
}
