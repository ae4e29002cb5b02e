import { describe, expect, it } from "vitest";
import { ancestors, MAX_HOPS, requestsByTree, rootOf } from "./session-tree";

const tree: Record<string, string | undefined> = {
  root: undefined,
  child: "root",
  grandchild: "child",
  other: undefined,
  orphan: "gone",
};
const parentOf = (id: string) => tree[id];

describe("ancestors", () => {
  it("lists the parents nearest first", () => {
    expect(ancestors("grandchild", parentOf)).toEqual(["child", "root"]);
    expect(ancestors("child", parentOf)).toEqual(["root"]);
    expect(ancestors("root", parentOf)).toEqual([]);
    expect(ancestors("unknown", parentOf)).toEqual([]);
  });

  it("keeps a parent the list does not know", () => {
    expect(ancestors("orphan", parentOf)).toEqual(["gone"]);
  });

  it("stops at a loop and at the depth limit", () => {
    const loop: Record<string, string> = { a: "b", b: "c", c: "a" };
    expect(ancestors("a", (id) => loop[id])).toEqual(["b", "c"]);
    expect(ancestors("self", (id) => (id === "self" ? "self" : undefined))).toEqual([]);
    const deep = (id: string) => `n${Number(id.slice(1)) + 1}`;
    expect(ancestors("n0", deep)).toHaveLength(MAX_HOPS);
  });
});

describe("rootOf", () => {
  it("is the top of the tree, or the session itself", () => {
    expect(rootOf("grandchild", parentOf)).toBe("root");
    expect(rootOf("root", parentOf)).toBe("root");
    expect(rootOf("unknown", parentOf)).toBe("unknown");
  });
});

describe("requestsByTree", () => {
  it("shows each request in its session and every session above it, in order", () => {
    const own = { id: "p1", sessionID: "root" };
    const deep = { id: "p2", sessionID: "grandchild" };
    const apart = { id: "p3", sessionID: "other" };
    const mid = { id: "p4", sessionID: "child" };
    const groups = requestsByTree([own, deep, apart, mid], parentOf);
    expect(groups.get("root")).toEqual([own, deep, mid]);
    expect(groups.get("child")).toEqual([deep, mid]);
    expect(groups.get("grandchild")).toEqual([deep]);
    expect(groups.get("other")).toEqual([apart]);
  });

  it("leaves out requests without a session", () => {
    const bad = [{ id: "x", sessionID: "" }, { id: "y" } as unknown as { sessionID: string }];
    expect(requestsByTree(bad, parentOf).size).toBe(0);
  });
});
