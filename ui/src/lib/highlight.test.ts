import { describe, expect, it } from "vitest";
import {
  HIGHLIGHT_LIMITS,
  highlight,
  languageByName,
  languageFor,
  languageOfPath,
  markRanges,
  tokenize,
  tooLong,
} from "./highlight";

describe("language detection", () => {
  it("knows files by their extension", () => {
    expect(languageOfPath("hello.py")).toBe("python");
    expect(languageOfPath("src/app.tsx")).toBe("tsx");
    expect(languageOfPath("lib/x.mts")).toBe("typescript");
    expect(languageOfPath("a/b/c.RS")).toBe("rust");
    expect(languageOfPath("deploy.yml")).toBe("yaml");
    expect(languageOfPath("run.sh")).toBe("shellscript");
    expect(languageOfPath("main.cc")).toBe("cpp");
    expect(languageOfPath("x.h")).toBe("c");
    expect(languageOfPath("C:\\\\work\\\\q.sql")).toBe("sql");
  });

  it("knows files by their whole name", () => {
    expect(languageOfPath("Dockerfile")).toBe("docker");
    expect(languageOfPath("build/Dockerfile.dev")).toBe("docker");
    expect(languageOfPath("Makefile")).toBe("makefile");
    expect(languageOfPath("~/.bashrc")).toBe("shellscript");
    expect(languageOfPath("tsconfig.json")).toBe("jsonc");
  });

  it("leaves unknown files plain", () => {
    expect(languageOfPath("notes.txt")).toBeNull();
    expect(languageOfPath("LICENSE")).toBeNull();
    expect(languageOfPath("archive.tar.zst")).toBeNull();
    expect(languageOfPath("")).toBeNull();
    expect(languageOfPath(undefined)).toBeNull();
    expect(languageOfPath("dir.py/")).toBeNull();
  });

  it("reads fence names and aliases", () => {
    expect(languageByName("Python")).toBe("python");
    expect(languageByName("py")).toBe("python");
    expect(languageByName("sh")).toBe("shellscript");
    expect(languageByName("c++")).toBe("cpp");
    expect(languageByName("golang")).toBe("go");
    expect(languageByName("text")).toBeNull();
    expect(languageByName("constructor")).toBeNull();
    expect(languageByName("__proto__")).toBeNull();
  });

  it("prefers the given language over the file name", () => {
    expect(languageFor({ language: "json", path: "x.py" })).toBe("json");
    expect(languageFor({ language: "nonsense", path: "x.py" })).toBe("python");
    expect(languageFor({})).toBeNull();
  });
});

describe("limits", () => {
  it("keeps very long texts plain", () => {
    expect(tooLong("x = 1\n".repeat(10))).toBe(false);
    expect(tooLong("x\n".repeat(HIGHLIGHT_LIMITS.lines))).toBe(true);
    expect(tooLong("x".repeat(HIGHLIGHT_LIMITS.chars + 1))).toBe(true);
  });
});

describe("highlighting", () => {
  it("tokenizes once the language is loaded, with both themes' colours", async () => {
    const code = 'def greet() -> str:\n    return "hi"';
    expect(tokenize(code, "python")).toBeNull(); // not loaded yet: shown plain
    const lines = await highlight(code, "python");
    expect(lines).not.toBeNull();
    expect(lines!).toHaveLength(2);
    expect(lines!.map((line) => line.map((token) => token.content).join(""))).toEqual(
      code.split("\n"),
    );
    const keyword = lines![0]!.find((token) => token.content === "def")!;
    const name = lines![0]!.find((token) => token.content.includes("greet"))!;
    expect(keyword.light).toMatch(/^#[0-9a-f]{6}/i);
    expect(keyword.dark).toMatch(/^#[0-9a-f]{6}/i);
    expect(keyword.light).not.toBe(keyword.dark);
    expect(keyword.light).not.toBe(name.light);
    // Loaded now: answered at once.
    expect(tokenize(code, "python")).toEqual(lines);
  });

  it("leaves unknown languages and long texts plain", async () => {
    expect(await highlight("plain", "klingon")).toBeNull();
    expect(await highlight("plain", null)).toBeNull();
    expect(await highlight("x = 1\n".repeat(HIGHLIGHT_LIMITS.lines + 1), "python")).toBeNull();
  });
});

describe("markRanges", () => {
  const tokens = [
    { content: "print", light: "#005cc5" },
    { content: "(" },
    { content: '"Hello, diff!"', light: "#032f62" },
    { content: ")" },
  ];

  it("cuts tokens at the edges of the marked stretches, keeping their colours", () => {
    const text = tokens.map((token) => token.content).join("");
    const marked = markRanges(tokens, text, [{ start: 14, end: 18 }]);
    expect(marked.map((token) => token.content).join("")).toBe(text);
    expect(marked.filter((token) => token.mark)).toEqual([
      { content: "diff", light: "#032f62", mark: true },
    ]);
    expect(marked.map((token) => token.content)).toEqual([
      "print",
      "(",
      '"Hello, ',
      "diff",
      '!"',
      ")",
    ]);
  });

  it("marks across token edges and works without tokens", () => {
    const marked = markRanges(tokens, "", [{ start: 3, end: 7 }]);
    expect(marked.filter((token) => token.mark).map((token) => token.content)).toEqual([
      "nt",
      "(",
      '"',
    ]);
    expect(markRanges(undefined, "a = 1", [{ start: 4, end: 5 }])).toEqual([
      { content: "a = " },
      { content: "1", mark: true },
    ]);
    expect(markRanges(undefined, "a", [])).toEqual([{ content: "a" }]);
  });
});
