/**
 * When the agent needs the user: which server events call for attention (a reply that
 * finished, one that failed, a permission request, a question), which sessions are
 * therefore unread (it happened while the session was not on screen), and when a browser
 * notification is due (the tab is hidden, the user turned them on, not already sent).
 * The unread marks are kept in localStorage per server, so a reload keeps them. A
 * sub-agent's permission request or question is news for the top-level session it works
 * for: that is where the list shows it and where it is answered.
 */

import type { KeyValueStorage } from "./storage";

export type AttentionKind = "done" | "failed" | "permission" | "question";

export interface Attention {
  sessionID: string;
  kind: AttentionKind;
  /** The error's message, for a failure. */
  detail?: string;
  /**
   * For a sub-agent's request: the other sessions that show it (the sub-agent's own
   * first, then those between it and `sessionID`, the top-level session).
   */
  shownIn?: string[];
}

interface EventLike {
  type: string;
  properties: Record<string, unknown>;
}

const ABORTED = "MessageAbortedError";

/**
 * Follows the event stream and says when an event calls for attention. A reply is done
 * when a busy session goes idle; one that failed says so instead (and its idle then says
 * nothing), one the user stopped says nothing. Sub-agent sessions finishing are part of
 * their parent's work, so only their permission requests and questions count.
 */
export class AttentionTracker {
  private readonly busy = new Set<string>();
  /** Sessions whose next idle is not news (they failed or were stopped). */
  private readonly quiet = new Set<string>();

  /** Known busy from elsewhere (the status fetched on load). */
  markBusy(sessionID: string): void {
    this.busy.add(sessionID);
  }

  forget(): void {
    this.busy.clear();
    this.quiet.clear();
  }

  observe(event: EventLike, isChild: (sessionID: string) => boolean): Attention | null {
    const props = event.properties;
    const sessionID = typeof props.sessionID === "string" ? props.sessionID : undefined;
    switch (event.type) {
      case "session.status": {
        const status = props.status as { type?: unknown } | undefined;
        if (!sessionID || !status) return null;
        if (status.type === "busy" || status.type === "retry") {
          this.busy.add(sessionID);
          return null;
        }
        return status.type === "idle" ? this.idle(sessionID, isChild) : null;
      }
      case "session.idle":
        return sessionID ? this.idle(sessionID, isChild) : null;
      case "session.error": {
        if (!sessionID) return null;
        this.quiet.add(sessionID);
        const error = props.error as { name?: unknown; data?: { message?: unknown } } | undefined;
        if (error?.name === ABORTED || isChild(sessionID)) return null;
        const message = typeof error?.data?.message === "string" ? error.data.message : undefined;
        const name = typeof error?.name === "string" ? error.name : undefined;
        const detail = message ?? name;
        return { sessionID, kind: "failed", ...(detail ? { detail } : {}) };
      }
      case "permission.asked":
        return sessionID ? { sessionID, kind: "permission" } : null;
      case "question.asked":
        return sessionID ? { sessionID, kind: "question" } : null;
      default:
        return null;
    }
  }

  private idle(sessionID: string, isChild: (sessionID: string) => boolean): Attention | null {
    if (!this.busy.delete(sessionID)) {
      this.quiet.delete(sessionID);
      return null;
    }
    if (this.quiet.delete(sessionID) || isChild(sessionID)) return null;
    return { sessionID, kind: "done" };
  }
}

/**
 * A sub-agent's request as the news of the top-level session above it (`above`: the
 * sessions above the one that asks, nearest first). Anything else stays as it is.
 */
export function towardRoot(attention: Attention, above: readonly string[]): Attention {
  const root = above[above.length - 1];
  if (!root || (attention.kind !== "permission" && attention.kind !== "question")) {
    return attention;
  }
  return { ...attention, sessionID: root, shownIn: [attention.sessionID, ...above.slice(0, -1)] };
}

export interface Viewing {
  /** The session on screen, if any. */
  sessionID: string | undefined;
  /** The tab is visible. */
  visible: boolean;
}

