import { describe, expect, it } from "vitest";
import {
  AttentionTracker,
  clearSeen,
  loadUnread,
  markUnread,
  notificationText,
  saveUnread,
  shouldNotify,
  titleWithCount,
  towardRoot,
  UNREAD_LIMIT,
  UNREAD_PREFIX,
  type Attention,
} from "./attention";

const status = (sessionID: string, type: string) => ({
  type: "session.status",
  properties: { sessionID, status: { type } },
});
const idle = (sessionID: string) => ({ type: "session.idle", properties: { sessionID } });
const error = (sessionID: string, name: string, message?: string) => ({
  type: "session.error",
  properties: { sessionID, error: { name, data: message ? { message } : {} } },
});
const noChildren = () => false;

describe("AttentionTracker", () => {
  it("says done once when a busy session goes idle", () => {
    const tracker = new AttentionTracker();
    expect(tracker.observe(status("s1", "busy"), noChildren)).toBeNull();
    expect(tracker.observe(status("s1", "busy"), noChildren)).toBeNull();
    expect(tracker.observe(status("s1", "idle"), noChildren)).toEqual({
      sessionID: "s1",
      kind: "done",
    });
    // The session.idle that follows the status is not a second piece of news.
    expect(tracker.observe(idle("s1"), noChildren)).toBeNull();
  });

  it("says nothing for an idle session going idle", () => {
    const tracker = new AttentionTracker();
    expect(tracker.observe(idle("s1"), noChildren)).toBeNull();
  });

  it("counts a session known busy from the first fetch", () => {
    const tracker = new AttentionTracker();
    tracker.markBusy("s1");
    expect(tracker.observe(idle("s1"), noChildren)?.kind).toBe("done");
  });

  it("reports a failure instead of done, and nothing for a Stop", () => {
    const tracker = new AttentionTracker();
    tracker.observe(status("s1", "busy"), noChildren);
    expect(tracker.observe(error("s1", "APIError", "rate limited"), noChildren)).toEqual({
      sessionID: "s1",
      kind: "failed",
      detail: "rate limited",
    });
    expect(tracker.observe(status("s1", "idle"), noChildren)).toBeNull();

    tracker.observe(status("s2", "busy"), noChildren);
    expect(tracker.observe(error("s2", "MessageAbortedError"), noChildren)).toBeNull();
    expect(tracker.observe(idle("s2"), noChildren)).toBeNull();
    // The next reply of the stopped session counts again.
    tracker.observe(status("s2", "busy"), noChildren);
    expect(tracker.observe(idle("s2"), noChildren)?.kind).toBe("done");
  });

  it("ignores sub-agents finishing but not their requests", () => {
    const tracker = new AttentionTracker();
    const isChild = (id: string) => id === "child";
    tracker.observe(status("child", "busy"), isChild);
    expect(tracker.observe(idle("child"), isChild)).toBeNull();
    expect(
      tracker.observe({ type: "permission.asked", properties: { sessionID: "child" } }, isChild),
    ).toEqual({ sessionID: "child", kind: "permission" });
    expect(
      tracker.observe({ type: "question.asked", properties: { sessionID: "s1" } }, isChild),
    ).toEqual({ sessionID: "s1", kind: "question" });
  });
});

describe("towardRoot", () => {
  it("makes a sub-agent's request the news of its top-level session", () => {
    const asked: Attention = { sessionID: "grandchild", kind: "permission" };
    expect(towardRoot(asked, ["child", "root"])).toEqual({
      sessionID: "root",
      kind: "permission",
      shownIn: ["grandchild", "child"],
    });
    expect(towardRoot({ sessionID: "child", kind: "question" }, ["root"])).toEqual({
      sessionID: "root",
      kind: "question",
      shownIn: ["child"],
    });
  });

  it("leaves top-level sessions and other news alone", () => {
    const own: Attention = { sessionID: "root", kind: "permission" };
    expect(towardRoot(own, [])).toBe(own);
    const failed: Attention = { sessionID: "child", kind: "failed" };
    expect(towardRoot(failed, ["root"])).toBe(failed);
  });

  it("is not unread while any session showing it is on screen", () => {
    const asked = towardRoot({ sessionID: "grandchild", kind: "question" }, ["child", "root"]);
    const none = new Set<string>();
    for (const on of ["root", "child", "grandchild"]) {
      expect(markUnread(none, asked, { sessionID: on, visible: true })).toBe(none);
    }
    expect([...markUnread(none, asked, { sessionID: "other", visible: true })]).toEqual(["root"]);
    expect([...markUnread(none, asked, { sessionID: "child", visible: false })]).toEqual(["root"]);
  });

  it("says a sub-agent waits in the notification", () => {
    const asked = towardRoot({ sessionID: "child", kind: "permission" }, ["root"]);
    expect(notificationText(asked, "Fox")).toEqual({
      title: "Needs permission: Fox",
      body: "A sub-agent waits for you to allow or reject a step.",
    });
    expect(notificationText({ sessionID: "root", kind: "question" }, "Fox").body).toBe(
      "The agent waits for your answer.",
    );
  });
});

