/**
 * The sessions of the server in use: the list (sub-agent sessions by parent), which are
 * busy, and what the agent is waiting for (permission requests and questions; a session
 * also waits for what its sub-agents wait for, at any depth). Everything
 * is fetched when the server changes and after the event stream reconnects, and kept
 * current by events in between; nothing here polls. Also the session-wide actions that
 * answer with the updated or new session: revert, unrevert, fork, archive, share; and
 * export (the session with its messages) and compaction.
 */

import {
  batch,
  createContext,
  createMemo,
  createSignal,
  useContext,
  type Accessor,
  type JSX,
} from "solid-js";
import { createStore, produce, reconcile } from "solid-js/store";
import type { Connection } from "../api/connection";
import { problemOf, type Problem } from "../api/problems";
import type {
  MessageError,
  ServerConfig,
  PermissionReply,
  PermissionRequest,
  QuestionRequest,
  ServerEvent,
  Session,
  SessionStatus,
} from "../api/types";
import type { PromptInput } from "../lib/prompt/parts";
import type { SessionExport } from "../lib/session-export";
import { ancestors, requestsByTree } from "../lib/session-tree";
import { useConnection, useResync, useServerEvents } from "./connection";

interface SessionsState {
  sessions: Record<string, Session>;
  status: Record<string, SessionStatus>;
  permissions: Record<string, PermissionRequest>;
  questions: Record<string, QuestionRequest>;
  /** The last error a session reported (not counting a user's Stop). */
  errors: Record<string, MessageError>;
}

interface SessionsValue {
  /** Top-level, unarchived sessions, most recently updated first. */
  list: Accessor<Session[]>;
  /** Top-level archived sessions, most recently updated first. */
  archived: Accessor<Session[]>;
  /** The unarchived sub-agent sessions a session started, most recently updated first. */
  children(parentID: string): Session[];
  get(id: string): Session | undefined;
  /** The first fetch for this server has answered. */
  loaded: Accessor<boolean>;
  problem: Accessor<Problem | null>;
  status(id: string): SessionStatus;
  busy(id: string): boolean;
  /** The sessions the agent works in now (any depth). */
  busyIDs: Accessor<string[]>;
  /** The session's own permission requests. */
  permissions(sessionID: string): PermissionRequest[];
  /** The session's own questions. */
  questions(sessionID: string): QuestionRequest[];
  /** The permission requests of the session and of its sub-agents (any depth). */
  waitingPermissions(sessionID: string): PermissionRequest[];
  /** The questions of the session and of its sub-agents (any depth). */
  waitingQuestions(sessionID: string): QuestionRequest[];
  /** The session or one of its sub-agents waits for the user. */
  waiting(sessionID: string): boolean;
  /** The sessions above a sub-agent's session, nearest first (none for a top-level one). */
  ancestors(sessionID: string): string[];
  error(sessionID: string): MessageError | undefined;
  clearError(sessionID: string): void;
  create(): Promise<Session>;
  rename(id: string, title: string): Promise<void>;
  remove(id: string): Promise<void>;
  /** Undo a session from a message on (`POST /revert`); the files are restored on the server. */
  revert(id: string, point: { messageID: string; partID?: string }): Promise<Session>;
  /** Bring back everything reverted (`POST /unrevert`). */
  unrevert(id: string): Promise<Session>;
  /** A new session with the messages before `messageID`, or all of them without. */
  fork(id: string, messageID?: string): Promise<Session>;
  /**
   * A prompt for a session's prompt box (text, mentions, attachments), handed over to its
   * chat when it opens (a fork of a prompt starts with that prompt to edit); `takeDraft`
   * returns it once.
   */
  setDraft(id: string, prompt: PromptInput): void;
  takeDraft(id: string): PromptInput | undefined;
  /** Set a session's state ahead of the server's event (busy as soon as a prompt is sent). */
  setStatus(id: string, status: SessionStatus): void;
  /** `PATCH /session/{id}` with `time.archived` (now, or 0 to bring it back). */
  archive(id: string, archived: boolean): Promise<void>;
  /** The session and all its messages, fresh from the server, for a download. */
  exportData(id: string): Promise<SessionExport>;
  /**
   * Compact the session (`POST /summarize`) with its own model, or the server's default
   * model when it has none yet.
   */
  compact(id: string): Promise<void>;
  /** Whether the server lets sessions be shared (`GET /config` share is not "disabled"). */
  shareAllowed: Accessor<boolean>;
  share(id: string): Promise<Session>;
  unshare(id: string): Promise<Session>;
  replyPermission(request: PermissionRequest, reply: PermissionReply): Promise<void>;
  replyQuestion(request: QuestionRequest, answers: string[][]): Promise<void>;
  rejectQuestion(request: QuestionRequest): Promise<void>;
  reload(): void;
}

