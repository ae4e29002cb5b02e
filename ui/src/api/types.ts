/**
 * Types of the OpenCode server's API, written against the OpenAPI document that
 * `opencode serve` 1.18.33 publishes at `GET /doc`. Only what the UI uses is here;
 * add endpoints as the UI grows (part 2: sessions, messages, permissions, PTY).
 */

/** `GET /global/health` */
export interface Health {
  healthy: true;
  version: string;
}

/** `GET /path` */
export interface PathInfo {
  home: string;
  state: string;
  config: string;
  worktree: string;
  directory: string;
}

/** `GET /project/current` (the fields the UI reads). */
export interface Project {
  id: string;
  worktree: string;
  name?: string;
  vcs?: string;
  time: { created: number; updated?: number };
}

/** One event of `GET /event`: `data: {"id", "type", "properties"}`. */
export interface ServerEvent {
  id?: string;
  type: string;
  properties: Record<string, unknown>;
}

/** The first event of every stream. */
export const EVENT_CONNECTED = "server.connected";
/** Sent about every 10 s by the server, so silence means a dead stream. */
export const EVENT_HEARTBEAT = "server.heartbeat";

// ---------- sessions ----------

/** `GET /session` items (the fields the UI reads). */
export interface Session {
  id: string;
  slug?: string;
  title: string;
  directory: string;
  parentID?: string;
  version?: string;
  summary?: { additions: number; deletions: number; files: number; diffs?: FileDiff[] };
  cost?: number;
  tokens?: Omit<Tokens, "total">;
  agent?: string;
  model?: { id: string; providerID: string; variant?: string };
  time: { created: number; updated: number; compacting?: number; archived?: number };
  /**
   * Set while the session is reverted: the messages from `messageID` on (from `partID`
   * within it, when set) are undone and the files restored; `POST /unrevert` brings them
   * back, a new prompt drops them for good.
   */
  revert?: SessionRevert;
  /** Set while the session is shared by link. */
  share?: { url: string };
}

/** `Session.revert` */
export interface SessionRevert {
  messageID: string;
  partID?: string;
  snapshot?: string;
  /** The unified diff the revert applied to the files. */
  diff?: string;
}

/** `GET /session/{id}/todo` items and the `todos` of a `todo.updated` event. */
export interface Todo {
  /** Present in some versions; 1.18.33 sends none. */
  id?: string;
  content: string;
  /** A TodoStatus; other values (a newer server's) read as pending. */
  status: string;
  /** high, medium or low. */
  priority: string;
}

export type TodoStatus = "pending" | "in_progress" | "completed" | "cancelled";

/** The `todo.updated` event's properties. */
export const EVENT_TODO_UPDATED = "todo.updated";

/** `GET /session/status` values; sessions missing from the map are idle. */
export type SessionStatus =
  | { type: "idle" }
  | { type: "busy" }
  | { type: "retry"; attempt: number; message: string; next: number };

export interface Tokens {
  total?: number;
  input: number;
  output: number;
  reasoning: number;
  cache: { read: number; write: number };
}

export interface MessageError {
  name: string;
  data?: { message?: string; [key: string]: unknown };
}

export interface UserMessage {
  id: string;
  sessionID: string;
  role: "user";
  time: { created: number };
  agent?: string;
  model?: { providerID: string; modelID: string; variant?: string };
  /** What the turn this prompt started changed; set once the turn is done. */
  summary?: { title?: string; body?: string; diffs: FileDiff[] };
}

export interface AssistantMessage {
  id: string;
  sessionID: string;
  role: "assistant";
  time: { created: number; completed?: number };
  parentID?: string;
  modelID?: string;
  providerID?: string;
  agent?: string;
  mode?: string;
  cost?: number;
  tokens?: Tokens;
  error?: MessageError;
  finish?: string;
}

export type Message = UserMessage | AssistantMessage;

interface PartBase {
  id: string;
  sessionID: string;
  messageID: string;
}

export interface TextPart extends PartBase {
  type: "text";
  text: string;
  synthetic?: boolean;
  ignored?: boolean;
  time?: { start: number; end?: number };
}

