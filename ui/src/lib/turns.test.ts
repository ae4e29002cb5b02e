import { describe, expect, it } from "vitest";
import type { AssistantMessage, Message, Part, Tokens, UserMessage } from "../api/types";
import {
  contextBreakdown,
  contextUsage,
  messageText,
  promptText,
  requestTokens,
  sessionFigures,
  shellCommand,
  turnDone,
  turnFigures,
  turnMarkdown,
  turnOf,
  turnsOf,
  turnTotals,
} from "./turns";
import { emptyTranscript, upsertMessage, upsertPart, type Transcript } from "./transcript";

const SESSION = "ses_1";

const tokens = (input: number, output: number, extra: Partial<Tokens> = {}): Tokens => ({
  input,
  output,
  reasoning: 0,
  cache: { read: 0, write: 0 },
  ...extra,
});

const user = (id: string, created = 1000): UserMessage => ({
  id,
  sessionID: SESSION,
  role: "user",
  time: { created },
});

/** An assistant message; a field given as undefined is left out. */
const assistant = (
  id: string,
  parentID: string | undefined,
  fields: { [K in keyof AssistantMessage]?: AssistantMessage[K] | undefined } = {},
): AssistantMessage => {
  const message: Record<string, unknown> = {
    id,
    sessionID: SESSION,
    role: "assistant",
    ...(parentID ? { parentID } : {}),
    time: { created: 1100, completed: 1500 },
    modelID: "fake-model",
    providerID: "fake",
    finish: "stop",
    ...fields,
  };
  for (const key of Object.keys(message)) if (message[key] === undefined) delete message[key];
  return message as unknown as AssistantMessage;
};

const text = (id: string, messageID: string, value: string, extra: object = {}): Part =>
  ({ id, sessionID: SESSION, messageID, type: "text", text: value, ...extra }) as Part;

function transcriptOf(messages: Message[], parts: Part[] = []): Transcript {
  const t = emptyTranscript();
  for (const message of messages) upsertMessage(t, message);
  for (const part of parts) upsertPart(t, part);
  return t;
}

/** Two prompts: the first answered in three model calls, the second in one. */
function conversation(): Transcript {
  return transcriptOf(
    [
      user("msg_01", 1000),
      assistant("msg_02", "msg_01", {
        finish: "tool-calls",
        time: { created: 1010, completed: 1200 },
        tokens: tokens(2000, 20),
        cost: 0.001,
      }),
      assistant("msg_03", "msg_01", {
        finish: "tool-calls",
        time: { created: 1210, completed: 1400 },
        tokens: tokens(2100, 30, { reasoning: 5, cache: { read: 1500, write: 100 } }),
        cost: 0.002,
      }),
      assistant("msg_04", "msg_01", {
        time: { created: 1410, completed: 3400 },
        tokens: tokens(2200, 40),
        cost: 0.003,
        modelID: "other-model",
      }),
      user("msg_05", 5000),
      assistant("msg_06", "msg_05", {
        time: { created: 5010, completed: 5500 },
        tokens: tokens(2500, 15),
      }),
    ],
    [
      text("prt_01", "msg_01", "Fix the greeting"),
      text("prt_02", "msg_02", "Looking first."),
      text("prt_03", "msg_03", ""),
      text("prt_04", "msg_04", "## Done\n\nChanged `hello.py`."),
      text("prt_05", "msg_04", "hidden context", { synthetic: true }),
      text("prt_06", "msg_05", "Thanks"),
      text("prt_07", "msg_06", "You are welcome."),
    ],
  );
}

describe("turnsOf", () => {
  it("groups each prompt with the messages of its reply", () => {
    expect(turnsOf(conversation())).toEqual([
      { userID: "msg_01", assistantIDs: ["msg_02", "msg_03", "msg_04"] },
      { userID: "msg_05", assistantIDs: ["msg_06"] },
    ]);
  });

  it("follows parentID over order, and takes replies with none to the prompt before", () => {
    const t = transcriptOf([
      user("msg_01"),
      user("msg_02"),
      assistant("msg_03", "msg_01"),
      assistant("msg_04", undefined),
    ]);
    expect(turnsOf(t)).toEqual([
      { userID: "msg_01", assistantIDs: ["msg_03"] },
      { userID: "msg_02", assistantIDs: ["msg_04"] },
    ]);
  });

  it("keeps a reply that has no prompt before it (a fork's first message) as its own turn", () => {
    const t = transcriptOf([assistant("msg_01", "msg_gone"), user("msg_02")]);
    expect(turnsOf(t)).toEqual([
      { userID: undefined, assistantIDs: ["msg_01"] },
      { userID: "msg_02", assistantIDs: [] },
    ]);
  });

  it("finds the turn of any of its messages", () => {
    const turns = turnsOf(conversation());
    expect(turnOf(turns, "msg_03")?.userID).toBe("msg_01");
    expect(turnOf(turns, "msg_05")?.assistantIDs).toEqual(["msg_06"]);
    expect(turnOf(turns, "msg_99")).toBeUndefined();
  });
});