const IDLE: SessionStatus = Object.freeze({ type: "idle" });
const EMPTY = (): SessionsState => ({
  sessions: {},
  status: {},
  permissions: {},
  questions: {},
  errors: {},
});
const ABORTED = "MessageAbortedError";

const SessionsContext = createContext<SessionsValue>();

function byId<T extends { id: string }>(items: T[]): Record<string, T> {
  return Object.fromEntries(items.map((item) => [item.id, item]));
}

export function SessionsProvider(props: { children: JSX.Element }): JSX.Element {
  const { connection } = useConnection();
  const [state, setState] = createStore<SessionsState>(EMPTY());
  const [loaded, setLoaded] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [serverConfig, setServerConfig] = createSignal<ServerConfig>();
  let shown: Connection | undefined;
  let generation = 0;

  const fetchAll = (current: Connection) => {
    if (current !== shown) {
      // Another server: nothing of the previous one may stay on screen.
      shown = current;
      batch(() => {
        setState(reconcile(EMPTY()));
        setLoaded(false);
        setProblem(null);
        setServerConfig(undefined);
      });
    }
    const mine = ++generation;
    const client = current.client;
    client.config().then(
      (config) => {
        if (mine === generation && !current.disposed) setServerConfig(config);
      },
      () => {},
    );
    Promise.all([
      client.sessions(),
      client.sessionStatus(),
      client.permissions(),
      client.questions().catch(() => [] as QuestionRequest[]),
    ]).then(
      ([sessions, status, permissions, questions]) => {
        if (mine !== generation || current.disposed) return;
        batch(() => {
          setState("sessions", reconcile(byId(sessions)));
          setState("status", reconcile(status));
          setState("permissions", reconcile(byId(permissions)));
          setState("questions", reconcile(byId(questions)));
          setLoaded(true);
          setProblem(null);
        });
      },
      (error: unknown) => {
        if (mine !== generation || current.disposed) return;
        setProblem(problemOf(error));
        setLoaded(true);
      },
    );
  };
  useResync(fetchAll);

  useServerEvents((event: ServerEvent) => applyEvent(event));

  const applyEvent = (event: ServerEvent) => {
    const props = event.properties;
    const sessionID = typeof props.sessionID === "string" ? props.sessionID : undefined;
    switch (event.type) {
      case "session.created":
      case "session.updated": {
        const info = props.info as Session | undefined;
        if (info && typeof info.id === "string") setState("sessions", info.id, reconcile(info));
        break;
      }
      case "session.deleted": {
        const info = props.info as Session | undefined;
        const id = info?.id ?? sessionID;
        if (id) forget(id);
        break;
      }
      case "session.status":
        if (sessionID && typeof props.status === "object" && props.status !== null) {
          setState("status", sessionID, reconcile(props.status as SessionStatus));
        }
        break;
      case "session.idle":
        if (sessionID) setState("status", sessionID, reconcile(IDLE));
        break;
      case "session.error": {
        const error = props.error as MessageError | undefined;
        if (sessionID && error && error.name !== ABORTED) {
          setState("errors", sessionID, reconcile(error));
        }
        break;
      }
      case "permission.asked":
        if (typeof props.id === "string" && sessionID) {
          setState("permissions", props.id, props as unknown as PermissionRequest);
        }
        break;
      case "permission.replied":
        if (typeof props.requestID === "string") dropRequest("permissions", props.requestID);
        break;
      case "question.asked":
        if (typeof props.id === "string" && sessionID) {
          setState("questions", props.id, props as unknown as QuestionRequest);
        }
        break;
      case "question.replied":
      case "question.rejected":
        if (typeof props.requestID === "string") dropRequest("questions", props.requestID);
        break;
    }
  };

  const dropRequest = (kind: "permissions" | "questions", id: string) =>
    setState(
      kind,
      produce((all) => {
        delete all[id];
      }),
    );

  const forget = (id: string) =>
    setState(
      produce((all) => {
        delete all.sessions[id];
        delete all.status[id];
        delete all.errors[id];
        for (const [key, request] of Object.entries(all.permissions)) {
          if (request.sessionID === id) delete all.permissions[key];
        }
        for (const [key, request] of Object.entries(all.questions)) {
          if (request.sessionID === id) delete all.questions[key];
        }
      }),
    );

  const list = createMemo(() =>
    Object.values(state.sessions)
      .filter((session) => !session.parentID && !session.time.archived)
      .sort(newestFirst),
  );
  const archived = createMemo(() =>
    Object.values(state.sessions)
      .filter((session) => !session.parentID && !!session.time.archived)
      .sort(newestFirst),
  );
  const byParent = createMemo(() => {
    const groups = new Map<string, Session[]>();
    for (const session of Object.values(state.sessions)) {
      if (!session.parentID || session.time.archived) continue;
      const group = groups.get(session.parentID) ?? [];
      group.push(session);
      groups.set(session.parentID, group);
    }
    for (const group of groups.values()) group.sort(newestFirst);
    return groups;
  });
  const parentOf = (id: string) => state.sessions[id]?.parentID;
  // Each request under its session and every session above it, worked out once per change.
  const permissionTree = createMemo(() =>
    requestsByTree(Object.values(state.permissions), parentOf),
  );
  const questionTree = createMemo(() => requestsByTree(Object.values(state.questions), parentOf));
  const drafts = new Map<string, PromptInput>();
  const keep = (session: Session) => {
    if (session && typeof session.id === "string") {
      setState("sessions", session.id, reconcile(session));
    }
    return session;
  };

  const client = () => {
    const current = connection();
    if (!current) throw new Error("No server is in use.");
    return current.client;
  };

  const value: SessionsValue = {
    list,
    archived,
    children: (parentID) => byParent().get(parentID) ?? [],
    get: (id) => state.sessions[id],
    loaded,
    problem,
    status: (id) => state.status[id] ?? IDLE,
    busy: (id) => (state.status[id]?.type ?? "idle") !== "idle",
    busyIDs: () =>
      Object.entries(state.status)
        .filter(([, status]) => status.type !== "idle")
        .map(([id]) => id),
    permissions: (sessionID) =>
      Object.values(state.permissions).filter((request) => request.sessionID === sessionID),
    questions: (sessionID) =>
      Object.values(state.questions).filter((request) => request.sessionID === sessionID),
    waitingPermissions: (sessionID) => permissionTree().get(sessionID) ?? [],
    waitingQuestions: (sessionID) => questionTree().get(sessionID) ?? [],
    waiting: (sessionID) => permissionTree().has(sessionID) || questionTree().has(sessionID),
    ancestors: (sessionID) => ancestors(sessionID, parentOf),
    error: (sessionID) => state.errors[sessionID],
    clearError: (sessionID) =>
      setState(
        "errors",
        produce((all) => {
          delete all[sessionID];
        }),
      ),
    async create() {
      const session = await client().createSession();
      setState("sessions", session.id, reconcile(session));
      return session;
    },
    async rename(id, title) {
      const session = await client().renameSession(id, title);
      if (session && typeof session.id === "string") {
        setState("sessions", session.id, reconcile(session));
      }
    },
    async remove(id) {
      await client().deleteSession(id);
      forget(id);
    },
    revert: async (id, point) => keep(await client().revert(id, point)),
    unrevert: async (id) => keep(await client().unrevert(id)),
    fork: async (id, messageID) => keep(await client().fork(id, messageID)),
    setDraft: (id, prompt) => {
      drafts.set(id, prompt);
    },
    takeDraft: (id) => {
      const prompt = drafts.get(id);
      drafts.delete(id);
      return prompt;
    },
    setStatus: (id, status) => setState("status", id, reconcile({ ...status })),
    async archive(id, archive) {
      keep(await client().updateSession(id, { time: { archived: archive ? Date.now() : 0 } }));
    },
    async exportData(id) {
      const [info, messages] = await Promise.all([
        client().json<Session>(`session/${encodeURIComponent(id)}`),
        client().messages(id),
      ]);
      return { info, messages };
    },
    async compact(id) {
      const own = state.sessions[id]?.model;
      let model = own ? { providerID: own.providerID, modelID: own.id } : undefined;
      if (!model) {
        const fallback = (serverConfig() ?? (await client().config())).model ?? "";
        const slash = fallback.indexOf("/");
        if (slash > 0) {
          model = { providerID: fallback.slice(0, slash), modelID: fallback.slice(slash + 1) };
        }
      }
      if (!model) throw new Error("The server names no model to compact with.");
      await client().summarize(id, model);
    },
    shareAllowed: () => (serverConfig()?.share ?? "manual") !== "disabled",
    share: async (id) => keep(await client().share(id)),
    unshare: async (id) => keep(await client().unshare(id)),
    async replyPermission(request, reply) {
      await client().replyPermission(request.id, reply);
      dropRequest("permissions", request.id);
    },
    async replyQuestion(request, answers) {
      await client().replyQuestion(request.id, answers);
      dropRequest("questions", request.id);
    },
    async rejectQuestion(request) {
      await client().rejectQuestion(request.id);
      dropRequest("questions", request.id);
    },
    reload: () => {
      const current = connection();
      if (current) fetchAll(current);
    },
  };
  return <SessionsContext.Provider value={value}>{props.children}</SessionsContext.Provider>;
}

function newestFirst(a: Session, b: Session): number {
  return b.time.updated - a.time.updated || (a.id < b.id ? 1 : -1);
}

export function useSessions(): SessionsValue {
  const value = useContext(SessionsContext);
  if (!value) throw new Error("useSessions needs a SessionsProvider");
  return value;
}
