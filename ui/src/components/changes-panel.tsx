/**
 * "Changes": what the session changed (`GET /session/{id}/diff`) or the project's
 * uncommitted changes (`GET /vcs/diff?mode=git`): the session's by default, the project's
 * when it has no record of its own, with a switch between the two in a git repository
 * (the choice kept while the panel is open). A list of the files at the top jumps to
 * each one's diff (`DiffView`: highlighted, unchanged lines folded, unified or split);
 * each diff folds by its header, and all of them at once.
 * Fetched when opened and after a reconnect, and refreshed by itself whenever the server
 * reports a change: a new diff for the session (`session.diff`), the session going idle,
 * a file edited by the agent (`file.edited`), the watcher's changes (`file.watcher.updated`:
 * in 1.18.33 only the repository's own files, e.g. a checkout or a commit), or a command
 * typed in a terminal that has finished printing (OpenCode reports no changes made outside
 * the agent). Bursts make one fetch (debounced); the refresh button stays as a fallback.
 */

import {
  createEffect,
  createSignal,
  createUniqueId,
  For,
  on,
  onCleanup,
  onMount,
  Show,
  type JSX,
} from "solid-js";
import type { Connection } from "../api/connection";
import { problemOf, type Problem } from "../api/problems";
import type { FileDiff } from "../api/types";
import { useConnection, useResync, useServerEvents } from "../context/connection";
import { useTerminal } from "../context/terminal";
import { DiffView } from "./lazy-code";
import { OpenFileButton } from "./files/open-file";
import { firstChangedLine } from "../lib/file-view";
import { canSwitch, diffName, diffTotals, shownSource, type ChangesSource } from "../lib/changes";
import { ChevronIcon, CloseIcon, RefreshIcon } from "./icons";
import { ProblemBox } from "./problem-box";

/** Events of one burst (an edit, a checkout) make one fetch this long after the last. */
const REFRESH_DELAY_MS = 400;
const FILE_EVENTS = new Set(["file.edited", "file.watcher.updated"]);
const SESSION_EVENTS = new Set(["session.diff", "session.idle"]);

export function ChangesPanel(props: { sessionID: string; onClose: () => void }): JSX.Element {
  const { connection } = useConnection();
  const [own, setOwn] = createSignal<FileDiff[]>([]);
  /** Null: the project's changes are unavailable (not a git repository). */
  const [project, setProject] = createSignal<FileDiff[] | null>(null);
  const [choice, setChoice] = createSignal<ChangesSource | null>(null);
  const [collapsed, setCollapsed] = createSignal<ReadonlySet<string>>(new Set());
  const [loading, setLoading] = createSignal(true);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const source = () => shownSource(own(), project(), choice());
  const files = () => (source() === "project" ? (project() ?? []) : own());
  const anchors = new Map<string, { item: HTMLElement; toggle: HTMLButtonElement }>();
  let generation = 0;

  const load = async (current: Connection) => {
    const mine = ++generation;
    setLoading(true);
    try {
      const [session, uncommitted] = await Promise.all([
        current.client.sessionDiff(props.sessionID),
        // Not a git repository: the session's record is all there is.
        current.client.projectDiff().catch(() => null),
      ]);
      if (mine !== generation || current.disposed) return;
      setOwn(session);
      setProject(uncommitted);
      setProblem(null);
    } catch (error) {
      if (mine !== generation || current.disposed) return;
      setProblem(problemOf(error));
    } finally {
      if (mine === generation) setLoading(false);
    }
  };
  useResync((current) => void load(current));
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(refreshTimer));
  const refreshSoon = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      const current = connection();
      if (current && !current.disposed) void load(current);
    }, REFRESH_DELAY_MS);
  };
  useServerEvents((event) => {
    const mine = event.properties.sessionID === props.sessionID;
    if ((mine && SESSION_EVENTS.has(event.type)) || FILE_EVENTS.has(event.type)) refreshSoon();
  });
  const terminal = useTerminal();
  createEffect(on(terminal.commandsSettled, refreshSoon, { defer: true }));

  const totals = () => diffTotals(files());
  const setFolded = (name: string, folded: boolean) =>
    setCollapsed((now) => {
      const next = new Set(now);
      if (folded) next.add(name);
      else next.delete(name);
      return next;
    });
  /** Unfold the file's diff, bring it into view and focus its header. */
  const jumpTo = (name: string) => {
    setFolded(name, false);
    const anchor = anchors.get(name);
    if (!anchor) return;
    anchor.item.scrollIntoView({ block: "start" });
    anchor.toggle.focus({ preventScroll: true });
  };

  return (
    <aside class="changes" aria-labelledby="changes-title">
      <header class="panel-head">
        <h2 id="changes-title">Changes</h2>
        <Show when={files().length > 0}>
          <span class="mono diff-totals">
            <span class="added">+{totals().additions}</span>{" "}
            <span class="deleted">−{totals().deletions}</span>
          </span>
        </Show>
        <div class="panel-spacer" />
        <button
          type="button"
          class="icon-button small"
          aria-label="Refresh changes"
          title="Refresh"
          onClick={() => {
            const current = connection();
            if (current) void load(current);
          }}
        >
          <RefreshIcon />
        </button>
        <button
          type="button"
          class="icon-button small"
          aria-label="Close changes"
          title="Close"
          onClick={() => props.onClose()}
        >
          <CloseIcon />
        </button>
      </header>
      <div class="changes-body" aria-busy={loading()}>
        <Show when={problem()}>{(found) => <ProblemBox problem={found()} />}</Show>
        <Show when={!problem() && canSwitch(project())}>
          <div class="changes-switch" role="group" aria-label="Show changes from">
            <SourceButton
              label="This session"
              pressed={source() === "session"}
              onClick={() => setChoice("session")}
            />
            <SourceButton
              label="Uncommitted"
              pressed={source() === "project"}
              onClick={() => setChoice("project")}
            />
          </div>
        </Show>
        <Show when={!problem() && !loading() && files().length === 0}>
          <p class="panel-empty">
            {!canSwitch(project())
              ? "No changes yet."
              : source() === "session"
                ? "No changes recorded for this session."
                : "No uncommitted changes: the files match the last commit."}
          </p>
        </Show>
        <Show when={files().length > 0}>
          <div class="changes-bar">
            <p class="changes-source">
              {source() === "session"
                ? "Files this session changed."
                : "Uncommitted changes in the project."}
            </p>
            <Show when={files().length > 1}>
              <button
                type="button"
                class="button small"
                onClick={() => setCollapsed(new Set(files().map(diffName)))}
              >
                Collapse all
              </button>
              <button type="button" class="button small" onClick={() => setCollapsed(new Set())}>
                Expand all
              </button>
            </Show>
          </div>
          <Show when={files().length > 1}>
            <nav class="changes-index" aria-label="Files in this change">
              <ul>
                <For each={files()}>
                  {(file) => (
                    <li>
                      <button
                        type="button"
                        title={`Go to ${diffName(file)}`}
                        onClick={() => jumpTo(diffName(file))}
                      >
                        <span class="changes-index-name mono">{diffName(file)}</span>
                        <FileCounts file={file} />
                      </button>
                    </li>
                  )}
                </For>
              </ul>
            </nav>
          </Show>
          <ul class="diff-files" aria-label="Changed files">
            <For each={files()}>
              {(file) => (
                <FileDiffView
                  file={file}
                  open={!collapsed().has(diffName(file))}
                  onToggle={(open) => setFolded(diffName(file), !open)}
                  anchor={(item, toggle) => {
                    const name = diffName(file);
                    anchors.set(name, { item, toggle });
                    return () => {
                      if (anchors.get(name)?.item === item) anchors.delete(name);
                    };
                  }}
                />
              )}
            </For>
          </ul>
        </Show>
      </div>
    </aside>
  );
}

