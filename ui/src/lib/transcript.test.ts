import { describe, expect, it } from "vitest";
import type { Message, MessageWithParts, Part, ServerEvent } from "../api/types";
import {
  applyEvent,
  buildTranscript,
  emptyTranscript,
  insertSorted,
  partsOf,
  type Transcript,
} from "./transcript";

const SESSION = "ses_1";

const user = (id: string): Message => ({
  id,
  sessionID: SESSION,
  role: "user",
  time: { created: 1 },
});
const assistant = (id: string, completed?: number): Message => ({
  id,
  sessionID: SESSION,
  role: "assistant",
  time: completed ? { created: 1, completed } : { created: 1 },
});
const text = (id: string, messageID: string, value: string, ended = false): Part => ({
  id,
  sessionID: SESSION,
  messageID,
  type: "text",
  text: value,
  time: ended ? { start: 1, end: 2 } : { start: 1 },
});
const event = (type: string, properties: Record<string, unknown>): ServerEvent => ({
  type,
  properties: { sessionID: SESSION, ...properties },
});

function streamed(transcript: Transcript, partID: string): string {
  const part = transcript.part[partID];
  return part && part.type === "text" ? part.text : "";
}

describe("insertSorted", () => {
  it("keeps IDs in order and ignores duplicates", () => {
    const list: string[] = [];
    for (const id of ["msg_3", "msg_1", "msg_2", "msg_2"]) insertSorted(list, id);
    expect(list).toEqual(["msg_1", "msg_2", "msg_3"]);
  });
});

describe("applyEvent", () => {
  it("builds a reply from updates and deltas, word by word", () => {
    const t = emptyTranscript();
    applyEvent(t, SESSION, event("message.updated", { info: assistant("msg_2") }));
    applyEvent(t, SESSION, event("message.updated", { info: user("msg_1") }));
    applyEvent(t, SESSION, event("message.part.updated", { part: text("prt_1", "msg_2", "") }));
    for (const word of ["The", " quick", " fox"]) {
      applyEvent(
        t,
        SESSION,
        event("message.part.delta", {
          messageID: "msg_2",
          partID: "prt_1",
          field: "text",
          delta: word,
        }),
      );
    }
    expect(t.order).toEqual(["msg_1", "msg_2"]);
    expect(streamed(t, "prt_1")).toBe("The quick fox");
    expect(partsOf(t, "msg_2").map((p) => p.id)).toEqual(["prt_1"]);
  });

  it("ignores other sessions and deltas for unknown parts", () => {
    const t = emptyTranscript();
    const other = { type: "message.updated", properties: { sessionID: "ses_2", info: user("m") } };
    expect(applyEvent(t, SESSION, other)).toBe(false);
    expect(
      applyEvent(
        t,
        SESSION,
        event("message.part.delta", { messageID: "m", partID: "p", field: "text", delta: "x" }),
      ),
    ).toBe(false);
    expect(t.order).toEqual([]);
  });

  it("removes parts and messages", () => {
    const t = emptyTranscript();
    applyEvent(t, SESSION, event("message.updated", { info: user("msg_1") }));
    applyEvent(t, SESSION, event("message.part.updated", { part: text("prt_1", "msg_1", "hi") }));
    applyEvent(t, SESSION, event("message.part.removed", { messageID: "msg_1", partID: "prt_1" }));
    expect(partsOf(t, "msg_1")).toEqual([]);
    applyEvent(t, SESSION, event("message.removed", { messageID: "msg_1" }));
    expect(t.order).toEqual([]);
    expect(t.messages).toEqual({});
  });
});

describe("buildTranscript", () => {
  const fetched = (value: string, ended: boolean): MessageWithParts[] => [
    { info: user("msg_1"), parts: [text("prt_0", "msg_1", "hello", true)] },
    { info: assistant("msg_2"), parts: [text("prt_1", "msg_2", value, ended)] },
  ];

  it("keeps longer streamed text when the fetch raced with the deltas", () => {
    const local = buildTranscript(fetched("The quick brown", false));
    const next = buildTranscript(fetched("The quick", false), local);
    expect(streamed(next, "prt_1")).toBe("The quick brown");
  });

  it("takes the server's text once the part has ended", () => {
    const local = buildTranscript(fetched("The quick brown fox", false));
    const next = buildTranscript(fetched("The quick brown", true), local);
    expect(streamed(next, "prt_1")).toBe("The quick brown");
  });

  it("takes the server's text when it is longer: the gap is filled in full", () => {
    const local = buildTranscript(fetched("The", false));
    const next = buildTranscript(fetched("The quick brown fox.", true), local);
    expect(streamed(next, "prt_1")).toBe("The quick brown fox.");
  });

  it("keeps messages that arrived by events after the list was taken", () => {
    const local = buildTranscript(fetched("Done", true));
    applyEvent(local, SESSION, event("message.updated", { info: user("msg_3") }));
    applyEvent(
      local,
      SESSION,
      event("message.part.updated", { part: text("prt_9", "msg_3", "x") }),
    );
    const next = buildTranscript(fetched("Done", true), local);
    expect(next.order).toEqual(["msg_1", "msg_2", "msg_3"]);
    expect(streamed(next, "prt_9")).toBe("x");
  });

  it("drops messages the server no longer has", () => {
    const local = buildTranscript(fetched("Done", true));
    const next = buildTranscript(fetched("Done", true).slice(1), local);
    expect(next.order).toEqual(["msg_2"]);
  });
});
