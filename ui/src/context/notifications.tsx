/**
 * Telling the user when the agent needs them: a session that finished, failed, or waits
 * for a permission or an answer while it was not on screen is marked unread in the list
 * (until it is opened), the tab's title counts the unread sessions ("(2) …"), and, when
 * the tab is hidden and the user turned them on in Settings, a browser notification says
 * what happened; clicking it brings the tab forward on that session. A sub-agent's
 * permission request or question counts for its top-level session, where the list shows
 * it and the chat lets the user answer it (not when that session, the sub-agent's, or one
 * between is on screen). At most one
 * notification per session and kind until the session is seen. The unread marks are kept
 * per server in localStorage: a reload (or the next visit) still shows them, and the
 * count leaves out sessions the server no longer has.
 *
 * The browser's permission is asked once, from the user's click (`enable()`), never on
 * load. The choice is kept in localStorage.
 */

import {
  createContext,
  createEffect,
  createMemo,
  createSignal,
  on,
  onCleanup,
  untrack,
  useContext,
  type Accessor,
  type JSX,
} from "solid-js";
import {
  AttentionTracker,
  clearSeen,
  loadUnread,
  markUnread,
  notificationText,
  notifyKey,
  saveUnread,
  shouldNotify,
  towardRoot,
  type Attention,
  type Viewing,
} from "../lib/attention";
import { matchPath } from "../lib/routes";
import { displayTitle } from "../lib/session-title";
import { useConnection, useServerEvents } from "./connection";
import { SESSION_ROUTE, sessionPath, useRouter } from "./router";
import { useSessions } from "./sessions";
import { localStore } from "../lib/storage";

export const NOTIFY_KEY = "opencode-proxy.notifications.v1";

export type NotifyPermission = NotificationPermission | "unsupported";

interface NotificationsValue {
  /** The session finished, failed or asked something while it was not on screen. */
  unread(sessionID: string): boolean;
  /** How many sessions are unread. */
  count: Accessor<number>;
  /** The user turned browser notifications on (and the browser allows them). */
  enabled: Accessor<boolean>;
  permission: Accessor<NotifyPermission>;
  /** Turn notifications on; asks the browser's permission first (call from a click). */
  enable(): Promise<void>;
  disable(): void;
}

const NotificationsContext = createContext<NotificationsValue>();

function readEnabled(): boolean {
  try {
    return window.localStorage.getItem(NOTIFY_KEY) === "on";
  } catch {
    return false;
  }
}

function writeEnabled(on: boolean): void {
  try {
    window.localStorage.setItem(NOTIFY_KEY, on ? "on" : "off");
  } catch {
    // Not kept for the next visit; this visit still follows the choice.
  }
}

function currentPermission(): NotifyPermission {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

export function NotificationsProvider(props: { children: JSX.Element }): JSX.Element {
  const sessions = useSessions();
  const router = useRouter();
  const { connection, server } = useConnection();
  const [unread, setUnreadSignal] = createSignal<ReadonlySet<string>>(new Set());
  /** The server whose marks are shown (and kept, on every change). */
  let keptFor: string | undefined;
  const setUnread = (change: (current: ReadonlySet<string>) => ReadonlySet<string>) => {
    const before = untrack(unread);
    const next = change(before);
    if (next === before) return;
    setUnreadSignal(next);
    if (keptFor !== undefined) saveUnread(localStore(), keptFor, next);
  };
  const [wanted, setWanted] = createSignal(readEnabled());
  const [permission, setPermission] = createSignal<NotifyPermission>(currentPermission());
  const [visible, setVisible] = createSignal(document.visibilityState !== "hidden");
  const tracker = new AttentionTracker();
  /** Notifications on screen, by `sessionID:kind`, closed once the session is seen. */
  const shown = new Map<string, Notification>();

  const onVisibility = () => {
    setVisible(document.visibilityState !== "hidden");
    setPermission(currentPermission());
  };
  document.addEventListener("visibilitychange", onVisibility);
  onCleanup(() => {
    document.removeEventListener("visibilitychange", onVisibility);
    for (const notification of shown.values()) notification.close();
  });

  const viewedSession = createMemo(() => matchPath(SESSION_ROUTE, router.path())?.session);
  const viewing = (): Viewing => ({ sessionID: viewedSession(), visible: visible() });

  // Another server: its sessions are other sessions.
  createEffect(
    on(connection, () => {
      tracker.forget();
      keptFor = untrack(server)?.key;
      setUnreadSignal(
        keptFor === undefined ? new Set<string>() : loadUnread(localStore(), keptFor),
      );
      for (const notification of shown.values()) notification.close();
      shown.clear();
    }),
  );
  // Sessions already working when they were fetched will be news when they finish.
  createEffect(() => {
    for (const id of sessions.busyIDs()) tracker.markBusy(id);
  });
  // The session on screen in a visible tab is seen.
  createEffect(() => {
    const now = viewing();
    setUnread((current) => clearSeen(current, now));
    if (now.visible && now.sessionID) {
      for (const [key, notification] of shown) {
        if (key.startsWith(`${now.sessionID}:`)) {
          notification.close();
          shown.delete(key);
        }
      }
    }
  });

  const isChild = (id: string) => !!sessions.get(id)?.parentID;

  const notify = (attention: Attention) => {
    const enabled = wanted() && permission() === "granted";
    if (
      !shouldNotify(attention, {
        hidden: !visible(),
        enabled,
        permission: permission(),
        sent: new Set(shown.keys()),
      })
    ) {
      return;
    }
    const session = sessions.get(attention.sessionID);
    const text = notificationText(attention, session ? displayTitle(session) : "a session");
    const serverKey = server()?.key;
    try {
      const notification = new Notification(text.title, {
        body: text.body,
        tag: `opencode-${attention.sessionID}`,
      });
      const key = notifyKey(attention);
      shown.set(key, notification);
      notification.onclick = () => {
        window.focus();
        if (serverKey) router.navigate(sessionPath(serverKey, attention.sessionID));
        notification.close();
      };
      notification.onclose = () => {
        if (shown.get(key) === notification) shown.delete(key);
      };
    } catch {
      // Some browsers only allow notifications from a service worker: the title counts.
    }
  };

  useServerEvents((event) => {
    const found = tracker.observe(event, isChild);
    if (!found) return;
    // A sub-agent's request shows (and is answered) in the sessions above it.
    const attention = towardRoot(
      found,
      untrack(() => sessions.ancestors(found.sessionID)),
    );
    untrack(() => {
      setUnread((current) => markUnread(current, attention, viewing()));
      notify(attention);
    });
  });

  const value: NotificationsValue = {
    unread: (id) => unread().has(id),
    count: () => {
      // Marks of sessions deleted meanwhile (elsewhere, or before a reload) count nothing.
      let count = 0;
      for (const id of unread()) if (sessions.get(id)) count++;
      return count;
    },
    enabled: () => wanted() && permission() === "granted",
    permission,
    async enable() {
      if (typeof Notification === "undefined") {
        setPermission("unsupported");
        return;
      }
      let answer = Notification.permission;
      if (answer === "default") answer = await Notification.requestPermission();
      setPermission(answer);
      setWanted(answer === "granted");
      writeEnabled(answer === "granted");
    },
    disable() {
      setWanted(false);
      writeEnabled(false);
    },
  };
  return (
    <NotificationsContext.Provider value={value}>{props.children}</NotificationsContext.Provider>
  );
}

export function useNotifications(): NotificationsValue {
  const value = useContext(NotificationsContext);
  if (!value) throw new Error("useNotifications needs a NotificationsProvider");
  return value;
}
