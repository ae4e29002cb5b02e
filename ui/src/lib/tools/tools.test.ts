import { describe, expect, it } from "vitest";
import type { ToolState } from "../../api/types";
import { todoProgress, todoSummary } from "../todos";
import {
  askedQuestions,
  bashOutput,
  editChange,
  exploredText,
  groupExploration,
  keyLabel,
  lineCount,
  messageDirectory,
  multiEditChanges,
  parseGlob,
  parseGrep,
  parseList,
  partKind,
  patchChanges,
  patchCounts,
  rangeText,
  readOutputText,
  readView,
  relativePath,
  replacements,
  safeUrl,
  stripAnsi,
  summarize,
  taskResult,
  taskSessionId,
  todoItems,
  toolFamily,
  valueRows,
  type PartRef,
} from ".";

const ROOT = "/tmp/opencode-x/project";
const TIME = { start: 1000, end: 1250 };

function done(
  input: Record<string, unknown>,
  metadata: Record<string, unknown> = {},
  output = "",
  title = "",
): ToolState {
  return { status: "completed", input, output, title, metadata, time: TIME };
}

function failed(input: Record<string, unknown>, error: string): ToolState {
  return { status: "error", input, error, time: TIME };
}

function running(input: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  return { status: "running", input, metadata, time: { start: 1000 } } as ToolState;
}

const HELLO_DIFF =
  "Index: /tmp/opencode-x/project/hello.py\n" +
  "===================================================================\n" +
  "--- /tmp/opencode-x/project/hello.py\n" +
  "+++ /tmp/opencode-x/project/hello.py\n" +
  "@@ -5,8 +5,8 @@\n" +
  ' def main() -> None:\n-    print("Hello, world!")\n+    print("Hello, tools!")\n \n main()\n';

describe("families", () => {
  it("maps every known tool to its card and the rest to the generic one", () => {
    expect(toolFamily("bash")).toBe("bash");
    expect(toolFamily("grep")).toBe("search");
    expect(toolFamily("glob")).toBe("search");
    expect(toolFamily("list")).toBe("list");
    expect(toolFamily("multiedit")).toBe("edit");
    expect(toolFamily("apply_patch")).toBe("patch");
    expect(toolFamily("patch")).toBe("patch");
    expect(toolFamily("todoread")).toBe("todo");
    expect(toolFamily("mcp_github_search")).toBe("generic");
    expect(toolFamily("constructor")).toBe("generic");
    expect(toolFamily("__proto__")).toBe("generic");
  });
});

describe("paths", () => {
  it("shows paths under the project relative to it", () => {
    expect(relativePath(`${ROOT}/hello.py`, ROOT)).toBe("hello.py");
    expect(relativePath(`${ROOT}/src/a.ts`, `${ROOT}/`)).toBe("src/a.ts");
    expect(relativePath(ROOT, ROOT)).toBe(".");
  });

  it("leaves other paths alone", () => {
    expect(relativePath("/etc/passwd", ROOT)).toBe("/etc/passwd");
    expect(relativePath(`${ROOT}-other/x`, ROOT)).toBe(`${ROOT}-other/x`);
    expect(relativePath("hello.py", ROOT)).toBe("hello.py");
    expect(relativePath("/a/b", undefined)).toBe("/a/b");
    expect(relativePath("/a/b", "/")).toBe("/a/b");
  });

  it("finds a message's project directory", () => {
    expect(messageDirectory({ path: { cwd: "/w/sub", root: "/w" } })).toBe("/w");
    expect(messageDirectory({ path: { cwd: "/w/sub" } })).toBe("/w/sub");
    expect(messageDirectory({ path: { root: "/" } })).toBeUndefined();
    expect(messageDirectory({ role: "user" })).toBeUndefined();
    expect(messageDirectory(undefined)).toBeUndefined();
  });
});

