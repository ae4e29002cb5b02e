import { describe, expect, it } from "vitest";
import {
  ancestorsOf,
  changedFolders,
  cleanListing,
  dirKey,
  loadTreeMemory,
  parentOf,
  projectPath,
  saveTreeMemory,
  sortNodes,
  statusMarks,
  treeKey,
  visibleRows,
  type FileNode,
} from "./file-tree";

const file = (path: string): FileNode => ({ name: path.split("/").pop()!, path, type: "file" });
const dir = (path: string): FileNode => ({
  name: path.replace(/\/$/, "").split("/").pop()!,
  path: `${path.replace(/\/$/, "")}/`,
  type: "directory",
});

describe("paths", () => {
  it("keys folders without slashes and finds parents and ancestors", () => {
    expect(dirKey("src/lib/")).toBe("src/lib");
    expect(dirKey("./a")).toBe("a");
    expect(dirKey("")).toBe("");
    expect(parentOf("src/lib/a.ts")).toBe("src/lib");
    expect(parentOf("a.ts")).toBe("");
    expect(ancestorsOf("src/lib/a.ts")).toEqual(["src", "src/lib"]);
    expect(ancestorsOf("a.ts")).toEqual([]);
  });

  it("makes paths relative to the project", () => {
    expect(projectPath("/work/p/src/a.ts", "/work/p")).toBe("src/a.ts");
    expect(projectPath("/work/p/src/a.ts", "/work/p/")).toBe("src/a.ts");
    expect(projectPath("src/a.ts", "/work/p")).toBe("src/a.ts");
    expect(projectPath("./src/", undefined)).toBe("src");
    expect(projectPath("/etc/hosts", "/work/p")).toBe("/etc/hosts");
    expect(projectPath("/work/pp/a", "/work/p")).toBe("/work/pp/a");
  });
});

describe("listings", () => {
  it("sorts folders first, then names naturally, case aside", () => {
    const sorted = sortNodes([
      file("b.txt"),
      file("README.md"),
      dir("src"),
      file("file10"),
      file("file2"),
      dir(".git"),
    ]);
    expect(sorted.map((node) => node.name)).toEqual([
      ".git",
      "src",
      "b.txt",
      "file2",
      "file10",
      "README.md",
    ]);
  });

  it("keeps only well-formed entries", () => {
    const nodes = cleanListing([
      { name: "a.py", path: "a.py", absolute: "/p/a.py", type: "file", ignored: false },
      { name: "x", path: "x", type: "socket" },
      { path: "nameless", type: "file" },
      "junk",
      null,
      { name: "dist", path: "dist/", type: "directory", ignored: true },
    ]);
    expect(nodes).toEqual([
      { name: "dist", path: "dist/", type: "directory", ignored: true },
      { name: "a.py", path: "a.py", absolute: "/p/a.py", type: "file" },
    ]);
    expect(cleanListing({ not: "a list" })).toEqual([]);
  });
});

describe("visibleRows", () => {
  const listings = {
    "": [dir("src"), dir("tests"), file("README.md")],
    src: [dir("src/lib"), file("src/main.ts")],
    "src/lib": [file("src/lib/a.ts")],
  };

  it("shows the top level only while nothing is open", () => {
    const rows = visibleRows(listings, new Set());
    expect(rows.map((row) => row.key)).toEqual(["src", "tests", "README.md"]);
    expect(rows[0]).toMatchObject({
      level: 1,
      expanded: false,
      position: 1,
      siblings: 3,
      parent: "",
    });
    expect(rows[2]!.expanded).toBeUndefined();
  });

  it("nests open folders and marks an open folder not listed yet as loading", () => {
    const rows = visibleRows(listings, new Set(["src", "src/lib", "tests"]));
    expect(rows.map((row) => `${row.level}:${row.key}`)).toEqual([
      "1:src",
      "2:src/lib",
      "3:src/lib/a.ts",
      "2:src/main.ts",
      "1:tests",
      "1:README.md",
    ]);
    expect(rows.find((row) => row.key === "tests")!.loading).toBe(true);
    expect(rows.find((row) => row.key === "src")!.loading).toBe(false);
  });

  it("keeps what was open inside a closed folder hidden", () => {
    const rows = visibleRows(listings, new Set(["src/lib"]));
    expect(rows.map((row) => row.key)).toEqual(["src", "tests", "README.md"]);
  });
});

