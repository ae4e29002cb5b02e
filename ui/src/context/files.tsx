/**
 * The project's files on the server in use, for the Files panel and whoever opens a file
 * (`useFiles().open(path, line?)` from a tool card, a changed file or a mention): which
 * side panel of the workspace shows (Changes or Files), the tree (each folder listed when
 * first opened, `GET /file?path=`; the open folders and the file shown remembered per
 * server), git status marks (`GET /vcs/status`, or the older `GET /file/status`), the
 * file shown (`GET /file/content`) and the file search (`GET /find/file`).
 *
 * Nothing is fetched while the panel is closed. When the server reports changed files
 * (`file.edited` from the agent's tools, `file.watcher.updated`, a session's new diff,
 * a branch switch), the marks, the folders listed and the file shown are fetched again,
 * once per burst; after a reconnect or a server switch, everything is.
 */

import {
  batch,
  createContext,
  createEffect,
  createMemo,
  createSignal,
  on,
  onCleanup,
  untrack,
  useContext,
  type Accessor,
  type JSX,
} from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import type { Connection } from "../api/connection";
import { problemOf, type Problem } from "../api/problems";
import type { ServerEvent } from "../api/types";
import {
  ancestorsOf,
  changedFolders,
  cleanListing,
  dirKey,
  loadTreeMemory,
  parentOf,
  projectPath,
  saveTreeMemory,
  statusMarks,
  visibleRows,
  type FileMark,
  type FileNode,
  type TreeRow,
} from "../lib/file-tree";
import { fileView, type FileView } from "../lib/file-view";
import { useConnection, useResync, useServerEvents } from "./connection";
import { localStore } from "../lib/storage";

export type SidePanel = "changes" | "files";

/** Server events that may mean files changed. */
const FILE_EVENTS = new Set([
  "file.edited",
  "file.watcher.updated",
  "session.diff",
  "vcs.branch.updated",
]);
/** Changes come in bursts (an edit, then its diff): one refresh per burst. */
const REFRESH_DELAY_MS = 250;
const SEARCH_LIMIT = 50;

export interface SelectedFile {
  path: string;
  line: number | undefined;
  /** Counts every `open`, so opening the same file again scrolls to its line again. */
  seq: number;
}

export type ContentState =
  | { status: "idle" }
  | { status: "loading"; path: string }
  | { status: "ready"; path: string; view: FileView }
  | { status: "error"; path: string; problem: Problem };

interface FilesValue {
  /** The side panel shown beside the chat, if any. */
  panel: Accessor<SidePanel | null>;
  setPanel(panel: SidePanel | null): void;
  togglePanel(panel: SidePanel): void;
  /**
   * Show the Files panel on `path` (relative to the project, or absolute inside it),
   * its folders opened in the tree, scrolled to `line` when given.
   */
  open(path: string, line?: number): void;
  /** The project's directory on the server, once known. */
  root: Accessor<string | undefined>;
  rows: Accessor<TreeRow[]>;
  listed(dir: string): boolean;
  dirProblem(dir: string): Problem | undefined;
  isExpanded(dir: string): boolean;
  expand(dir: string): void;
  collapse(dir: string): void;
  toggle(dir: string): void;
  /** The tree row that keeps the keyboard focus (roving tabindex). */
  focused: Accessor<string | undefined>;
  setFocused(key: string | undefined): void;
  mark(path: string): FileMark | undefined;
  /** Whether a folder holds a changed file. */
  folderChanged(dir: string): boolean;
  selected: Accessor<SelectedFile | undefined>;
  /** Show a file in the viewer (the panel as it is). */
  select(path: string, line?: number): void;
  content: Accessor<ContentState>;
  /** Fetch the tree, the marks and the file shown again. */
  refresh(): void;
  /** Project files whose path matches `query` (the server's own fuzzy search). */
  find(query: string, signal?: AbortSignal): Promise<string[]>;
}

const FilesContext = createContext<FilesValue>();

