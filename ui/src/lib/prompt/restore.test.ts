import { describe, expect, it } from "vitest";
import type { Part } from "../../api/types";
import { promptParts } from "./parts";
import { dataUrlBytes, isEmptyPrompt, promptOf } from "./restore";

const base = { sessionID: "ses_1", messageID: "msg_1" };
const PNG = "data:image/png;base64,iVBORw0KGgo=";
const CSV = "data:text/csv;base64,YSxiCjEsMgo=";
const range = { start: { line: 3, character: 0 }, end: { line: 9, character: 1 } };

/** A user message as the server stores it after `hi @hello.py, @src/ @greet and @explore`. */
function stored(): Part[] {
  const raw: unknown[] = [
    { ...base, id: "prt_1", type: "text", text: "hi @hello.py, @src/ @greet and @explore " },
    { ...base, id: "prt_2", type: "text", text: "Called the Read tool", synthetic: true },
    {
      ...base,
      id: "prt_3",
      type: "file",
      mime: "text/plain",
      filename: "hello.py",
      url: "file:///p/hello.py",
      source: { type: "file", path: "hello.py", text: { value: "@hello.py", start: 3, end: 12 } },
    },
    {
      ...base,
      id: "prt_4",
      type: "file",
      mime: "application/x-directory",
      filename: "src",
      url: "file:///p/src",
      source: { type: "file", path: "src", text: { value: "@src/", start: 14, end: 19 } },
    },
    {
      ...base,
      id: "prt_5",
      type: "file",
      mime: "text/plain",
      filename: "lib.py",
      url: "file:///p/lib.py?start=4&end=10",
      source: {
        type: "symbol",
        path: "lib.py",
        name: "greet",
        kind: 12,
        range,
        text: { value: "@greet", start: 20, end: 26 },
      },
    },
    { ...base, id: "prt_6", type: "agent", name: "explore", source: { value: "@explore" } },
    { ...base, id: "prt_7", type: "text", text: " Use the task tool", synthetic: true },
    { ...base, id: "prt_8", type: "file", mime: "image/png", filename: "dot.png", url: PNG },
    { ...base, id: "prt_9", type: "file", mime: "text/csv", filename: "t.csv", url: CSV },
  ];
  return raw as Part[];
}

describe("promptOf", () => {
  it("gives back the typed text, the mentions and the attachments", () => {
    const prompt = promptOf(stored());
    expect(prompt.text).toBe("hi @hello.py, @src/ @greet and @explore");
    expect(prompt.mentions).toEqual([
      { kind: "file", value: "hello.py" },
      { kind: "directory", value: "src/" },
      { kind: "symbol", value: "greet", symbol: { path: "lib.py", range, kind: 12 } },
      { kind: "agent", value: "explore" },
    ]);
    expect(prompt.attachments).toEqual([
      {
        id: "sent-prt_8",
        filename: "dot.png",
        mime: "image/png",
        kind: "image",
        size: 8,
        url: PNG,
      },
      { id: "sent-prt_9", filename: "t.csv", mime: "text/csv", kind: "text", size: 8, url: CSV },
    ]);
  });

  it("sends the same parts again", () => {
    const prompt = promptOf(stored());
    const parts = promptParts(prompt.text, prompt.mentions, prompt.attachments, "/p");
    expect(parts.map((part) => (part.type === "file" ? part.url : part.type))).toEqual([
      "text",
      "file:///p/hello.py",
      "file:///p/src",
      "file:///p/lib.py?start=4&end=10",
      "agent",
      PNG,
      CSV,
    ]);
  });

  it("keeps a file URL the server reads, and names a file that had no name", () => {
    const parts = [
      { ...base, id: "a", type: "file", mime: "application/pdf", url: "file:///p/doc/a%20b.pdf" },
      { ...base, id: "b", type: "file", mime: "image/svg+xml", url: "data:image/svg+xml,<svg/>" },
    ] as unknown as Part[];
    expect(promptOf(parts).attachments).toEqual([
      {
        id: "sent-a",
        filename: "a%20b.pdf",
        mime: "application/pdf",
        kind: "pdf",
        size: 0,
        url: "file:///p/doc/a%20b.pdf",
      },
      {
        id: "sent-b",
        filename: "attachment.svg+xml",
        mime: "image/svg+xml",
        kind: "image",
        size: 6,
        url: "data:image/svg+xml,<svg/>",
      },
    ]);
  });

  it("leaves out parts of a broken shape instead of throwing", () => {
    const parts = [
      null,
      "text",
      { type: "text", text: 5 },
      { type: "text", text: "still here" },
      { type: "file", mime: "image/png" },
      { type: "file", url: PNG },
      { type: "file", mime: "text/plain", url: "file:///x", source: { type: "file" } },
      { type: "file", mime: "text/plain", url: "file:///x", source: { type: "symbol", path: "x" } },
      { type: "agent" },
    ] as unknown as Part[];
    const prompt = promptOf(parts);
    expect(prompt).toEqual({ text: "still here", mentions: [], attachments: [] });
  });

  it("is empty for a message with nothing the user typed or attached", () => {
    const parts = [{ ...base, id: "x", type: "text", text: "ran ls", synthetic: true }] as Part[];
    expect(isEmptyPrompt(promptOf(parts))).toBe(true);
    expect(isEmptyPrompt(promptOf(stored()))).toBe(false);
  });
});

describe("dataUrlBytes", () => {
  it("counts the content of base64 and plain data URLs", () => {
    expect(dataUrlBytes("data:text/plain;base64,aGk=")).toBe(2);
    expect(dataUrlBytes("data:text/plain;base64,aGV5")).toBe(3);
    expect(dataUrlBytes("data:text/plain,h%C3%A9")).toBe(3);
    expect(dataUrlBytes("data:text/plain,bad%E0")).toBe(6);
    expect(dataUrlBytes("file:///x")).toBe(0);
    expect(dataUrlBytes("data:nocomma")).toBe(0);
  });
});