describe("treeKey", () => {
  const listings = {
    "": [dir("src"), file("hello.py"), file("README.md")],
    src: [file("src/a.ts"), file("src/b.ts")],
  };
  const closed = visibleRows(listings, new Set());
  const open = visibleRows(listings, new Set(["src"]));

  it("moves up and down, to the ends, and starts at the first row", () => {
    expect(treeKey(closed, undefined, "ArrowDown")).toEqual({ kind: "focus", key: "src" });
    expect(treeKey(closed, "src", "ArrowDown")).toEqual({ kind: "focus", key: "hello.py" });
    expect(treeKey(closed, "README.md", "ArrowDown")).toEqual({ kind: "none" });
    expect(treeKey(closed, "hello.py", "ArrowUp")).toEqual({ kind: "focus", key: "src" });
    expect(treeKey(closed, "hello.py", "Home")).toEqual({ kind: "focus", key: "src" });
    expect(treeKey(closed, "src", "End")).toEqual({ kind: "focus", key: "README.md" });
    expect(treeKey([], undefined, "ArrowDown")).toEqual({ kind: "none" });
  });

  it("opens and enters folders with Right, closes and leaves them with Left", () => {
    expect(treeKey(closed, "src", "ArrowRight")).toEqual({ kind: "expand", key: "src" });
    expect(treeKey(open, "src", "ArrowRight")).toEqual({ kind: "focus", key: "src/a.ts" });
    expect(treeKey(open, "src", "ArrowLeft")).toEqual({ kind: "collapse", key: "src" });
    expect(treeKey(open, "src/b.ts", "ArrowLeft")).toEqual({ kind: "focus", key: "src" });
    expect(treeKey(open, "hello.py", "ArrowLeft")).toEqual({ kind: "none" });
    expect(treeKey(open, "hello.py", "ArrowRight")).toEqual({ kind: "none" });
  });

  it("opens files and toggles folders with Enter and Space", () => {
    expect(treeKey(open, "hello.py", "Enter")).toEqual({ kind: "open", key: "hello.py" });
    expect(treeKey(open, "src", " ")).toEqual({ kind: "collapse", key: "src" });
    expect(treeKey(closed, "src", "Enter")).toEqual({ kind: "expand", key: "src" });
  });

  it("jumps to the next name starting with a typed letter, wrapping", () => {
    expect(treeKey(closed, "src", "r")).toEqual({ kind: "focus", key: "README.md" });
    expect(treeKey(closed, "README.md", "H")).toEqual({ kind: "focus", key: "hello.py" });
    expect(treeKey(closed, "src", "z")).toEqual({ kind: "none" });
  });
});

describe("status marks", () => {
  it("reads both endpoints' shapes and drops bad entries", () => {
    const marks = statusMarks([
      { file: "hello.py", status: "modified", additions: 1, deletions: 1 },
      { path: "src/new.ts", status: "added", added: 3, removed: 0 },
      { file: "gone.txt", status: "deleted" },
      { file: "odd", status: "renamed" },
      { status: "added" },
      7,
    ]);
    expect([...marks.entries()]).toEqual([
      ["hello.py", { status: "modified", additions: 1, deletions: 1 }],
      ["src/new.ts", { status: "added", additions: 3, deletions: 0 }],
      ["gone.txt", { status: "deleted", additions: 0, deletions: 0 }],
    ]);
    expect(statusMarks("nope").size).toBe(0);
  });

  it("knows which folders hold changes", () => {
    const marks = statusMarks([
      { file: "a/b/c.ts", status: "modified" },
      { file: "top.md", status: "added" },
    ]);
    expect([...changedFolders(marks)].sort()).toEqual(["a", "a/b"]);
  });
});

describe("tree memory", () => {
  const storage = () => {
    const data = new Map<string, string>();
    return {
      data,
      getItem: (key: string) => data.get(key) ?? null,
      setItem: (key: string, value: string) => void data.set(key, value),
      removeItem: (key: string) => void data.delete(key),
    };
  };

  it("remembers the open folders and the file shown per server", () => {
    const store = storage();
    saveTreeMemory(store, "http://a", { expanded: ["src", "src/lib"], selected: "src/lib/a.ts" });
    expect(loadTreeMemory(store, "http://a")).toEqual({
      expanded: ["src", "src/lib"],
      selected: "src/lib/a.ts",
    });
    expect(loadTreeMemory(store, "http://b")).toEqual({ expanded: [] });
  });

  it("survives junk and a missing storage", () => {
    const store = storage();
    store.data.set("opencode-proxy.files.v1:x", "{not json");
    expect(loadTreeMemory(store, "x")).toEqual({ expanded: [] });
    store.data.set(
      "opencode-proxy.files.v1:x",
      JSON.stringify({ expanded: ["a", 3, null], selected: 5 }),
    );
    expect(loadTreeMemory(store, "x")).toEqual({ expanded: ["a"] });
    expect(loadTreeMemory(undefined, "x")).toEqual({ expanded: [] });
    expect(() => saveTreeMemory(undefined, "x", { expanded: [] })).not.toThrow();
  });
});