export interface ReasoningPart extends PartBase {
  type: "reasoning";
  text: string;
  time?: { start: number; end?: number };
}

export type ToolState =
  | { status: "pending"; input: Record<string, unknown>; raw?: string }
  | {
      status: "running";
      input: Record<string, unknown>;
      title?: string;
      metadata?: Record<string, unknown>;
      time: { start: number };
    }
  | {
      status: "completed";
      input: Record<string, unknown>;
      output: string;
      title: string;
      metadata?: Record<string, unknown>;
      time: { start: number; end: number };
    }
  | {
      status: "error";
      input: Record<string, unknown>;
      error: string;
      metadata?: Record<string, unknown>;
      time: { start: number; end: number };
    };

export interface ToolPart extends PartBase {
  type: "tool";
  callID: string;
  tool: string;
  state: ToolState;
}

export interface StepStartPart extends PartBase {
  type: "step-start";
}

export interface StepFinishPart extends PartBase {
  type: "step-finish";
  reason: string;
  cost: number;
  tokens: Tokens;
}

export interface FilePart extends PartBase {
  type: "file";
  mime: string;
  filename?: string;
  url: string;
}

/** Parts the UI does not draw (snapshot, patch, agent, subtask, ...) keep their type. */
export interface OtherPart extends PartBase {
  type: "snapshot" | "patch" | "agent" | "subtask" | "retry" | "compaction";
}

export type Part =
  TextPart | ReasoningPart | ToolPart | StepStartPart | StepFinishPart | FilePart | OtherPart;

/** `GET /session/{id}/message` items. */
export interface MessageWithParts {
  info: Message;
  parts: Part[];
}

/** Body of `POST /session/{id}/prompt_async`. */
export interface PromptBody {
  parts: PromptPartInput[];
  model?: { providerID: string; modelID: string };
  agent?: string;
  /** The model's variant (thinking effort and the like); the model's own default when absent. */
  variant?: string;
}

// ---------- permissions and questions ----------

/** `GET /permission` items and `permission.asked` events. */
export interface PermissionRequest {
  id: string;
  sessionID: string;
  permission: string;
  patterns: string[];
  metadata: Record<string, unknown>;
  always: string[];
  tool?: { messageID: string; callID: string };
}

export type PermissionReply = "once" | "always" | "reject";

export interface QuestionOption {
  label: string;
  description?: string;
}

export interface QuestionInfo {
  question: string;
  header: string;
  options: QuestionOption[];
  multiple?: boolean;
  custom?: boolean;
}

/** `GET /question` items and `question.asked` events. */
export interface QuestionRequest {
  id: string;
  sessionID: string;
  questions: QuestionInfo[];
  tool?: { messageID: string; callID: string };
}

// ---------- models, agents, files, terminals ----------

export interface ModelInfo {
  id: string;
  providerID?: string;
  name: string;
  status?: string;
  /** Token limits: the context window and the longest reply. */
  limit?: { context: number; input?: number; output: number };
}

export interface ProviderInfo {
  id: string;
  name: string;
  models: Record<string, ModelInfo>;
}

/** `GET /config/providers` */
export interface ProvidersResponse {
  providers: ProviderInfo[];
  default: Record<string, string>;
}

/** `GET /agent` items. */
export interface Agent {
  name: string;
  mode: "subagent" | "primary" | "all";
  hidden?: boolean;
  native?: boolean;
  description?: string;
  /** `#rrggbb` or a theme colour's name (primary, accent, success, ...). */
  color?: string;
  /** The model this agent always uses, when pinned in its config. */
  model?: { providerID: string; modelID: string };
  variant?: string;
}

/** `GET /session/{id}/diff` and `GET /vcs/diff` items. */
export interface FileDiff {
  file?: string;
  patch?: string;
  additions: number;
  deletions: number;
  status?: "added" | "deleted" | "modified";
}

/** `POST /pty` */
export interface Pty {
  id: string;
  title: string;
  command: string;
  args: string[];
  cwd: string;
  status: "running" | "exited";
  pid: number;
  exitCode?: number;
}

// ---------- model catalogue ----------