describe("bash", () => {
  it("reads as the command, with its description", () => {
    const summary = summarize(
      {
        tool: "bash",
        state: done(
          { command: "python3 hello.py", description: "Run the program" },
          { output: "Hello, world!\n", exit: 0 },
          "Hello, world!\n",
        ),
      },
      ROOT,
    );
    expect(summary.verb).toBe("Ran");
    expect(summary.subject).toBe("python3 hello.py");
    expect(summary.meta).toEqual(["Run the program"]);
    expect(summary.exit).toBeUndefined();
    expect(summary.label).toBe("Ran python3 hello.py");
  });

  it("marks a non-zero exit", () => {
    const state = done({ command: "exit 3" }, { output: "(no output)", exit: 3 }, "(no output)");
    expect(summarize({ tool: "bash", state }).exit).toBe(3);
  });

  it("says Running while it runs and streams metadata.output", () => {
    const state = running({ command: "make" }, { output: "\u001b[32mok\u001b[0m 1\n" });
    const summary = summarize({ tool: "bash", state });
    expect(summary.verb).toBe("Running");
    expect(summary.label).toBe("Running make");
    expect(bashOutput(state)).toBe("ok 1\n");
  });

  it("keeps long commands on one line", () => {
    const state = done({ command: "echo a &&\n  echo b" });
    expect(summarize({ tool: "bash", state }).subject).toBe("echo a && echo b");
  });

  it("names a failed call plainly", () => {
    const state = failed({ command: "echo never-runs" }, "The user rejected permission");
    const summary = summarize({ tool: "bash", state });
    expect(summary.phase).toBe("failed");
    expect(summary.verb).toBe("Run");
    expect(summary.label).toBe("Run echo never-runs, failed");
  });

  it("falls back to the output when there is no metadata", () => {
    expect(bashOutput(done({ command: "ls" }, {}, "a\nb\n"))).toBe("a\nb\n");
    expect(bashOutput({ status: "pending", input: {} })).toBe("");
  });

  it("strips colour, cursor and title escapes", () => {
    expect(stripAnsi("\u001b[1;31merror\u001b[0m: x")).toBe("error: x");
    expect(stripAnsi("\u001b]0;title\u0007text")).toBe("text");
    expect(stripAnsi("\u001b[2K\u001b[1Gdone")).toBe("done");
    expect(stripAnsi("plain")).toBe("plain");
  });
});

describe("read", () => {
  const metadata = {
    preview: "one\ntwo",
    display: {
      type: "file",
      path: `${ROOT}/hello.py`,
      text: "one\ntwo\nthree",
      lineStart: 4,
      lineEnd: 6,
      totalLines: 12,
      truncated: false,
    },
  };

  it("shows the file relative and its line range", () => {
    const summary = summarize(
      { tool: "read", state: done({ filePath: "hello.py" }, metadata) },
      ROOT,
    );
    expect(summary.label).toBe("Read hello.py");
    expect(summary.meta).toEqual(["lines 4–6 of 12"]);
  });

  it("uses the displayed path when the input has none", () => {
    const summary = summarize({ tool: "read", state: done({}, metadata) }, ROOT);
    expect(summary.subject).toBe("hello.py");
  });

  it("takes the text and range from metadata.display", () => {
    const view = readView({ filePath: "hello.py" }, metadata);
    expect(view.text).toBe("one\ntwo\nthree");
    expect(view.start).toBe(4);
    expect(view.end).toBe(6);
    expect(view.total).toBe(12);
  });

  it("falls back to the preview, then to the numbered output", () => {
    expect(readView({}, { preview: "a\nb" }).text).toBe("a\nb");
    expect(readView({}, { preview: "a\nb" }).end).toBe(2);
    const output =
      "<path>/x</path>\n<content>\n7: a\n8: b\n\n(End of file - total 8 lines)\n</content>";
    const view = readView({ filePath: "/x" }, {}, output);
    expect(view.text).toBe("a\nb");
    expect(view.start).toBe(7);
    expect(view.end).toBe(8);
  });

  it("parses both numbered formats", () => {
    expect(readOutputText("<content>\n00001| x\n00002| y\n</content>")).toEqual({
      start: 1,
      text: "x\ny",
    });
    expect(readOutputText("nothing numbered")).toBeUndefined();
  });

  it("words the range", () => {
    expect(rangeText({ start: 1, end: 12, total: 12 })).toBe("lines 1–12 of 12");
    expect(rangeText({ start: 3, end: 3 })).toBe("line 3");
    expect(rangeText({ start: 40 })).toBe("from line 40");
    expect(rangeText({ start: 1 })).toBe("");
    expect(rangeText({ start: 1, end: 0, total: 0 })).toBe("0 lines");
  });

  it("has no range before it is done", () => {
    const summary = summarize({ tool: "read", state: running({ filePath: "a.py" }) });
    expect(summary.verb).toBe("Reading");
    expect(summary.meta).toEqual([]);
  });
});