/** A file's "+3 −1", in the file list and on its diff's header. */
function FileCounts(props: { file: FileDiff }): JSX.Element {
  return (
    <span class="mono diff-counts">
      <span class="added">+{props.file.additions ?? 0}</span>{" "}
      <span class="deleted">−{props.file.deletions ?? 0}</span>
    </span>
  );
}

function SourceButton(props: {
  label: string;
  pressed: boolean;
  onClick: () => void;
}): JSX.Element {
  return (
    <button
      type="button"
      class="changes-switch-button"
      aria-pressed={props.pressed}
      onClick={() => props.onClick()}
    >
      {props.label}
    </button>
  );
}

function FileDiffView(props: {
  file: FileDiff;
  open: boolean;
  onToggle: (open: boolean) => void;
  /** Registers the item and its fold toggle for the file list; returns the undo. */
  anchor: (item: HTMLElement, toggle: HTMLButtonElement) => () => void;
}): JSX.Element {
  const name = () => diffName(props.file);
  const bodyID = createUniqueId();
  let item!: HTMLLIElement;
  let toggle!: HTMLButtonElement;
  onMount(() => onCleanup(props.anchor(item, toggle)));
  return (
    <li class="diff-file" aria-label={name()} ref={item}>
      <div class="diff-file-head">
        <button
          type="button"
          class="diff-toggle"
          aria-expanded={props.open}
          aria-controls={bodyID}
          ref={toggle}
          onClick={() => props.onToggle(!props.open)}
        >
          <ChevronIcon />
          <span class="diff-name mono" title={name()}>
            {name()}
          </span>
          <Show when={props.file.status}>
            <span class="badge" data-status={props.file.status}>
              {props.file.status}
            </span>
          </Show>
          <FileCounts file={props.file} />
        </button>
        <Show when={props.file.file && props.file.status !== "deleted"}>
          <OpenFileButton
            path={props.file.file}
            line={firstChangedLine(props.file.patch ?? "")}
            label={`Open ${name()}`}
            compact
          />
        </Show>
      </div>
      <div id={bodyID} hidden={!props.open}>
        <Show when={props.open}>
          <Show
            when={props.file.patch}
            fallback={<p class="panel-empty">No line-by-line diff for this file.</p>}
          >
            {(patch) => <DiffView patch={patch()} file={name()} />}
          </Show>
        </Show>
      </div>
    </li>
  );
}
