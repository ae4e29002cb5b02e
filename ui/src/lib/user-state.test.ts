import { describe, expect, it } from "vitest";
import {
  applyChange,
  EMPTY_STATE,
  missingPreferences,
  planRestore,
  preferenceChange,
  settleChange,
  shownPreferences,
  supersedes,
  type PendingChange,
  type UserState,
} from "./user-state";

const LIST = {
  servers: [{ url: "http://a:1", name: "A" }, { url: "http://b:2" }],
  defaultUrl: "http://b:2",
};
const EMPTY_LIST = { servers: [], defaultUrl: null };

function state(extra: Partial<UserState> = {}): UserState {
  return { ...EMPTY_STATE, ...extra };
}

describe("planRestore", () => {
  it("hands over a list kept the old way, once", () => {
    expect(planRestore(LIST, null, state({ user: "alice", revision: 7 }))).toEqual({
      reason: "first",
      list: LIST,
    });
    // Once synced, the proxy's state is adopted, even when it differs.
    expect(
      planRestore(LIST, { user: "alice", revision: 7 }, state({ user: "alice", revision: 7 })),
    ).toBeNull();
    expect(
      planRestore(LIST, { user: "alice", revision: 7 }, state({ user: "alice", revision: 9 })),
    ).toBeNull();
  });

  it("has nothing to hand over when the browser kept nothing", () => {
    expect(planRestore(EMPTY_LIST, null, state())).toBeNull();
  });

  it("hands the copy back to a proxy that lost its state", () => {
    expect(
      planRestore(LIST, { user: null, revision: 12 }, state({ user: null, revision: 0 })),
    ).toEqual({ reason: "reset", list: LIST });
  });

  it("never hands one user's copy to another", () => {
    expect(
      planRestore(LIST, { user: "alice", revision: 12 }, state({ user: "bob", revision: 0 })),
    ).toBeNull();
    expect(planRestore(LIST, { user: "alice", revision: 3 }, state({ user: null }))).toBeNull();
  });
});

describe("missingPreferences", () => {
  it("keeps only servers the state knows that have none on the proxy", () => {
    const answer = state({
      servers: [{ url: "http://a:1" }, { url: "http://b:2" }],
      preferences: { "http://b:2": { agent: "plan" } },
    });
    expect(
      missingPreferences(
        {
          "http://a:1/": { model: "p/m" },
          "http://b:2": { model: "p/other" },
          "http://gone:3": { model: "p/m" },
          "http://operator:4": { agent: "build" },
          "http://empty:5": {},
        },
        answer,
        ["http://operator:4"],
      ),
    ).toEqual([
      ["http://a:1", { model: "p/m" }],
      ["http://operator:4", { agent: "build" }],
    ]);
  });
});

describe("supersedes", () => {
  const shown = state({ user: "alice", revision: 5 });
  it("takes newer and equal revisions", () => {
    expect(supersedes(shown, state({ user: "alice", revision: 6 }), shown)).toBe(true);
    expect(supersedes(shown, state({ user: "alice", revision: 5 }), shown)).toBe(true);
  });
  it("ignores an answer another one overtook", () => {
    // Sent at revision 3; revision 5 arrived meanwhile.
    const sentAt = state({ user: "alice", revision: 3 });
    expect(supersedes(shown, state({ user: "alice", revision: 4 }), sentAt)).toBe(false);
    expect(supersedes(shown, state({ user: "alice", revision: 3 }), sentAt)).toBe(false);
  });
  it("takes a revision older than when it was sent: the proxy started afresh", () => {
    expect(supersedes(shown, state({ user: "alice", revision: 0 }), shown)).toBe(true);
    expect(
      supersedes(
        shown,
        state({ user: "alice", revision: 2 }),
        state({ user: "alice", revision: 3 }),
      ),
    ).toBe(true);
  });
  it("takes another user's state whatever its revision", () => {
    expect(supersedes(shown, state({ user: "bob", revision: 1 }), shown)).toBe(true);
  });
});

describe("preference changes", () => {
  it("describes the difference with null for removed keys", () => {
    expect(
      preferenceChange({ model: "p/a", agent: "plan" }, { model: "p/b", variant: "high" }),
    ).toEqual({ model: "p/b", agent: null, variant: "high" });
    expect(preferenceChange({ model: "p/a" }, { model: "p/a" })).toEqual({});
  });

  it("applies a change: strings set, null deletes, absent keeps", () => {
    expect(applyChange({ model: "p/a", agent: "plan" }, { agent: null, variant: "low" })).toEqual({
      model: "p/a",
      variant: "low",
    });
  });

  const proxy = state({ preferences: { "http://a:1": { model: "p/saved" } } });
  const pending: PendingChange[] = [
    { id: 1, key: "http://a:1", change: { model: "p/one" }, failed: false },
    { id: 2, key: "http://b:2", change: { agent: "plan" }, failed: false },
    { id: 3, key: "http://a:1", change: { model: "p/two", variant: "high" }, failed: false },
  ];

  it("shows changes in flight on top of the proxy's preferences, in order", () => {
    expect(shownPreferences(proxy, "http://a:1", pending)).toEqual({
      model: "p/two",
      variant: "high",
    });
    expect(shownPreferences(proxy, "http://a:1", [])).toEqual({ model: "p/saved" });
    expect(shownPreferences(proxy, "http://c:3", pending)).toEqual({});
  });

  it("keeps a failed change for the page until a later save of the same field", () => {
    let next = settleChange(pending, 1, false);
    expect(next.find((item) => item.id === 1)?.failed).toBe(true);
    expect(shownPreferences(proxy, "http://a:1", next).model).toBe("p/two");
    next = settleChange(next, 3, false);
    // Both failed: the page still shows the last choice.
    expect(shownPreferences(proxy, "http://a:1", next)).toEqual({
      model: "p/two",
      variant: "high",
    });
    next = [...next, { id: 4, key: "http://a:1", change: { model: "p/four" }, failed: false }];
    next = settleChange(next, 4, true);
    // The save of `model` outdates the failed models; the failed variant still holds.
    const saved = state({ preferences: { "http://a:1": { model: "p/four" } } });
    expect(shownPreferences(saved, "http://a:1", next)).toEqual({
      model: "p/four",
      variant: "high",
    });
    expect(next.map((item) => item.id)).toEqual([2, 3]);
  });

  it("drops a saved change, which the proxy's state now holds", () => {
    expect(settleChange(pending, 2, true).map((item) => item.id)).toEqual([1, 3]);
    expect(settleChange(pending, 99, true)).toEqual(pending);
  });
});