describe("glob, grep and list", () => {
  it("parses glob's file list", () => {
    expect(parseGlob(`${ROOT}/hello.py\n${ROOT}/src/a.py\n`)).toEqual({
      files: [`${ROOT}/hello.py`, `${ROOT}/src/a.py`],
      truncated: false,
    });
    expect(parseGlob("No files found")).toEqual({ files: [], truncated: false });
    const cut = parseGlob("a\n\n(Results are truncated. Consider using a more specific path.)");
    expect(cut).toEqual({ files: ["a"], truncated: true });
  });

  it("parses grep's matches per file", () => {
    const output =
      `Found 3 matches\n${ROOT}/hello.py:\n  Line 4: def greeting() -> str:\n\n` +
      `  Line 8: def main() -> None:\n\n${ROOT}/b.py:\n  Line 1: def b():\n`;
    const result = parseGrep(output);
    expect(result.total).toBe(3);
    expect(result.files).toEqual([
      {
        path: `${ROOT}/hello.py`,
        matches: [
          { line: 4, text: "def greeting() -> str:" },
          { line: 8, text: "def main() -> None:" },
        ],
      },
      { path: `${ROOT}/b.py`, matches: [{ line: 1, text: "def b():" }] },
    ]);
    expect(parseGrep("No files found")).toEqual({ total: 0, files: [], truncated: false });
  });

  it("counts grep matches when there is no Found line", () => {
    expect(parseGrep("/a.py:\n  Line 2: x\n").total).toBe(1);
  });

  it("puts the count in the title", () => {
    const grep = summarize({
      tool: "grep",
      state: done({ pattern: "def ", include: "*.py" }, { matches: 2 }, ""),
    });
    expect(grep.verb).toBe("Searched");
    expect(grep.subject).toBe("def");
    expect(grep.meta).toEqual(["*.py", "2 matches"]);
    const glob = summarize(
      { tool: "glob", state: done({ pattern: "*.py", path: `${ROOT}/src` }, {}, "a\nb\n") },
      ROOT,
    );
    expect(glob.meta).toEqual(["in src", "2 files"]);
    const one = summarize({ tool: "glob", state: done({ pattern: "*.py" }, { count: 1 }) });
    expect(one.meta).toEqual(["1 file"]);
  });

  it("parses list's tree", () => {
    const tree = parseList(`${ROOT}/\n  src/\n    a.ts\n  README.md\n`);
    expect(tree.root).toBe(ROOT);
    expect(tree.entries).toEqual([
      { name: "src", depth: 0, dir: true },
      { name: "a.ts", depth: 1, dir: false },
      { name: "README.md", depth: 0, dir: false },
    ]);
  });

  it("lists the project directory as .", () => {
    const summary = summarize({ tool: "list", state: done({ path: ROOT }, { count: 4 }) }, ROOT);
    expect(summary.label).toBe("Listed .");
    expect(summary.meta).toEqual(["4 files"]);
    expect(summarize({ tool: "list", state: done({}) }).subject).toBe(".");
  });
});

