/**
 * The file tree's state, as plain data: folders listed one at a time (`GET /file?path=`),
 * which are open, the rows a tree view shows (folders first, then names in a natural,
 * case-insensitive order), keyboard moves along them (the WAI-ARIA tree pattern: Up/Down,
 * Right opens or enters, Left closes or goes to the parent, Home/End, a letter jumps),
 * git status marks for files and the folders holding them, and the open folders kept in
 * localStorage per server.
 *
 * Written by hand: the tree is a few maps over the server's own listing, and no kept
 * library does lazy per-folder listing with these rules without bringing its own view.
 */

import type { FileNode, FileStatusEntry } from "../api/types";
import type { KeyValueStorage } from "./storage";

export type { FileNode };

export type GitStatus = "added" | "modified" | "deleted";

export interface FileMark {
  status: GitStatus;
  additions: number;
  deletions: number;
}

/** A folder's key: its path without a trailing slash, "" for the project's root. */
export function dirKey(path: string): string {
  return path.replace(/^\.\/+/, "").replace(/\/+$/, "");
}

/** The folder holding `path` ("" at the top). */
export function parentOf(path: string): string {
  const key = dirKey(path);
  const at = key.lastIndexOf("/");
  return at < 0 ? "" : key.slice(0, at);
}

/** Every folder above `path`, outermost first (not counting the root). */
export function ancestorsOf(path: string): string[] {
  const parts = dirKey(path).split("/").slice(0, -1);
  return parts.map((_, index) => parts.slice(0, index + 1).join("/"));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Folders first, then by name, naturally ("file2" before "file10"), case aside. */
export function sortNodes(nodes: readonly FileNode[]): FileNode[] {
  return [...nodes].sort((a, b) => {
    if (a.type !== b.type) return a.type === "directory" ? -1 : 1;
    return collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  });
}

/** Keep only well-formed entries of a listing (it comes from the server). */
export function cleanListing(data: unknown): FileNode[] {
  if (!Array.isArray(data)) return [];
  const nodes: FileNode[] = [];
  for (const entry of data) {
    if (typeof entry !== "object" || entry === null) continue;
    const { name, path, absolute, type, ignored } = entry as Record<string, unknown>;
    if (typeof name !== "string" || typeof path !== "string" || name === "") continue;
    if (type !== "file" && type !== "directory") continue;
    const node: FileNode = { name, path, type };
    if (typeof absolute === "string") node.absolute = absolute;
    if (ignored === true) node.ignored = true;
    nodes.push(node);
  }
  return sortNodes(nodes);
}

export interface TreeRow {
  node: FileNode;
  /** The path without a trailing slash: the row's identity. */
  key: string;
  /** 1 for the top level. */
  level: number;
  parent: string;
  /** For folders: open or not; undefined for files. */
  expanded: boolean | undefined;
  /** An open folder whose listing has not arrived yet. */
  loading: boolean;
  /** Position among its siblings, from 1, and how many siblings there are. */
  position: number;
  siblings: number;
}

/**
 * The rows a tree view shows: each listed folder's entries under it, for the open
 * folders only (an open folder not listed yet shows as loading, with no children).
 */
export function visibleRows(
  listings: Readonly<Record<string, readonly FileNode[] | undefined>>,
  expanded: ReadonlySet<string>,
  root = "",
): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (dir: string, level: number) => {
    const nodes = listings[dir];
    if (!nodes) return;
    nodes.forEach((node, index) => {
      const key = dirKey(node.path);
      const folder = node.type === "directory";
      const open = folder && expanded.has(key);
      rows.push({
        node,
        key,
        level,
        parent: dir,
        expanded: folder ? open : undefined,
        loading: open && listings[key] === undefined,
        position: index + 1,
        siblings: nodes.length,
      });
      if (open) walk(key, level + 1);
    });
  };
  walk(root, 1);
  return rows;
}

export type TreeAction =
  | { kind: "focus"; key: string }
  | { kind: "expand"; key: string }
  | { kind: "collapse"; key: string }
  | { kind: "open"; key: string }
  | { kind: "none" };

/**
 * What a key does in the tree, with `current` the focused row's key (the first row when
 * nothing is focused yet). Enter and Space open a file or open/close a folder.
 */
