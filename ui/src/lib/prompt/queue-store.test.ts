import { describe, expect, it } from "vitest";
import type { KeyValueStorage } from "../storage";
import { QUEUE_PREFIX, loadQueue, saveQueue, type QueuedPrompt } from "./queue-store";

function memory(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const first: QueuedPrompt = {
  id: "q1",
  input: {
    text: "then run @hello.py",
    mentions: [{ kind: "file", value: "hello.py" }],
    attachments: [
      {
        id: "a1",
        filename: "dot.png",
        mime: "image/png",
        kind: "image",
        size: 3,
        url: "data:image/png;base64,AAAA",
      },
    ],
  },
};
const second: QueuedPrompt = {
  id: "q2",
  input: { text: "ls", mentions: [], attachments: [], shell: true },
};

describe("queue store", () => {
  it("keeps a queue per key, in order, and forgets an empty one", () => {
    const storage = memory();
    expect(saveQueue(storage, "srv\nses_1", [first, second])).toBe(true);
    expect(loadQueue(storage, "srv\nses_1")).toEqual([first, second]);
    expect(loadQueue(storage, "srv\nses_2")).toEqual([]);
    saveQueue(storage, "srv\nses_1", []);
    expect(storage.data.has(QUEUE_PREFIX + "srv\nses_1")).toBe(false);
  });

  it("drops malformed entries and survives garbage", () => {
    const storage = memory();
    storage.setItem(
      QUEUE_PREFIX + "k",
      JSON.stringify([
        first,
        { id: 3 },
        { id: "x", input: { text: "t", mentions: [{ kind: "evil", value: 1 }], attachments: [] } },
        {
          id: "y",
          input: {
            text: "t",
            mentions: [],
            attachments: [{ ...first.input.attachments[0], url: "javascript:1" }],
          },
        },
      ]),
    );
    expect(loadQueue(storage, "k")).toEqual([first]);
    storage.setItem(QUEUE_PREFIX + "k", "{not json");
    expect(loadQueue(storage, "k")).toEqual([]);
    storage.setItem(QUEUE_PREFIX + "k", JSON.stringify({ a: 1 }));
    expect(loadQueue(storage, "k")).toEqual([]);
  });

  it("says so when the browser refuses the write", () => {
    const full: KeyValueStorage = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException("full", "QuotaExceededError");
      },
      removeItem: () => undefined,
    };
    expect(saveQueue(full, "k", [first])).toBe(false);
    expect(saveQueue(undefined, "k", [first])).toBe(false);
  });
});