describe("turnDone", () => {
  it("is over when the last message completed without asking for tools", () => {
    const t = conversation();
    const [first] = turnsOf(t);
    expect(turnDone(t, first!, true)).toBe(true);
  });

  it("is not over while a message streams or a tool call waits for the next step", () => {
    const t = transcriptOf([
      user("msg_01"),
      assistant("msg_02", "msg_01", { finish: "tool-calls" }),
    ]);
    const [turn] = turnsOf(t);
    expect(turnDone(t, turn!, true)).toBe(false);
    // Stopped between two calls: the session went idle, the turn is over.
    expect(turnDone(t, turn!, false)).toBe(true);
    const streaming = transcriptOf([
      user("msg_01"),
      assistant("msg_02", "msg_01", { time: { created: 1 }, finish: undefined }),
    ]);
    expect(turnDone(streaming, turnsOf(streaming)[0]!, false)).toBe(false);
  });

  it("is over when the reply failed, and never without a reply", () => {
    const t = transcriptOf([
      user("msg_01"),
      assistant("msg_02", "msg_01", {
        time: { created: 1 },
        finish: undefined,
        error: { name: "MessageAbortedError" },
      }),
      user("msg_03"),
    ]);
    const [failed, unanswered] = turnsOf(t);
    expect(turnDone(t, failed!, true)).toBe(true);
    expect(turnDone(t, unanswered!, false)).toBe(false);
  });
});

describe("turnTotals", () => {
  it("adds up every model call of the reply", () => {
    const t = conversation();
    const totals = turnTotals(t, turnsOf(t)[0]!);
    expect(totals).toEqual({
      input: 6300,
      output: 90,
      reasoning: 5,
      cacheRead: 1500,
      cacheWrite: 100,
      cost: expect.closeTo(0.006, 10),
      models: ["fake-model", "other-model"],
      durationMs: 2400,
      steps: 3,
    });
  });

  it("words the figures for the footer, zeros left out", () => {
    const t = conversation();
    const [first, second] = turnsOf(t);
    expect(turnFigures(turnTotals(t, first!))).toEqual([
      "fake-model",
      "other-model",
      "2.4 s",
      "3 steps",
      "6.3k in",
      "90 out",
      "5 reasoning",
      "1.5k cache read",
      "100 cache write",
      "$0.0060",
    ]);
    expect(turnFigures(turnTotals(t, second!)).join(" · ")).toBe(
      "fake-model · 500 ms · 2.5k in · 15 out",
    );
  });

  it("times a reply without its prompt from its first message, and leaves unknown figures out", () => {
    const t = transcriptOf([
      assistant("msg_01", undefined, { time: { created: 100, completed: 400 } }),
      user("msg_02"),
      assistant("msg_03", "msg_02", { time: { created: 2000 }, modelID: undefined }),
    ]);
    const [orphan, streaming] = turnsOf(t);
    expect(turnTotals(t, orphan!).durationMs).toBe(300);
    const open = turnTotals(t, streaming!);
    expect(open.durationMs).toBeUndefined();
    expect(open.models).toEqual([]);
    expect(open.input + open.output + open.cost).toBe(0);
  });
});

describe("text of messages and replies", () => {
  it("joins a message's visible text parts", () => {
    expect(messageText(conversation(), "msg_04")).toBe("## Done\n\nChanged `hello.py`.");
    expect(messageText(conversation(), "msg_99")).toBe("");
  });

  it("copies a whole reply as markdown, empty and synthetic parts left out", () => {
    const t = conversation();
    expect(turnMarkdown(t, turnsOf(t)[0]!)).toBe(
      "Looking first.\n\n## Done\n\nChanged `hello.py`.",
    );
  });
});

