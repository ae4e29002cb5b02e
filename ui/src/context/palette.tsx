/**
 * The command palette's state and the app's key handler. The palette is open or not, in
 * one of three modes (everything, files only, the keyboard shortcuts); its commands are
 * the app's own (new session, panels, servers, settings) plus whatever the views on
 * screen add for as long as they live (`usePaletteCommands`: the chat adds undo, redo,
 * fork, compact, export, share and its Changes toggle).
 *
 * The key handler runs the app-wide shortcuts of `lib/shortcuts.ts` (except Ctrl+`,
 * which the shell's own handler runs from the same table); none fires while another
 * modal dialog is open, and in the terminal only the Ctrl+Shift ones do (Ctrl+K, Ctrl+P,
 * Ctrl+\ and Alt+arrows mean something to the shell).
 */

import {
  createContext,
  createMemo,
  createSignal,
  onCleanup,
  useContext,
  type Accessor,
  type JSX,
} from "solid-js";
import { matchPath } from "../lib/routes";
import { currentPlatform, findShortcut, type ShortcutId } from "../lib/shortcuts";
import { useConnection } from "./connection";
import { useFiles } from "./files";
import { SESSION_ROUTE, sessionPath, useRouter } from "./router";
import { useServers } from "./servers";
import { useSessions } from "./sessions";
import { useTerminal } from "./terminal";

export type PaletteMode = "all" | "files" | "shortcuts";

export interface PaletteCommand {
  id: string;
  title: string;
  /** Words that find it besides its title. */
  keywords?: string;
  /** The shortcut that also runs it, shown beside it. */
  shortcut?: ShortcutId;
  run(): void | Promise<unknown>;
}

interface PaletteValue {
  isOpen: Accessor<boolean>;
  mode: Accessor<PaletteMode>;
  show(mode?: PaletteMode): void;
  setMode(mode: PaletteMode): void;
  close(): void;
  /** Every command on offer now: the app's, then the views'. */
  commands: Accessor<PaletteCommand[]>;
  /** Offer `commands` for as long as the calling component lives. */
  provide(commands: Accessor<PaletteCommand[]>): void;
  /** The session shown, if any. */
  sessionID: Accessor<string | undefined>;
  /** Show a session of the server in use. */
  openSession(id: string): void;
  /** What went wrong with the last command run from the palette (shown when it reopens). */
  problem: Accessor<string | null>;
  setProblem(problem: string | null): void;
}

const PaletteContext = createContext<PaletteValue>();
const LEADING = new Set(["session.new", "files.toggle", "terminal.toggle", "file.find"]);