export function FilesProvider(props: { children: JSX.Element }): JSX.Element {
  const { connection, server } = useConnection();
  const storage = localStore();
  const [panel, setPanel] = createSignal<SidePanel | null>(null);
  const [root, setRoot] = createSignal<string>();
  const [listings, setListings] = createStore<Record<string, FileNode[]>>({});
  const [problems, setProblems] = createStore<Record<string, Problem | undefined>>({});
  const [expanded, setExpanded] = createSignal<ReadonlySet<string>>(new Set());
  const [marks, setMarks] = createSignal<Map<string, FileMark>>(new Map());
  const [selected, setSelected] = createSignal<SelectedFile>();
  const [content, setContent] = createSignal<ContentState>({ status: "idle" });
  const [focused, setFocused] = createSignal<string>();
  let seq = 0;
  /** The server whose remembered tree is shown. */
  let memoryKey: string | undefined;
  /** What was fetched is for this connection; undefined means "fetch it all when shown". */
  let fetchedFor: Connection | undefined;
  const pendingDirs = new Map<string, Promise<void>>();
  let rootRequest: Promise<string | undefined> | undefined;

  const shown = () => panel() === "files";
  const folderMarks = createMemo(() => changedFolders(marks()));
  const rows = createMemo(() => visibleRows(listings, expanded()));

  // ---- fetching ----
  const ensureRoot = (current: Connection): Promise<string | undefined> => {
    if (root() !== undefined) return Promise.resolve(root());
    rootRequest ??= current.client.path({ timeoutMs: 10_000 }).then(
      (info) => {
        if (!current.disposed && connection() === current) setRoot(info.directory);
        return info.directory;
      },
      () => {
        rootRequest = undefined;
        return undefined;
      },
    );
    return rootRequest;
  };

  const loadDir = (current: Connection, dir: string): Promise<void> => {
    const key = dirKey(dir);
    const pending = pendingDirs.get(key);
    if (pending) return pending;
    const request = current.client
      .listFiles(key, { timeoutMs: 15_000 })
      .then(
        (data) => {
          if (current.disposed || connection() !== current) return;
          batch(() => {
            setListings(key, reconcile(cleanListing(data), { key: "path" }));
            setProblems(key, undefined);
          });
        },
        (error: unknown) => {
          if (current.disposed || connection() !== current) return;
          // A folder remembered from before that is gone now is simply closed.
          if (key !== "" && listings[key] === undefined) {
            setExpanded((open) => without(open, key));
            return;
          }
          setProblems(key, problemOf(error));
        },
      )
      .finally(() => pendingDirs.delete(key));
    pendingDirs.set(key, request);
    return request;
  };

  const loadMarks = async (current: Connection) => {
    let entries: unknown;
    try {
      entries = await current.client.vcsStatus({ timeoutMs: 15_000 });
    } catch {
      // An older server: its file status list.
      try {
        entries = await current.client.fileStatus({ timeoutMs: 15_000 });
      } catch {
        entries = [];
      }
    }
    if (!current.disposed && connection() === current) setMarks(statusMarks(entries));
  };

  let contentGeneration = 0;
  const loadContent = async (current: Connection, path: string, quiet = false) => {
    const mine = ++contentGeneration;
    if (!quiet) setContent({ status: "loading", path });
    try {
      const data = await current.client.fileContent(path, { timeoutMs: 30_000 });
      if (mine !== contentGeneration || current.disposed) return;
      setContent({ status: "ready", path, view: fileView(data) });
    } catch (error) {
      if (mine !== contentGeneration || current.disposed) return;
      setContent({ status: "error", path, problem: problemOf(error) });
    }
  };

  /** Everything the panel shows, fetched again. */
  const fetchAll = (current: Connection) => {
    fetchedFor = current;
    void ensureRoot(current);
    const dirs = ["", ...untrack(expanded)];
    for (const dir of Object.keys(listings)) if (!dirs.includes(dir)) dirs.push(dir);
    for (const dir of dirs) void loadDir(current, dir);
    void loadMarks(current);
    const file = untrack(selected);
    if (file) void loadContent(current, file.path, untrack(content).status === "ready");
  };

  // A switch of server starts over, with that server's remembered tree.
  createEffect(
    on(connection, (current) => {
      fetchedFor = undefined;
      rootRequest = undefined;
      pendingDirs.clear();
      contentGeneration++;
      memoryKey = untrack(server)?.key;
      const memory = loadTreeMemory(storage, memoryKey ?? "");
      batch(() => {
        setRoot(undefined);
        setListings(reconcile({}));
        setProblems(reconcile({}));
        setMarks(new Map());
        setExpanded(new Set(memory.expanded));
        setSelected(
          memory.selected ? { path: memory.selected, line: undefined, seq: ++seq } : undefined,
        );
        setContent({ status: "idle" });
        setFocused(undefined);
      });
      if (current && untrack(shown)) fetchAll(current);
    }),
  );
  // After a reconnect, what was fetched may be stale (the first call is the switch above).
  const resynced = new WeakSet<Connection>();
  useResync((current) => {
    if (!resynced.has(current)) {
      resynced.add(current);
      return;
    }
    if (fetchedFor === current && untrack(shown)) fetchAll(current);
    else fetchedFor = undefined;
  });
  // Opening the panel fetches what it shows, unless it is current.
  createEffect(
    on(shown, (isShown) => {
      const current = untrack(connection);
      if (isShown && current && fetchedFor !== current) fetchAll(current);
    }),
  );
  // Remember the open folders and the file shown (for the server they were loaded for:
  // the server in use changes a moment before its connection does).
  createEffect(() => {
    void connection();
    const key = memoryKey;
    if (key === undefined) return;
    const file = selected();
    saveTreeMemory(storage, key, {
      expanded: [...expanded()],
      ...(file ? { selected: file.path } : {}),
    });
  });
  // The file shown: fetched when chosen (and the panel is shown).
  createEffect(
    on([() => selected()?.path, shown, connection], ([path, isShown, current]) => {
      if (!path || !isShown || !current) return;
      const state = untrack(content);
      if (state.status !== "idle" && state.path === path && fetchedFor === current) return;
      void loadContent(current, path);
    }),
  );

  // ---- following the server's changes ----
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const changedPaths = new Set<string>();
  let everything = false;
  const flush = () => {
    refreshTimer = undefined;
    const current = connection();
    const paths = [...changedPaths];
    const all = everything;
    changedPaths.clear();
    everything = false;
    if (!current || fetchedFor !== current) return;
    if (!shown()) {
      // Fetched again when the panel opens.
      fetchedFor = undefined;
      return;
    }
    void loadMarks(current);
    const dirs = new Set<string>();
    if (all) for (const dir of Object.keys(listings)) dirs.add(dir);
    for (const path of paths) {
      const parent = parentOf(path);
      if (listings[parent] !== undefined) dirs.add(parent);
      // A new folder appears in its parent; a folder's own change reloads it.
      if (listings[path] !== undefined) dirs.add(path);
    }
    for (const dir of dirs) void loadDir(current, dir);
    const file = selected();
    if (file && (all || paths.includes(file.path))) void loadContent(current, file.path, true);
  };
  const onEvent = (event: ServerEvent) => {
    if (!FILE_EVENTS.has(event.type)) return;
    const file = event.properties.file;
    if (typeof file === "string" && file !== "") {
      const path = projectPath(file, root());
      // The server watches its git folder for branch switches: not project files.
      if (path === ".git" || path.startsWith(".git/")) return;
      changedPaths.add(path);
    } else {
      everything = true;
    }
    if (refreshTimer === undefined) refreshTimer = setTimeout(flush, REFRESH_DELAY_MS);
  };
  useServerEvents(onEvent);
  onCleanup(() => clearTimeout(refreshTimer));

  // ---- actions ----
  const expand = (dir: string) => {
    const key = dirKey(dir);
    if (key === "") return;
    setExpanded((open) => (open.has(key) ? open : new Set([...open, key])));
    const current = connection();
    if (current && listings[key] === undefined && shown()) void loadDir(current, key);
  };
  const collapse = (dir: string) => setExpanded((open) => without(open, dirKey(dir)));

  const select = (path: string, line?: number) => {
    setSelected({ path, line, seq: ++seq });
    setFocused(path);
  };

  const open = (path: string, line?: number) => {
    const given = path.trim();
    if (given === "") return;
    const current = connection();
    const show = (directory: string | undefined) => {
      const relative = projectPath(given, directory);
      batch(() => {
        setPanel("files");
        for (const dir of ancestorsOf(relative)) if (!relative.startsWith("/")) expand(dir);
        select(relative, line !== undefined && line > 0 ? Math.floor(line) : undefined);
      });
    };
    if (!given.startsWith("/") || root() !== undefined || !current) show(root());
    else void ensureRoot(current).then(show);
  };

  const value: FilesValue = {
    panel,
    setPanel,
    togglePanel: (name) => setPanel(panel() === name ? null : name),
    open,
    root,
    rows,
    listed: (dir) => listings[dirKey(dir)] !== undefined,
    dirProblem: (dir) => problems[dirKey(dir)],
    isExpanded: (dir) => expanded().has(dirKey(dir)),
    expand,
    collapse,
    toggle: (dir) => (expanded().has(dirKey(dir)) ? collapse(dir) : expand(dir)),
    focused,
    setFocused,
    mark: (path) => marks().get(dirKey(path)),
    folderChanged: (dir) => folderMarks().has(dirKey(dir)),
    selected,
    select,
    content,
    refresh: () => {
      const current = connection();
      if (current) fetchAll(current);
    },
    find: async (query, signal) => {
      const current = connection();
      if (!current) return [];
      const found = await current.client.findFiles(query, {
        query: { type: "file", limit: String(SEARCH_LIMIT) },
        timeoutMs: 10_000,
        ...(signal ? { signal } : {}),
      });
      return Array.isArray(found)
        ? found.filter(
            (path): path is string =>
              typeof path === "string" && path !== "" && !path.endsWith("/"),
          )
        : [];
    },
  };
  return <FilesContext.Provider value={value}>{props.children}</FilesContext.Provider>;
}

/** The set without `key` (what was open inside a closed folder stays open, hidden). */
function without(set: ReadonlySet<string>, key: string): ReadonlySet<string> {
  if (!set.has(key)) return set;
  const next = new Set(set);
  next.delete(key);
  return next;
}

export function useFiles(): FilesValue {
  const value = useContext(FilesContext);
  if (!value) throw new Error("useFiles needs a FilesProvider");
  return value;
}

/** The files, where there is a FilesProvider above (views that also render without one). */
export function useFilesMaybe(): FilesValue | undefined {
  return useContext(FilesContext);
}