describe("context figures", () => {
  it("counts every token of a request", () => {
    expect(requestTokens(tokens(10, 2, { reasoning: 3, cache: { read: 4, write: 5 } }))).toBe(24);
    expect(requestTokens(undefined)).toBe(0);
  });

  it("takes the newest request that reported usage", () => {
    const t = conversation();
    upsertMessage(t, user("msg_07"));
    upsertMessage(t, assistant("msg_08", "msg_07", { time: { created: 1 }, tokens: tokens(0, 0) }));
    expect(contextUsage(t)).toEqual({
      tokens: 2515,
      input: 2500,
      output: 15,
      reasoning: 0,
      cacheRead: 0,
      cacheWrite: 0,
      modelID: "fake-model",
      providerID: "fake",
      messageID: "msg_06",
    });
    expect(contextUsage(transcriptOf([user("msg_01")]))).toBeUndefined();
  });

  it("sums the session's messages and spend", () => {
    expect(sessionFigures(conversation())).toEqual({
      userMessages: 2,
      assistantMessages: 4,
      cost: expect.closeTo(0.006, 10),
      input: 8800,
      output: 105,
      reasoning: 5,
      cacheRead: 1500,
      cacheWrite: 100,
    });
  });

  it("estimates what a request was made of, within its total", () => {
    const t = conversation();
    upsertPart(t, {
      id: "prt_08",
      sessionID: SESSION,
      messageID: "msg_02",
      type: "tool",
      callID: "call_1",
      tool: "read",
      state: {
        status: "completed",
        input: { filePath: "hello.py" },
        output: "x".repeat(400),
        title: "hello.py",
        time: { start: 1, end: 2 },
      },
    });
    const breakdown = contextBreakdown(t, "msg_06", 2515);
    expect(breakdown.user).toBe(Math.ceil(("Fix the greeting" + "Thanks").length / 4));
    expect(breakdown.tools).toBe(Math.ceil((400 + '{"filePath":"hello.py"}'.length) / 4));
    expect(breakdown.user + breakdown.assistant + breakdown.tools + breakdown.other).toBe(2515);
    // More text than the total (a compacted conversation): scaled down, nothing negative.
    const small = contextBreakdown(t, "msg_06", 10);
    expect(small.other).toBeGreaterThanOrEqual(0);
    expect(small.user + small.assistant + small.tools).toBeLessThanOrEqual(11);
  });
});

describe("shell commands", () => {
  const own = text("u1", "msg_01", "The user ran a command", { synthetic: true });
  const bash = (messageID: string, input: unknown): Part =>
    ({
      id: `t-${messageID}`,
      sessionID: SESSION,
      messageID,
      type: "tool",
      tool: "bash",
      callID: "c1",
      state: { status: "completed", input, output: "x", title: "", metadata: {}, time: {} },
    }) as unknown as Part;
  const ran = (input: unknown = { command: "ls -la" }) =>
    transcriptOf([user("msg_01"), assistant("msg_02", "msg_01")], [own, bash("msg_02", input)]);

  it("finds the command of a prompt the user ran in the shell", () => {
    expect(shellCommand(ran(), "msg_01")).toBe("ls -la");
    expect(promptText(ran(), "msg_01")).toBe("!ls -la");
  });

  it("is no command for a typed prompt, even when the agent then ran bash", () => {
    const typed = transcriptOf(
      [user("msg_01"), assistant("msg_02", "msg_01")],
      [text("u1", "msg_01", "list the files"), bash("msg_02", { command: "ls" })],
    );
    expect(shellCommand(typed, "msg_01")).toBeUndefined();
    expect(promptText(typed, "msg_01")).toBe("list the files");
    const empty = transcriptOf(
      [user("msg_01"), assistant("msg_02", "msg_01")],
      [bash("msg_02", { command: "ls" })],
    );
    expect(shellCommand(empty, "msg_01")).toBeUndefined();
  });

  it("is no command when the reply ran no bash or named none", () => {
    expect(shellCommand(transcriptOf([user("msg_01")], [own]), "msg_01")).toBeUndefined();
    expect(shellCommand(ran({}), "msg_01")).toBeUndefined();
    expect(shellCommand(ran("ls"), "msg_01")).toBeUndefined();
    expect(promptText(ran({ command: " " }), "msg_01")).toBe("");
  });
});