export function PaletteProvider(props: { children: JSX.Element }): JSX.Element {
  const router = useRouter();
  const servers = useServers();
  const sessions = useSessions();
  const terminal = useTerminal();
  const files = useFiles();
  const { server } = useConnection();
  const [isOpen, setOpen] = createSignal(false);
  const [mode, setMode] = createSignal<PaletteMode>("all");
  const [provided, setProvided] = createSignal<Accessor<PaletteCommand[]>[]>([]);
  const [problem, setProblem] = createSignal<string | null>(null);

  const inSettings = () => router.path().startsWith("/settings");
  const sessionID = () => matchPath(SESSION_ROUTE, router.path())?.session;
  const openSession = (id: string) => {
    const key = servers.active()?.key;
    if (key !== undefined && id !== sessionID()) router.navigate(sessionPath(key, id));
  };
  const newSession = async () => {
    const session = await sessions.create();
    openSession(session.id);
  };
  const stepSession = (step: 1 | -1) => {
    const list = sessions.list();
    if (list.length === 0) return;
    const at = list.findIndex((session) => session.id === sessionID());
    const next = at < 0 ? (step > 0 ? 0 : list.length - 1) : at + step;
    const target = list[Math.min(Math.max(next, 0), list.length - 1)];
    if (target && target.id !== sessionID()) openSession(target.id);
  };
  /** Panels live in the workspace: leave Settings for it first. */
  const inWorkspace = (action: () => void) => () => {
    if (inSettings()) router.navigate("/");
    action();
  };

  const own = createMemo((): PaletteCommand[] => {
    const list: PaletteCommand[] = [];
    const current = server();
    if (current) {
      list.push(
        { id: "session.new", title: "New session", shortcut: "session.new", run: newSession },
        {
          id: "files.toggle",
          title: files.panel() === "files" ? "Hide files" : "Show files",
          keywords: "toggle file tree explorer",
          shortcut: "files.toggle",
          run: inWorkspace(() => files.togglePanel("files")),
        },
        {
          id: "terminal.toggle",
          title: terminal.open() ? "Hide terminal" : "Show terminal",
          keywords: "toggle shell pty",
          shortcut: "terminal.toggle",
          run: inWorkspace(() => terminal.toggle()),
        },
        {
          id: "file.find",
          title: "Find a file…",
          keywords: "open go to",
          shortcut: "file.find",
          run: () => show("files"),
        },
      );
      if (sessions.list().length > 1) {
        list.push(
          {
            id: "session.previous",
            title: "Previous session",
            shortcut: "session.previous",
            run: () => stepSession(-1),
          },
          {
            id: "session.next",
            title: "Next session",
            shortcut: "session.next",
            run: () => stepSession(1),
          },
        );
      }
    }
    for (const entry of servers.list()) {
      if (entry.key === current?.key) continue;
      list.push({
        id: `server.${entry.key}`,
        title: `Switch to ${entry.label}`,
        keywords: `server ${entry.url}`,
        run: () => {
          servers.select(entry.key);
          router.navigate("/");
        },
      });
    }
    list.push(
      {
        id: "settings.open",
        title: "Settings",
        keywords: "servers preferences",
        shortcut: "settings.open",
        run: () => router.navigate("/settings/servers"),
      },
      {
        id: "shortcuts.show",
        title: "Keyboard shortcuts",
        keywords: "keys bindings help",
        run: () => show("shortcuts"),
      },
    );
    return list;
  });
  /** The app's session and panel commands first, then the views', then the rest. */
  const commands = createMemo(() => {
    const mine = own();
    const first = mine.filter((command) => LEADING.has(command.id));
    const rest = mine.filter((command) => !LEADING.has(command.id));
    return [...first, ...provided().flatMap((source) => source()), ...rest];
  });

  const show = (next: PaletteMode = "all") => {
    setMode(next);
    setOpen(true);
  };

  // ---- the app-wide shortcuts ----
  const platform = currentPlatform();
  const run: Partial<Record<ShortcutId, () => void>> = {
    "palette.open": () => (isOpen() && mode() === "all" ? setOpen(false) : show("all")),
    "file.find": () => (isOpen() && mode() === "files" ? setOpen(false) : show("files")),
    "settings.open": () => router.navigate("/settings/servers"),
    "session.new": () => {
      if (server()) void newSession().catch(() => {});
    },
    "session.previous": () => stepSession(-1),
    "session.next": () => stepSession(1),
    "files.toggle": () => {
      if (server()) inWorkspace(() => files.togglePanel("files"))();
    },
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.isComposing) return;
    const shortcut = findShortcut(event, platform);
    if (!shortcut) return;
    const action = run[shortcut.id as ShortcutId];
    if (!action) return;
    // In the terminal, Ctrl+K, Ctrl+P, Ctrl+\ and Alt+arrows are the shell's: only the
    // Ctrl+Shift shortcuts are taken there.
    const target = event.target instanceof Element ? event.target : null;
    if (
      target?.closest(".terminal-panel") &&
      !(event.shiftKey && (event.ctrlKey || event.metaKey))
    ) {
      return;
    }
    // Another modal dialog (a confirmation) keeps the keyboard to itself.
    const modal = document.querySelector("dialog[open]");
    if (modal && !modal.classList.contains("palette")) return;
    if (event.repeat && !shortcut.id.startsWith("session.")) return;
    event.preventDefault();
    if (isOpen() && !shortcut.id.startsWith("palette.") && shortcut.id !== "file.find") {
      setOpen(false);
    }
    action();
  };
  document.addEventListener("keydown", onKey, true);
  onCleanup(() => document.removeEventListener("keydown", onKey, true));

  const value: PaletteValue = {
    isOpen,
    mode,
    show,
    setMode,
    close: () => {
      setOpen(false);
      setProblem(null);
    },
    commands,
    provide: (source) => {
      setProvided((list) => [...list, source]);
      onCleanup(() => setProvided((list) => list.filter((item) => item !== source)));
    },
    sessionID,
    openSession,
    problem,
    setProblem,
  };
  return <PaletteContext.Provider value={value}>{props.children}</PaletteContext.Provider>;
}

export function usePalette(): PaletteValue {
  const value = useContext(PaletteContext);
  if (!value) throw new Error("usePalette needs a PaletteProvider");
  return value;
}

/** Offer commands in the palette while the calling component lives (a no-op without one). */
export function usePaletteCommands(commands: Accessor<PaletteCommand[]>): void {
  useContext(PaletteContext)?.provide(commands);
}
