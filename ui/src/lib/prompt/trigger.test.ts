import { describe, expect, it } from "vitest";
import { replaceTrigger, triggerAt } from "./trigger";

describe("triggerAt", () => {
  it("finds a mention at the start, after a space, and empty", () => {
    expect(triggerAt("@hel", 4)).toEqual({ kind: "mention", query: "hel", start: 0, end: 4 });
    expect(triggerAt("look at @src/ma", 15)).toEqual({
      kind: "mention",
      query: "src/ma",
      start: 8,
      end: 15,
    });
    expect(triggerAt("see @", 5)).toEqual({ kind: "mention", query: "", start: 4, end: 5 });
  });

  it("ignores an @ inside a word (an e-mail address) and after the caret has moved on", () => {
    expect(triggerAt("mail me@example.com", 19)).toBeNull();
    expect(triggerAt("@hello.py and more", 18)).toBeNull();
  });

  it("finds a slash command only at the very start of the prompt", () => {
    expect(triggerAt("/", 1)).toEqual({ kind: "command", query: "", start: 0, end: 1 });
    expect(triggerAt("/und", 4)).toEqual({ kind: "command", query: "und", start: 0, end: 4 });
    expect(triggerAt("use /tmp", 8)).toBeNull();
    expect(triggerAt("/review now", 11)).toBeNull();
  });

  it("looks only at the text before the caret", () => {
    expect(triggerAt("@abc def", 2)).toEqual({ kind: "mention", query: "a", start: 0, end: 2 });
  });
});

describe("replaceTrigger", () => {
  it("puts the choice in place of the query, with one space after it", () => {
    const trigger = triggerAt("read @hel please", 9)!;
    expect(replaceTrigger("read @hel please", trigger, "@hello.py")).toEqual({
      text: "read @hello.py please",
      caret: 14,
    });
    const end = triggerAt("read @hel", 9)!;
    expect(replaceTrigger("read @hel", end, "@hello.py")).toEqual({
      text: "read @hello.py ",
      caret: 15,
    });
  });
});
