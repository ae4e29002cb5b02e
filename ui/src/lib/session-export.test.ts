import { describe, expect, it } from "vitest";
import type { MessageWithParts, Session } from "../api/types";
import { exportFileName, exportJson, exportMarkdown } from "./session-export";

const session: Session = {
  id: "ses_abcdefgh12345678",
  title: "Fix the greeting",
  directory: "/home/me/project",
  time: { created: Date.UTC(2026, 11, 1, 14, 26), updated: Date.UTC(2026, 11, 1, 14, 30) },
};

const messages: MessageWithParts[] = [
  {
    info: { id: "msg_1", sessionID: session.id, role: "user", time: { created: 1 } },
    parts: [
      { id: "prt_1", sessionID: session.id, messageID: "msg_1", type: "text", text: "Run it" },
    ],
  },
  {
    info: {
      id: "msg_2",
      sessionID: session.id,
      role: "assistant",
      time: { created: 2 },
      modelID: "fake-model",
    },
    parts: [
      {
        id: "prt_2",
        sessionID: session.id,
        messageID: "msg_2",
        type: "reasoning",
        text: "Hmm\nok",
      },
      {
        id: "prt_3",
        sessionID: session.id,
        messageID: "msg_2",
        type: "tool",
        callID: "c1",
        tool: "bash",
        state: {
          status: "completed",
          input: { command: "python3 hello.py" },
          output: "Hello ``` world\n",
          title: "python3 hello.py",
          time: { start: 1, end: 2 },
        },
      },
      { id: "prt_4", sessionID: session.id, messageID: "msg_2", type: "text", text: "Done." },
      { id: "prt_5", sessionID: session.id, messageID: "msg_2", type: "step-start" },
    ],
  },
];

describe("exportJson", () => {
  it("holds the session and its messages as the server sent them", () => {
    const parsed = JSON.parse(exportJson(session, messages)) as unknown;
    expect(parsed).toEqual({ info: session, messages });
  });
});

describe("exportMarkdown", () => {
  const text = exportMarkdown(session, messages);

  it("has the title, the prompt, the reply and the tool call", () => {
    expect(text.startsWith("# Fix the greeting\n")).toBe(true);
    expect(text).toContain("## You\n\nRun it");
    expect(text).toContain("## Assistant (fake-model)");
    expect(text).toContain("> Hmm\n> ok");
    expect(text).toContain("python3 hello.py");
    expect(text).toContain("Done.");
  });

  it("fences output so that backticks in it cannot close the block", () => {
    expect(text).toContain("````\nHello ``` world\n````");
  });
});

describe("exportFileName", () => {
  it("is the title, made safe, and the end of the ID", () => {
    expect(exportFileName(session, "md")).toBe("fix-the-greeting-12345678.md");
    expect(exportFileName({ ...session, title: "../../" }, "json")).toBe("session-12345678.json");
  });
});