describe("write", () => {
  it("shows the file and how many lines it wrote", () => {
    const state = done(
      { filePath: `${ROOT}/notes.py`, content: "a\nb\n" },
      { filepath: `${ROOT}/notes.py`, exists: false },
    );
    const summary = summarize({ tool: "write", state }, ROOT);
    expect(summary.label).toBe("Wrote notes.py");
    expect(summary.additions).toBe(2);
    expect(summary.meta).toEqual(["new file"]);
  });

  it("counts lines", () => {
    expect(lineCount("")).toBe(0);
    expect(lineCount("a")).toBe(1);
    expect(lineCount("a\nb\n")).toBe(2);
    expect(lineCount("a\n\nb")).toBe(3);
  });
});

describe("edits", () => {
  it("reads the diff and its counts from filediff", () => {
    const metadata = {
      diff: HELLO_DIFF,
      filediff: { file: `${ROOT}/hello.py`, patch: HELLO_DIFF, additions: 1, deletions: 1 },
    };
    const state = done({ filePath: "hello.py", oldString: "a", newString: "b" }, metadata);
    const summary = summarize({ tool: "edit", state }, ROOT);
    expect(summary.label).toBe("Edited hello.py");
    expect(summary.additions).toBe(1);
    expect(summary.deletions).toBe(1);
    expect(editChange(state.input, metadata)?.patch).toBe(HELLO_DIFF);
  });

  it("counts the diff itself when filediff is missing", () => {
    expect(patchCounts(HELLO_DIFF)).toEqual({ additions: 1, deletions: 1 });
    const change = editChange({ filePath: "hello.py" }, { diff: HELLO_DIFF });
    expect(change).toEqual({ path: "hello.py", patch: HELLO_DIFF, additions: 1, deletions: 1 });
    expect(editChange({ filePath: "x" }, {})).toBeUndefined();
  });

  it("has no counts before the diff exists", () => {
    const summary = summarize({ tool: "edit", state: running({ filePath: "a.py" }) });
    expect(summary.verb).toBe("Editing");
    expect(summary.additions).toBeUndefined();
  });

  it("lists the replacements an edit asked for", () => {
    expect(replacements({ oldString: "a", newString: "b" })).toEqual([
      { oldString: "a", newString: "b", replaceAll: false },
    ]);
    expect(
      replacements({ edits: [{ oldString: "x", newString: "y", replaceAll: true }, 3] }),
    ).toEqual([{ oldString: "x", newString: "y", replaceAll: true }]);
    expect(replacements({})).toEqual([]);
  });

  it("sums a multiedit's diffs", () => {
    const input = {
      filePath: `${ROOT}/hello.py`,
      edits: [
        { oldString: "a", newString: "b" },
        { oldString: "c", newString: "d" },
      ],
    };
    const metadata = { results: [{ diff: HELLO_DIFF }, { diff: HELLO_DIFF }, "junk"] };
    expect(multiEditChanges(input, metadata)).toHaveLength(2);
    const summary = summarize({ tool: "multiedit", state: done(input, metadata) }, ROOT);
    expect(summary.label).toBe("Edited hello.py");
    expect(summary.meta).toEqual(["2 edits"]);
    expect(summary.additions).toBe(2);
    expect(summary.deletions).toBe(2);
  });

  it("takes apply_patch's files from metadata", () => {
    const metadata = {
      files: [
        {
          filePath: `${ROOT}/a.py`,
          relativePath: "a.py",
          type: "update",
          patch: HELLO_DIFF,
          additions: 1,
          deletions: 1,
        },
        {
          filePath: `${ROOT}/b.py`,
          relativePath: "c.py",
          type: "move",
          patch: "",
          additions: 0,
          deletions: 0,
          movePath: `${ROOT}/c.py`,
        },
      ],
    };
    const changes = patchChanges({ patchText: "" }, metadata);
    expect(changes.map((c) => [c.path, c.type, c.movePath])).toEqual([
      ["a.py", "update", undefined],
      ["c.py", "move", `${ROOT}/c.py`],
    ]);
    const summary = summarize({ tool: "apply_patch", state: done({}, metadata) }, ROOT);
    expect(summary.label).toBe("Edited 2 files");
    expect(summary.additions).toBe(1);
  });

  it("falls back to the files a patch text names", () => {
    const patchText =
      "*** Begin Patch\n*** Add File: new.txt\n+hi\n*** Update File: old.py\n*** Move to: moved.py\n" +
      "@@\n-a\n+b\n*** Delete File: gone.md\n*** End Patch";
    const changes = patchChanges({ patchText }, {});
    expect(changes.map((c) => [c.path, c.type, c.movePath])).toEqual([
      ["new.txt", "add", undefined],
      ["old.py", "move", "moved.py"],
      ["gone.md", "delete", undefined],
    ]);
    const one = summarize({
      tool: "patch",
      state: running({ patchText: "*** Update File: x.py\n" }),
    });
    expect(one.label).toBe("Editing x.py");
    expect(one.additions).toBeUndefined();
  });
});

