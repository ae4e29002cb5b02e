import { describe, expect, it } from "vitest";
import { BUILTIN_COMMANDS } from "./commands";
import {
  commandSuggestions,
  FILE_LIMIT,
  mentionOf,
  mentionSuggestions,
  symbolKindName,
  symbolPath,
} from "./suggest";

const AGENTS = [
  { name: "build", mode: "primary" },
  { name: "explore", mode: "subagent", description: "Fast agent for exploring" },
  { name: "general", mode: "subagent" },
  { name: "both", mode: "all" },
  { name: "title", mode: "primary", hidden: true },
  { name: "secret", mode: "subagent", hidden: true },
];

describe("mentionSuggestions", () => {
  it("lists sub-agents, then the server's files and directories, then symbols", () => {
    const range = { start: { line: 2, character: 0 }, end: { line: 4, character: 0 } };
    const list = mentionSuggestions("", {
      agents: AGENTS,
      files: ["/", "hello.py", "src/", "hello.py"],
      symbols: [{ name: "greet", kind: 12, location: { uri: "file:///p/src/a.py", range } }],
      directory: "/p",
    });
    expect(list.map((item) => item.id)).toEqual([
      "agent:explore",
      "agent:general",
      "agent:both",
      "file:hello.py",
      "file:src/",
      "symbol:0:src/a.py:greet",
    ]);
    expect(list[0]).toMatchObject({ description: "Fast agent for exploring" });
    expect(list[4]).toMatchObject({ kind: "directory", path: "src/" });
  });

  it("matches agents by name and caps the files", () => {
    const files = Array.from({ length: FILE_LIMIT + 10 }, (_, i) => `f${i}.txt`);
    const list = mentionSuggestions("expl", { agents: AGENTS, files, symbols: [] });
    expect(list[0]).toMatchObject({ kind: "agent", name: "explore" });
    expect(list.filter((item) => item.kind === "agent")).toHaveLength(1);
    expect(list.filter((item) => item.kind === "file")).toHaveLength(FILE_LIMIT);
  });
});

describe("mentionOf", () => {
  it("turns a suggestion into the mention the prompt sends", () => {
    expect(mentionOf({ kind: "file", id: "x", path: "a.py" })).toEqual({
      kind: "file",
      value: "a.py",
    });
    expect(mentionOf({ kind: "agent", id: "x", name: "explore", description: "" })).toEqual({
      kind: "agent",
      value: "explore",
    });
    const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 9 } };
    expect(
      mentionOf({ kind: "symbol", id: "x", name: "greet", path: "a.py", range, symbolKind: 12 }),
    ).toEqual({ kind: "symbol", value: "greet", symbol: { path: "a.py", range, kind: 12 } });
    expect(mentionOf({ kind: "command", id: "x", command: BUILTIN_COMMANDS[0]! })).toBeNull();
  });
});

describe("commandSuggestions", () => {
  it("lists every command for a bare slash and filters by name", () => {
    expect(commandSuggestions("", BUILTIN_COMMANDS)).toHaveLength(BUILTIN_COMMANDS.length);
    const names = commandSuggestions("re", BUILTIN_COMMANDS).map((item) =>
      item.kind === "command" ? item.command.name : "",
    );
    expect(names[0]).toBe("redo");
    expect(names).not.toContain("new");
    expect(commandSuggestions("zzz", BUILTIN_COMMANDS)).toEqual([]);
  });
});

describe("symbols", () => {
  it("shows paths relative to the project and kinds in words", () => {
    expect(symbolPath("file:///p/src/my%20a.py", "/p/")).toBe("src/my a.py");
    expect(symbolPath("file:///elsewhere/a.py", "/p")).toBe("/elsewhere/a.py");
    expect(symbolKindName(12)).toBe("function");
    expect(symbolKindName(5)).toBe("class");
    expect(symbolKindName(99)).toBe("symbol");
  });
});
