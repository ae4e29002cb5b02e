import { describe, expect, it } from "vitest";
import type { Message } from "../api/types";
import {
  isReverted,
  redoStep,
  revertedPrompts,
  shownMessages,
  shownParts,
  splitPatch,
  undoTarget,
} from "./revert";

const message = (id: string, role: "user" | "assistant"): Message =>
  role === "user"
    ? { id, sessionID: "ses_1", role, time: { created: 1 } }
    : { id, sessionID: "ses_1", role, time: { created: 1 }, parentID: "msg_01" };

/** Three prompts, each answered. */
const transcript = {
  order: ["msg_01", "msg_02", "msg_03", "msg_04", "msg_05", "msg_06", "msg_07"],
  messages: Object.fromEntries(
    (
      [
        ["msg_01", "user"],
        ["msg_02", "assistant"],
        ["msg_03", "assistant"],
        ["msg_04", "user"],
        ["msg_05", "assistant"],
        ["msg_06", "user"],
        ["msg_07", "assistant"],
      ] as const
    ).map(([id, role]) => [id, message(id, role)]),
  ),
};

describe("what a revert point hides", () => {
  it("hides its message and everything after it", () => {
    const revert = { messageID: "msg_04" };
    expect(shownMessages(transcript.order, revert)).toEqual(["msg_01", "msg_02", "msg_03"]);
    expect(revertedPrompts(transcript, revert)).toEqual(["msg_04", "msg_06"]);
    expect(isReverted("msg_03", revert)).toBe(false);
    expect(isReverted("msg_07", revert)).toBe(true);
  });

  it("hides nothing without a point", () => {
    expect(shownMessages(transcript.order, undefined)).toBe(transcript.order);
    expect(revertedPrompts(transcript, undefined)).toEqual([]);
    expect(shownParts("msg_02", ["prt_1"], undefined)).toEqual(["prt_1"]);
  });

  it("keeps a part-level point's message, cut before that part", () => {
    const revert = { messageID: "msg_03", partID: "prt_05" };
    expect(shownMessages(transcript.order, revert)).toEqual(["msg_01", "msg_02", "msg_03"]);
    expect(shownParts("msg_03", ["prt_03", "prt_05", "prt_07"], revert)).toEqual(["prt_03"]);
    expect(shownParts("msg_02", ["prt_01", "prt_09"], revert)).toEqual(["prt_01", "prt_09"]);
  });
});

describe("undo", () => {
  it("reverts the newest prompt, then the one before it", () => {
    expect(undoTarget(transcript, undefined)).toBe("msg_06");
    expect(undoTarget(transcript, { messageID: "msg_06" })).toBe("msg_04");
    expect(undoTarget(transcript, { messageID: "msg_04" })).toBe("msg_01");
  });

  it("has nothing left to undo at the first prompt or in an empty session", () => {
    expect(undoTarget(transcript, { messageID: "msg_01" })).toBeUndefined();
    expect(undoTarget({ order: [], messages: {} }, undefined)).toBeUndefined();
  });
});

describe("redo", () => {
  it("moves the point forward one prompt", () => {
    expect(redoStep(transcript, { messageID: "msg_01" })).toEqual({
      kind: "revert",
      messageID: "msg_04",
    });
    expect(redoStep(transcript, { messageID: "msg_04" })).toEqual({
      kind: "revert",
      messageID: "msg_06",
    });
  });

  it("restores everything from the last prompt, and does nothing when nothing is reverted", () => {
    expect(redoStep(transcript, { messageID: "msg_06" })).toEqual({ kind: "unrevert" });
    expect(redoStep(transcript, { messageID: "msg_05", partID: "prt_1" })).toEqual({
      kind: "revert",
      messageID: "msg_06",
    });
    expect(redoStep(transcript, undefined)).toBeUndefined();
  });
});

describe("splitPatch", () => {
  it("cuts a revert's git diff into files, counted", () => {
    const diff = [
      "diff --git a/hello.py b/hello.py",
      "index 685559b..4b7971a 100644",
      "--- a/hello.py",
      "+++ b/hello.py",
      "@@ -6,7 +6,7 @@ def greeting() -> str:",
      " ",
      '-    print("Hello, revert!")',
      '+    print("Hello, world!")',
      "diff --git a/notes/new.txt b/notes/new.txt",
      "deleted file mode 100644",
      "--- a/notes/new.txt",
      "+++ /dev/null",
      "@@ -1,2 +0,0 @@",
      "-one",
      "-two",
    ].join("\n");
    const files = splitPatch(diff);
    expect(files.map(({ file, additions, deletions }) => [file, additions, deletions])).toEqual([
      ["hello.py", 1, 1],
      ["notes/new.txt", 0, 2],
    ]);
    expect(files[0]!.patch.split("\n")).toHaveLength(8);
    expect(files[1]!.patch).toContain("+++ /dev/null");
  });

  it("takes a plain patch without a git header, and nothing from nothing", () => {
    const files = splitPatch("--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-a\n+b\n");
    expect(files).toEqual([expect.objectContaining({ file: "x.txt", additions: 1, deletions: 1 })]);
    expect(splitPatch(undefined)).toEqual([]);
    expect(splitPatch("")).toEqual([]);
  });
});