describe("todos", () => {
  const todos = [
    { content: "Read hello.py and run it", status: "completed", priority: "medium" },
    { content: "Clean up the cache folder", status: "in_progress", priority: "medium" },
    { content: "Update the greeting", status: "pending", priority: "medium" },
  ];

  it("says how far the plan is", () => {
    const summary = summarize({ tool: "todowrite", state: done({ todos }, { todos }) });
    expect(summary.label).toBe("Planned 3 todos");
    expect(summary.meta).toEqual(["1 of 3 done"]);
  });

  it("reads the list from metadata, else from the input", () => {
    expect(todoItems({ todos }, {})).toHaveLength(3);
    expect(todoItems({}, { todos: todos.slice(0, 1) })).toEqual([
      { content: "Read hello.py and run it", status: "completed", priority: "medium" },
    ]);
  });

  it("drops malformed entries and unknown statuses", () => {
    const items = todoItems(
      { todos: [{ content: "x", status: "weird" }, { status: "done" }, 7] },
      {},
    );
    expect(items).toEqual([{ content: "x", status: "pending", priority: "medium" }]);
  });

  it("does not count cancelled ones", () => {
    const items = todoItems(
      {
        todos: [
          { content: "a", status: "completed" },
          { content: "b", status: "cancelled" },
        ],
      },
      {},
    );
    expect(todoSummary(todoProgress(items))).toBe("1 of 1 done");
  });

  it("names todoread as reading the list", () => {
    const summary = summarize({ tool: "todoread", state: done({}, { todos }) });
    expect(summary.label).toBe("Read the todo list");
    expect(summary.meta).toEqual(["1 of 3 done"]);
  });
});

describe("task", () => {
  const output =
    '<task id="ses_child123" state="completed">\n<task_result>\nAll good.\n</task_result>\n</task>';

  it("shows the description and the agent", () => {
    const state = done(
      { description: "Survey the project", prompt: "Look", subagent_type: "general" },
      { sessionId: "ses_child123" },
      output,
    );
    const summary = summarize({ tool: "task", state });
    expect(summary.label).toBe("Delegated Survey the project");
    expect(summary.meta).toEqual(["general agent"]);
  });

  it("finds the child session", () => {
    expect(taskSessionId({ sessionId: "ses_a" }, "")).toBe("ses_a");
    expect(taskSessionId({}, output)).toBe("ses_child123");
    expect(taskSessionId({}, "task_id: ses_old42\n\n<task_result>x</task_result>")).toBe(
      "ses_old42",
    );
    expect(taskSessionId({}, "nothing")).toBeUndefined();
  });

  it("takes the sub-agent's answer out of its wrapper", () => {
    expect(taskResult(output)).toBe("All good.");
    expect(taskResult("plain answer")).toBe("plain answer");
  });
});

describe("webfetch", () => {
  it("shows the URL and format", () => {
    const summary = summarize({
      tool: "webfetch",
      state: failed({ url: "http://127.0.0.1:9/nothing", format: "markdown" }, "Transport error"),
    });
    expect(summary.label).toBe("Fetch http://127.0.0.1:9/nothing, failed");
    expect(summary.meta).toEqual(["markdown"]);
  });

  it("links only http and https", () => {
    expect(safeUrl("https://example.com/a?b=1")).toBe("https://example.com/a?b=1");
    expect(safeUrl("http://127.0.0.1:9/nothing")).toBe("http://127.0.0.1:9/nothing");
    expect(safeUrl("javascript:alert(1)")).toBeUndefined();
    expect(safeUrl("data:text/html,<b>x</b>")).toBeUndefined();
    expect(safeUrl("file:///etc/passwd")).toBeUndefined();
    expect(safeUrl("not a url")).toBeUndefined();
  });
});