describe("unread", () => {
  const done: Attention = { sessionID: "s1", kind: "done" };

  it("marks a session that finished while not on screen", () => {
    const none = new Set<string>();
    expect(markUnread(none, done, { sessionID: "s2", visible: true }).has("s1")).toBe(true);
    expect(markUnread(none, done, { sessionID: "s1", visible: false }).has("s1")).toBe(true);
    expect(markUnread(none, done, { sessionID: "s1", visible: true }).has("s1")).toBe(false);
  });

  it("clears it when the session is seen, in a visible tab", () => {
    const unread = new Set(["s1", "s2"]);
    expect(clearSeen(unread, { sessionID: "s1", visible: false })).toBe(unread);
    expect([...clearSeen(unread, { sessionID: "s1", visible: true })]).toEqual(["s2"]);
    expect(clearSeen(unread, { sessionID: undefined, visible: true })).toBe(unread);
  });
});

describe("kept unread marks", () => {
  const memory = () => {
    const items = new Map<string, string>();
    return {
      items,
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    };
  };

  it("are kept per server, and none removes the key", () => {
    const storage = memory();
    saveUnread(storage, "a", new Set(["s1", "s2"]));
    saveUnread(storage, "b", new Set(["s3"]));
    expect([...loadUnread(storage, "a")]).toEqual(["s1", "s2"]);
    expect([...loadUnread(storage, "b")]).toEqual(["s3"]);
    saveUnread(storage, "a", new Set());
    expect(storage.items.has(UNREAD_PREFIX + "a")).toBe(false);
    expect(loadUnread(storage, "a").size).toBe(0);
  });

  it("keep the newest when there are too many, and drop what is malformed", () => {
    const storage = memory();
    const many = new Set(Array.from({ length: UNREAD_LIMIT + 5 }, (_, n) => `s${n}`));
    saveUnread(storage, "a", many);
    const kept = [...loadUnread(storage, "a")];
    expect(kept).toHaveLength(UNREAD_LIMIT);
    expect(kept[0]).toBe("s5");
    storage.setItem(UNREAD_PREFIX + "b", JSON.stringify(["s1", 7, "", null, "x".repeat(201)]));
    expect([...loadUnread(storage, "b")]).toEqual(["s1"]);
    storage.setItem(UNREAD_PREFIX + "c", "{not json");
    expect(loadUnread(storage, "c").size).toBe(0);
    expect(loadUnread(undefined, "a").size).toBe(0);
  });

  it("are let go when the browser refuses to store them", () => {
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException("full", "QuotaExceededError");
      },
      removeItem: () => {},
    };
    expect(() => saveUnread(full, "a", new Set(["s1"]))).not.toThrow();
  });
});

describe("shouldNotify", () => {
  const done: Attention = { sessionID: "s1", kind: "done" };
  const base = {
    hidden: true,
    enabled: true,
    permission: "granted" as const,
    sent: new Set<string>(),
  };

  it("notifies a hidden tab once, only when turned on and allowed", () => {
    expect(shouldNotify(done, base)).toBe(true);
    expect(shouldNotify(done, { ...base, hidden: false })).toBe(false);
    expect(shouldNotify(done, { ...base, enabled: false })).toBe(false);
    expect(shouldNotify(done, { ...base, permission: "denied" })).toBe(false);
    expect(shouldNotify(done, { ...base, sent: new Set(["s1:done"]) })).toBe(false);
    expect(
      shouldNotify({ ...done, kind: "permission" }, { ...base, sent: new Set(["s1:done"]) }),
    ).toBe(true);
  });
});

describe("words", () => {
  it("names what happened and the session", () => {
    expect(notificationText({ sessionID: "s", kind: "done" }, "Fox").title).toBe("Finished: Fox");
    expect(
      notificationText({ sessionID: "s", kind: "failed", detail: "boom" }, "Fox").body,
    ).toContain("boom");
    expect(titleWithCount("opencode", 2)).toBe("(2) opencode");
    expect(titleWithCount("opencode", 0)).toBe("opencode");
  });
});
