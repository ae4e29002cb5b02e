import { describe, expect, it } from "vitest";
import { fileUrl, mentionSpans, promptParts } from "./parts";

describe("mentionSpans", () => {
  it("finds each chosen mention that is still in the text", () => {
    const chosen = [
      { kind: "file" as const, value: "hello.py" },
      { kind: "file" as const, value: "gone.py" },
      { kind: "agent" as const, value: "explore" },
    ];
    expect(mentionSpans("ask @explore about @hello.py.", chosen)).toEqual([
      { kind: "agent", value: "explore", start: 4, end: 12 },
      { kind: "file", value: "hello.py", start: 19, end: 28 },
    ]);
  });

  it("does not take a longer name that starts the same", () => {
    const chosen = [{ kind: "file" as const, value: "a.py" }];
    expect(mentionSpans("see @a.pyc and x@a.py", chosen)).toEqual([]);
  });
});

describe("promptParts", () => {
  it("makes the text, file parts the server reads in, agent parts and attachments", () => {
    const parts = promptParts(
      "read @src/main.py and @docs/ with @explore",
      [
        { kind: "file", value: "src/main.py" },
        { kind: "directory", value: "docs/" },
        { kind: "agent", value: "explore" },
      ],
      [
        {
          id: "1",
          filename: "dot.png",
          mime: "image/png",
          kind: "image",
          size: 4,
          url: "data:image/png;base64,AAAA",
        },
      ],
      "/home/me/project/",
    );
    expect(parts).toEqual([
      { type: "text", text: "read @src/main.py and @docs/ with @explore" },
      {
        type: "file",
        mime: "text/plain",
        url: "file:///home/me/project/src/main.py",
        filename: "main.py",
        source: {
          type: "file",
          path: "src/main.py",
          text: { value: "@src/main.py", start: 5, end: 17 },
        },
      },
      {
        type: "file",
        mime: "application/x-directory",
        url: "file:///home/me/project/docs",
        filename: "docs",
        source: { type: "file", path: "docs", text: { value: "@docs/", start: 22, end: 28 } },
      },
      { type: "agent", name: "explore", source: { value: "@explore", start: 34, end: 42 } },
      { type: "file", mime: "image/png", url: "data:image/png;base64,AAAA", filename: "dot.png" },
    ]);
  });

  it("sends a symbol as the lines of its file", () => {
    const range = { start: { line: 4, character: 0 }, end: { line: 9, character: 1 } };
    const parts = promptParts(
      "explain @greet",
      [{ kind: "symbol", value: "greet", symbol: { path: "src/hello.py", range, kind: 12 } }],
      [],
      "/p",
    );
    expect(parts[1]).toEqual({
      type: "file",
      mime: "text/plain",
      url: "file:///p/src/hello.py?start=5&end=10",
      filename: "hello.py",
      source: {
        type: "symbol",
        path: "src/hello.py",
        name: "greet",
        kind: 12,
        range,
        text: { value: "@greet", start: 8, end: 14 },
      },
    });
  });

  it("escapes what a URL cannot hold", () => {
    expect(fileUrl("/p/my file#1.py")).toBe("file:///p/my%20file%231.py");
  });
});