describe("question", () => {
  const input = {
    questions: [
      {
        question: "Which?",
        header: "Choice",
        options: [
          { label: "Red", description: "Choose Red" },
          { label: "Blue", description: "Choose Blue" },
        ],
      },
    ],
  };

  it("pairs the questions with their answers", () => {
    const asked = askedQuestions(input, { answers: [["Blue"]] });
    expect(asked).toEqual([
      {
        question: "Which?",
        header: "Choice",
        options: [
          { label: "Red", description: "Choose Red" },
          { label: "Blue", description: "Choose Blue" },
        ],
        multiple: false,
        answers: ["Blue"],
      },
    ]);
    expect(askedQuestions(input, {})[0]?.answers).toBeUndefined();
  });

  it("says it was answered", () => {
    const summary = summarize({ tool: "question", state: done(input, { answers: [["Blue"]] }) });
    expect(summary.label).toBe("Asked Which?");
    expect(summary.meta).toEqual(["answered"]);
    const waiting = summarize({ tool: "question", state: running(input) });
    expect(waiting.label).toBe("Asking Which?");
    expect(waiting.meta).toEqual([]);
  });

  it("counts several questions", () => {
    const two = { questions: [...input.questions, { question: "Why?", header: "", options: [] }] };
    const summary = summarize({ tool: "question", state: done(two, { answers: [["Red"], []] }) });
    expect(summary.subject).toBe("2 questions");
    expect(summary.meta).toEqual(["2 answered"]);
  });
});

describe("odd calls", () => {
  it("names a skill by its name", () => {
    const summary = summarize({ tool: "skill", state: done({ name: "release-notes" }) });
    expect(summary.label).toBe("Loaded skill release-notes");
  });

  it("survives input that is not an object", () => {
    const state = { status: "pending", input: null } as unknown as ToolState;
    expect(summarize({ tool: "bash", state }).label).toBe("Running");
    expect(summarize({ tool: "read", state }).subject).toBe("");
    expect(summarize({ tool: "todowrite", state }).label).toBe("Planning 0 todos");
  });

  it("ignores metadata of the wrong shape", () => {
    const state = done({ filePath: "a.py" }, { display: "x", filediff: 3, todos: "no" });
    expect(summarize({ tool: "read", state }).meta).toEqual([]);
    expect(summarize({ tool: "edit", state }).additions).toBeUndefined();
    expect(todoItems({}, { todos: "no" })).toEqual([]);
  });
});

describe("unknown tools", () => {
  it("names the tool and its first text argument", () => {
    const summary = summarize({
      tool: "github_search",
      state: done({ query: "solid details", limit: 5 }),
    });
    expect(summary.label).toBe("Called github_search");
    expect(summary.meta).toEqual(["solid details"]);
  });

  it("turns keys into words", () => {
    expect(keyLabel("filePath")).toBe("File path");
    expect(keyLabel("subagent_type")).toBe("Subagent type");
    expect(keyLabel("URL")).toBe("Url");
    expect(keyLabel("x")).toBe("X");
  });

  it("shows short values inline and long ones as blocks", () => {
    const rows = valueRows({
      query: "solid",
      limit: 5,
      exact: true,
      since: null,
      body: "line one\nline two",
      tags: ["a", "b"],
      empty: "",
    });
    expect(rows).toEqual([
      { key: "Query", kind: "text", text: "solid" },
      { key: "Limit", kind: "text", text: "5" },
      { key: "Exact", kind: "text", text: "yes" },
      { key: "Since", kind: "text", text: "none" },
      { key: "Body", kind: "block", text: "line one\nline two" },
      { key: "Tags", kind: "text", text: "a, b" },
      { key: "Empty", kind: "text", text: "(empty)" },
    ]);
    const long = "x".repeat(81);
    expect(valueRows({ long })[0]).toEqual({ key: "Long", kind: "block", text: long });
  });

  it("indents nested objects and lists of objects", () => {
    const rows = valueRows({ filter: { owner: "me", labels: [] }, items: [{ id: 1 }, { id: 2 }] });
    expect(rows).toEqual([
      {
        key: "Filter",
        kind: "group",
        rows: [
          { key: "Owner", kind: "text", text: "me" },
          { key: "Labels", kind: "text", text: "(none)" },
        ],
      },
      {
        key: "Items",
        kind: "group",
        rows: [
          { key: "1", kind: "group", rows: [{ key: "Id", kind: "text", text: "1" }] },
          { key: "2", kind: "group", rows: [{ key: "Id", kind: "text", text: "2" }] },
        ],
      },
    ]);
  });

  it("never prints JSON, however deep", () => {
    let deep: Record<string, unknown> = { leaf: "x" };
    for (let i = 0; i < 10; i++) deep = { next: deep };
    const text = JSON.stringify(valueRows(deep));
    expect(text).not.toContain("{\\");
    expect(text).toContain("1 field");
    expect(JSON.stringify(valueRows({ a: {} }))).toContain("(empty)");
  });
});