/** One model of `GET /provider` (the fields the UI reads). */
export interface CatalogModelInfo {
  id: string;
  name?: string;
  status?: string;
  /** Variant name → its provider options; `disabled` hides it. */
  variants?: Record<string, { disabled?: boolean } & Record<string, unknown>>;
  capabilities?: { reasoning?: boolean; attachment?: boolean };
  limit?: { context: number; input?: number; output: number };
}

/** `GET /provider`: every provider the server knows, which are connected, their defaults. */
export interface ProviderCatalogResponse {
  all: Array<{
    id: string;
    name?: string;
    /** The environment variables that would give it credentials. */
    env?: string[];
    models?: Record<string, CatalogModelInfo>;
  }>;
  /** Provider ID → its default model's ID. */
  default: Record<string, string>;
  /** The providers with credentials (or needing none). */
  connected: string[];
}

/** `GET /config` (the fields the UI reads). */
export interface ServerConfig {
  /** `provider/model`: the model used when a prompt names none. */
  model?: string;
  small_model?: string;
  /** The agent used when a prompt names none. */
  default_agent?: string;
  /** Whether sessions can be shared by link ("manual" when absent). */
  share?: "manual" | "auto" | "disabled";
}

// ---------- prompt box: parts, commands, shell, search ----------

/** A prompt's parts as `POST /session/{id}/prompt_async` takes them. */
export type PromptPartInput =
  | { type: "text"; text: string; synthetic?: boolean }
  | FilePartInput
  | {
      type: "agent";
      name: string;
      source?: { value: string; start: number; end: number };
    };

/** A file part to send: a `file://` URL the server reads, or a `data:` URL. */
export interface FilePartInput {
  type: "file";
  mime: string;
  url: string;
  filename?: string;
  source?:
    | { type: "file"; path: string; text: { value: string; start: number; end: number } }
    | {
        type: "symbol";
        path: string;
        name: string;
        kind: number;
        range: LineRange;
        text: { value: string; start: number; end: number };
      };
}

/** An LSP range: lines and characters from 0. */
export interface LineRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** `GET /command` items: the server's slash commands. */
export interface CommandInfo {
  name: string;
  description?: string;
  agent?: string;
  model?: string;
  source?: "command" | "mcp" | "skill";
  template?: string;
  subtask?: boolean;
  hints?: string[];
}

/** `GET /find/symbol` items (empty without a language server). */
export interface SymbolInfo {
  name: string;
  kind: number;
  location: { uri: string; range: LineRange };
}

/** Body of `POST /session/{id}/shell`. */
export interface ShellBody {
  agent: string;
  command: string;
  model?: { providerID: string; modelID: string };
}

/** Body of `POST /session/{id}/command`. */
export interface CommandBody {
  command: string;
  arguments: string;
  agent?: string;
  /** `provider/model` */
  model?: string;
  variant?: string;
  parts?: FilePartInput[];
}

// ---------- status: MCP and LSP servers ----------

/** `GET /mcp` values: one MCP server's state. */
export type McpStatus =
  | { status: "connected" }
  | { status: "disabled" }
  | { status: "failed"; error: string }
  | { status: "needs_auth" }
  | { status: "needs_client_registration"; error?: string }
  | { status: string; error?: string };

/** `GET /lsp` items. */
export interface LspStatus {
  id: string;
  name: string;
  root: string;
  status: "connected" | "error";
}

// ---------- files ----------

/** `GET /file?path=` items: one folder's entries (a folder's `path` ends in `/`). */
export interface FileNode {
  name: string;
  path: string;
  absolute?: string;
  type: "file" | "directory";
  ignored?: boolean;
}

/** `GET /file/content?path=`: text, or base64 with a type for binary files. */
export interface FileContent {
  type?: "text" | "binary" | string;
  content?: string;
  encoding?: "base64" | string;
  mimeType?: string;
}

/** `GET /vcs/status` items (`file`); `GET /file/status` names it `path`, with added/removed. */
export interface FileStatusEntry {
  file?: string;
  path?: string;
  status?: "added" | "deleted" | "modified" | string;
  additions?: number;
  deletions?: number;
  added?: number;
  removed?: number;
}