export function treeKey(
  rows: readonly TreeRow[],
  current: string | undefined,
  key: string,
): TreeAction {
  if (rows.length === 0) return { kind: "none" };
  let at = rows.findIndex((row) => row.key === current);
  if (at < 0) {
    return key === "End"
      ? { kind: "focus", key: rows[rows.length - 1]!.key }
      : { kind: "focus", key: rows[0]!.key };
  }
  const row = rows[at]!;
  switch (key) {
    case "ArrowDown":
      return at + 1 < rows.length ? { kind: "focus", key: rows[at + 1]!.key } : { kind: "none" };
    case "ArrowUp":
      return at > 0 ? { kind: "focus", key: rows[at - 1]!.key } : { kind: "none" };
    case "Home":
      return { kind: "focus", key: rows[0]!.key };
    case "End":
      return { kind: "focus", key: rows[rows.length - 1]!.key };
    case "ArrowRight":
      if (row.expanded === false) return { kind: "expand", key: row.key };
      if (row.expanded === true) {
        const child = rows[at + 1];
        return child && child.parent === row.key
          ? { kind: "focus", key: child.key }
          : { kind: "none" };
      }
      return { kind: "none" };
    case "ArrowLeft":
      if (row.expanded === true) return { kind: "collapse", key: row.key };
      return row.parent !== "" && rows.some((other) => other.key === row.parent)
        ? { kind: "focus", key: row.parent }
        : { kind: "none" };
    case "Enter":
    case " ":
      if (row.expanded === undefined) return { kind: "open", key: row.key };
      return row.expanded ? { kind: "collapse", key: row.key } : { kind: "expand", key: row.key };
    default:
      break;
  }
  // A printable character: the next row (after this one, wrapping) whose name starts with it.
  if (key.length === 1 && key.trim() !== "") {
    const letter = key.toLowerCase();
    for (let step = 1; step <= rows.length; step++) {
      at = (at + 1) % rows.length;
      if (rows[at]!.node.name.toLowerCase().startsWith(letter))
        return { kind: "focus", key: rows[at]!.key };
    }
  }
  return { kind: "none" };
}

const STATUSES: readonly GitStatus[] = ["added", "modified", "deleted"];

/** File path → its mark, from a status list (either endpoint's shape; bad entries dropped). */
export function statusMarks(entries: unknown): Map<string, FileMark> {
  const marks = new Map<string, FileMark>();
  if (!Array.isArray(entries)) return marks;
  for (const entry of entries as FileStatusEntry[]) {
    if (typeof entry !== "object" || entry === null) continue;
    const path = typeof entry.file === "string" ? entry.file : entry.path;
    const status = entry.status as GitStatus;
    if (typeof path !== "string" || path === "" || !STATUSES.includes(status)) continue;
    marks.set(dirKey(path), {
      status,
      additions: numberOr0(entry.additions ?? entry.added),
      deletions: numberOr0(entry.deletions ?? entry.removed),
    });
  }
  return marks;
}

function numberOr0(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** The folders holding at least one marked file (each with every folder above it). */
export function changedFolders(marks: ReadonlyMap<string, FileMark>): Set<string> {
  const folders = new Set<string>();
  for (const path of marks.keys()) for (const dir of ancestorsOf(path)) folders.add(dir);
  return folders;
}

/** How a mark reads: a letter for the eye, a word for the ear. */
export const MARK_TEXT: Record<GitStatus, { letter: string; label: string }> = {
  added: { letter: "A", label: "added" },
  modified: { letter: "M", label: "modified" },
  deleted: { letter: "D", label: "deleted" },
};

/**
 * A path as the file panel names it: relative to the project, without "./" or a trailing
 * slash; an absolute path outside the project stays absolute.
 */
export function projectPath(path: string, root: string | undefined): string {
  let value = path.trim().replace(/\\/g, "/");
  const base = (root ?? "").replace(/\/+$/, "");
  if (base !== "" && (value === base || value.startsWith(`${base}/`))) {
    value = value.slice(base.length + 1);
  }
  return value.startsWith("/") ? value.replace(/\/+$/, "") : dirKey(value);
}

// ---------- remembered open folders ----------

export const TREE_STORAGE_PREFIX = "opencode-proxy.files.v1:";
/** Enough for any tree a person opens by hand. */
const REMEMBERED_LIMIT = 200;

export interface TreeMemory {
  expanded: string[];
  selected?: string;
}

/** The open folders (and the file shown) remembered for one server. */
export function loadTreeMemory(storage: KeyValueStorage | undefined, server: string): TreeMemory {
  try {
    const data: unknown = JSON.parse(storage?.getItem(TREE_STORAGE_PREFIX + server) ?? "{}");
    if (typeof data !== "object" || data === null) return { expanded: [] };
    const { expanded, selected } = data as Record<string, unknown>;
    const memory: TreeMemory = {
      expanded: Array.isArray(expanded)
        ? expanded
            .filter((item): item is string => typeof item === "string")
            .slice(0, REMEMBERED_LIMIT)
        : [],
    };
    if (typeof selected === "string" && selected !== "") memory.selected = selected;
    return memory;
  } catch {
    return { expanded: [] };
  }
}

export function saveTreeMemory(
  storage: KeyValueStorage | undefined,
  server: string,
  memory: TreeMemory,
): void {
  try {
    const value: TreeMemory = { expanded: memory.expanded.slice(0, REMEMBERED_LIMIT) };
    if (memory.selected) value.selected = memory.selected;
    storage?.setItem(TREE_STORAGE_PREFIX + server, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the tree is remembered for this page only.
  }
}