describe("grouping exploration", () => {
  const refs = (spec: string): PartRef[] =>
    spec.split(" ").map((token, index) => ({
      id: `p${index}`,
      kind: token === "e" ? "explore" : token === "q" ? "quiet" : "other",
    }));

  it("groups a run of exploration calls under its first", () => {
    const groups = groupExploration(refs("o e q e e o"));
    expect(groups.get("p1")).toEqual({ role: "lead", members: ["p1", "p3", "p4"] });
    expect(groups.get("p3")).toEqual({ role: "member", lead: "p1" });
    expect(groups.get("p4")).toEqual({ role: "member", lead: "p1" });
    expect(groups.get("p0")).toEqual({ role: "solo" });
    expect(groups.get("p5")).toEqual({ role: "solo" });
    expect(groups.get("p2")).toEqual({ role: "solo" });
  });

  it("leaves a lone call alone", () => {
    const groups = groupExploration(refs("e o e"));
    expect(groups.get("p0")).toEqual({ role: "solo" });
    expect(groups.get("p2")).toEqual({ role: "solo" });
  });

  it("splits runs at anything visible", () => {
    const groups = groupExploration(refs("e e o e e"));
    expect(groups.get("p0")).toEqual({ role: "lead", members: ["p0", "p1"] });
    expect(groups.get("p3")).toEqual({ role: "lead", members: ["p3", "p4"] });
  });

  it("classifies parts", () => {
    const tool = (name: string, status = "completed") => ({
      type: "tool",
      tool: name,
      state: { status },
    });
    expect(partKind(tool("read"))).toBe("explore");
    expect(partKind(tool("grep", "running"))).toBe("explore");
    expect(partKind(tool("glob"))).toBe("explore");
    expect(partKind(tool("list"))).toBe("explore");
    expect(partKind(tool("glob", "error"))).toBe("other");
    expect(partKind(tool("bash"))).toBe("other");
    expect(partKind({ type: "step-start" })).toBe("quiet");
    expect(partKind({ type: "step-finish" })).toBe("quiet");
    expect(partKind({ type: "text", text: "  " })).toBe("quiet");
    expect(partKind({ type: "text", text: "hi", synthetic: true })).toBe("quiet");
    expect(partKind({ type: "text", text: "hi" })).toBe("other");
    expect(partKind({ type: "reasoning", text: "" })).toBe("quiet");
    expect(partKind({ type: "reasoning", text: "hmm" })).toBe("other");
    expect(partKind(undefined)).toBe("quiet");
  });

  it("words the group", () => {
    expect(exploredText(["glob", "grep", "read"])).toBe("1 read · 2 searches");
    expect(exploredText(["read", "read", "list"])).toBe("2 reads · 1 list");
    expect(exploredText(["grep"])).toBe("1 search");
  });
});
