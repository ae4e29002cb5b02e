import { describe, expect, it } from "vitest";
import { BUILTIN_COMMANDS, commandList, parseCommand } from "./commands";

describe("commandList", () => {
  const server = [
    {
      name: "init",
      description: "guided AGENTS.md setup",
      source: "command" as const,
      hints: ["$ARGUMENTS"],
    },
    { name: "review", description: "review changes", source: "command" as const, hints: [] },
    { name: "undo", description: "the project's own undo", source: "command" as const },
  ];

  it("offers the built-ins and the server's commands, the server's winning a name", () => {
    const names = commandList(server, { share: true }).map((c) => `${c.source}:${c.name}`);
    expect(names).toContain("builtin:new");
    expect(names).toContain("builtin:compact");
    expect(names).toContain("command:init");
    expect(names).toContain("command:review");
    expect(names).toContain("command:undo");
    expect(names).not.toContain("builtin:undo");
  });

  it("leaves share out when the server does not share", () => {
    expect(commandList([], { share: false }).some((c) => c.name === "share")).toBe(false);
    expect(commandList([], { share: true }).some((c) => c.name === "share")).toBe(true);
  });

  it("gives every built-in an action and a description", () => {
    for (const command of BUILTIN_COMMANDS) {
      expect(command.action).toBeTruthy();
      expect(command.description.length).toBeGreaterThan(5);
    }
  });
});

describe("parseCommand", () => {
  it("splits the name from its arguments", () => {
    expect(parseCommand("/review main")).toEqual({ name: "review", arguments: "main" });
    expect(parseCommand("/init")).toEqual({ name: "init", arguments: "" });
    expect(parseCommand("  /compact  ")).toEqual({ name: "compact", arguments: "" });
    expect(parseCommand("/review two\nlines")).toEqual({ name: "review", arguments: "two\nlines" });
  });

  it("is not fooled by paths or plain text", () => {
    expect(parseCommand("/tmp/x is a path")).toBeNull();
    expect(parseCommand("hello /init")).toBeNull();
    expect(parseCommand("/")).toBeNull();
  });
});