/** Whether the user sees this session right now. */
export function sees(viewing: Viewing, sessionID: string): boolean {
  return viewing.visible && viewing.sessionID === sessionID;
}

/** The unread sessions after an attention: marked unless the user is looking at it. */
export function markUnread(
  unread: ReadonlySet<string>,
  attention: Attention,
  viewing: Viewing,
): ReadonlySet<string> {
  const seen =
    sees(viewing, attention.sessionID) || !!attention.shownIn?.some((id) => sees(viewing, id));
  if (seen || unread.has(attention.sessionID)) return unread;
  return new Set([...unread, attention.sessionID]);
}

/** The unread sessions once the one on screen is seen. */
export function clearSeen(unread: ReadonlySet<string>, viewing: Viewing): ReadonlySet<string> {
  if (!viewing.visible || !viewing.sessionID || !unread.has(viewing.sessionID)) return unread;
  const next = new Set(unread);
  next.delete(viewing.sessionID);
  return next;
}

export const UNREAD_PREFIX = "opencode-proxy.unread.v1:";
/** The most unread marks kept per server (the newest); older ones are dropped. */
export const UNREAD_LIMIT = 200;

/** The unread sessions kept for a server; anything malformed is dropped. */
export function loadUnread(
  storage: KeyValueStorage | undefined,
  serverKey: string,
): ReadonlySet<string> {
  try {
    const data: unknown = JSON.parse(storage?.getItem(UNREAD_PREFIX + serverKey) ?? "[]");
    if (!Array.isArray(data)) return new Set();
    const ids = data.filter(
      (id): id is string => typeof id === "string" && id !== "" && id.length <= 200,
    );
    return new Set(ids.slice(-UNREAD_LIMIT));
  } catch {
    return new Set();
  }
}

/** Keep a server's unread sessions (none: the key is removed); a refused write is let go. */
export function saveUnread(
  storage: KeyValueStorage | undefined,
  serverKey: string,
  unread: ReadonlySet<string>,
): void {
  try {
    if (unread.size === 0) storage?.removeItem(UNREAD_PREFIX + serverKey);
    else
      storage?.setItem(UNREAD_PREFIX + serverKey, JSON.stringify([...unread].slice(-UNREAD_LIMIT)));
  } catch {
    // Not kept for the next visit; this one still shows them.
  }
}

export interface NotifyState {
  hidden: boolean;
  enabled: boolean;
  permission: NotificationPermission | "unsupported";
  /** `sessionID:kind` of the notifications sent and not yet seen. */
  sent: ReadonlySet<string>;
}

export function notifyKey(attention: Attention): string {
  return `${attention.sessionID}:${attention.kind}`;
}

/** A browser notification is due: hidden tab, turned on, allowed, and not sent already. */
export function shouldNotify(attention: Attention, state: NotifyState): boolean {
  return (
    state.hidden &&
    state.enabled &&
    state.permission === "granted" &&
    !state.sent.has(notifyKey(attention))
  );
}

/** The notification's words. */
export function notificationText(
  attention: Attention,
  title: string,
): { title: string; body: string } {
  switch (attention.kind) {
    case "done":
      return { title: `Finished: ${title}`, body: "The agent finished its reply." };
    case "failed":
      return {
        title: `Failed: ${title}`,
        body: attention.detail
          ? `The agent stopped: ${attention.detail}`
          : "The agent stopped with an error.",
      };
    case "permission":
      return {
        title: `Needs permission: ${title}`,
        body: `${who(attention)} waits for you to allow or reject a step.`,
      };
    case "question":
      return {
        title: `Has a question: ${title}`,
        body: `${who(attention)} waits for your answer.`,
      };
  }
}

function who(attention: Attention): string {
  return attention.shownIn?.length ? "A sub-agent" : "The agent";
}

/** The tab's title with the count of sessions waiting to be seen: "(2) opencode". */
export function titleWithCount(title: string, count: number): string {
  return count > 0 ? `(${count}) ${title}` : title;
}
