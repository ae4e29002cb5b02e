import { describe, expect, it } from "vitest";
import {
  HISTORY_LIMIT,
  PromptHistory,
  boxOf,
  entryOf,
  loadDraft,
  saveDraft,
  walksHistory,
} from "./history";

function memory(): Storage {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
    clear: () => data.clear(),
    key: () => null,
    length: 0,
  };
}

describe("PromptHistory", () => {
  it("walks back and forth and returns to the draft", () => {
    const history = new PromptHistory(memory());
    history.add("first");
    history.add("second");
    expect(history.older("my draft")).toBe("second");
    expect(history.older("second")).toBe("first");
    expect(history.older("first")).toBeNull();
    expect(history.newer()).toBe("second");
    expect(history.newer()).toBe("my draft");
    expect(history.newer()).toBeNull();
  });

  it("keeps prompts across instances, skips repeats and blanks, and caps the list", () => {
    const storage = memory();
    const one = new PromptHistory(storage);
    one.add("same");
    one.add("same");
    one.add("   ");
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) one.add(`p${i}`);
    const two = new PromptHistory(storage);
    expect(two.all().length).toBe(HISTORY_LIMIT);
    expect(two.older("")).toBe(`p${HISTORY_LIMIT + 4}`);
  });

  it("survives broken storage contents", () => {
    const storage = memory();
    storage.setItem("opencode-proxy.prompt-history.v1", "{not json");
    expect(new PromptHistory(storage).all()).toEqual([]);
  });
});

describe("drafts", () => {
  it("are kept per key and forgotten when empty", () => {
    const storage = memory();
    saveDraft(storage, "a", "half a thought");
    saveDraft(storage, "b", "other");
    expect(loadDraft(storage, "a")).toBe("half a thought");
    saveDraft(storage, "a", "");
    expect(loadDraft(storage, "a")).toBe("");
    expect(loadDraft(storage, "b")).toBe("other");
  });
});

describe("shell mode in stored entries", () => {
  it("keeps shell mode only with a command in the box", () => {
    expect(entryOf({ shell: true, text: "ls -l" })).toBe("!ls -l");
    expect(entryOf({ shell: true, text: "" })).toBe("");
    expect(entryOf({ shell: true, text: "  \n " })).toBe("");
    expect(entryOf({ shell: false, text: "hello" })).toBe("hello");
    expect(entryOf({ shell: false, text: "" })).toBe("");
  });

  it("reads `!command` as shell mode and `!` alone (an old draft) as an empty box", () => {
    expect(boxOf("!ls -l")).toEqual({ shell: true, text: "ls -l" });
    expect(boxOf("!")).toEqual({ shell: false, text: "" });
    expect(boxOf("!   ")).toEqual({ shell: false, text: "" });
    expect(boxOf("")).toEqual({ shell: false, text: "" });
    expect(boxOf("plain ! text")).toEqual({ shell: false, text: "plain ! text" });
  });

  it("round-trips through a draft: an emptied shell box comes back as an ordinary one", () => {
    const storage = memory();
    saveDraft(storage, "s", entryOf({ shell: true, text: "" }));
    expect(boxOf(loadDraft(storage, "s"))).toEqual({ shell: false, text: "" });
    saveDraft(storage, "s", entryOf({ shell: true, text: "git status" }));
    expect(boxOf(loadDraft(storage, "s"))).toEqual({ shell: true, text: "git status" });
  });
});

describe("walking", () => {
  it("says whether a recalled prompt is shown", () => {
    const history = new PromptHistory(memory());
    history.add("one");
    expect(history.walking()).toBe(false);
    history.older("");
    expect(history.walking()).toBe(true);
    history.newer();
    expect(history.walking()).toBe(false);
    history.older("");
    history.reset();
    expect(history.walking()).toBe(false);
  });

  it("walks on Up at the start and on Down at the end, lines apart while walking", () => {
    const text = "first line\nsecond line";
    expect(walksHistory("up", text, { start: 0, end: 0 }, false)).toBe(true);
    expect(walksHistory("up", text, { start: 3, end: 3 }, false)).toBe(false);
    expect(walksHistory("up", text, { start: 3, end: 3 }, true)).toBe(true);
    expect(walksHistory("up", text, { start: 14, end: 14 }, true)).toBe(false);
    expect(walksHistory("down", text, { start: text.length, end: text.length }, false)).toBe(true);
    expect(walksHistory("down", text, { start: 14, end: 14 }, true)).toBe(true);
    expect(walksHistory("down", text, { start: 3, end: 3 }, true)).toBe(false);
    expect(walksHistory("up", text, { start: 0, end: 4 }, true)).toBe(false);
    expect(walksHistory("up", "", { start: 0, end: 0 }, false)).toBe(true);
  });
});
