/**
 * "Changes": what the session changed (`GET /session/{id}/diff`) or, when it has no
 * record of its own, the project's uncommitted changes (`GET /vcs/diff?mode=git`), each
 * file with its diff (`DiffView`: highlighted, unchanged lines folded, unified or split).
 * Fetched when opened and after a reconnect, and refreshed by itself whenever the server
 * reports a change: a new diff for the session (`session.diff`), the session going idle,
 * a file edited by the agent (`file.edited`), the watcher's changes (`file.watcher.updated`:
 * in 1.18.33 only the repository's own files, e.g. a checkout or a commit), or a command
 * typed in a terminal that has finished printing (OpenCode reports no changes made outside
 * the agent). Bursts make one fetch (debounced); the refresh button stays as a fallback.
 */

import { createEffect, createSignal, For, on, onCleanup, Show, type JSX } from "solid-js";
import type { Connection } from "../api/connection";
import { problemOf, type Problem } from "../api/problems";
import type { FileDiff } from "../api/types";
import { useConnection, useResync, useServerEvents } from "../context/connection";
import { useTerminal } from "../context/terminal";
import { DiffView } from "./lazy-code";
import { OpenFileButton } from "./files/open-file";
import { firstChangedLine } from "../lib/file-view";
import { ChevronIcon, CloseIcon, RefreshIcon } from "./icons";
import { ProblemBox } from "./problem-box";

type Source = "session" | "project";

/** Events of one burst (an edit, a checkout) make one fetch this long after the last. */
const REFRESH_DELAY_MS = 400;
const FILE_EVENTS = new Set(["file.edited", "file.watcher.updated"]);
const SESSION_EVENTS = new Set(["session.diff", "session.idle"]);

export function ChangesPanel(props: { sessionID: string; onClose: () => void }): JSX.Element {
  const { connection } = useConnection();
  const [files, setFiles] = createSignal<FileDiff[]>([]);
  const [source, setSource] = createSignal<Source>("session");
  const [loading, setLoading] = createSignal(true);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  let generation = 0;

  const load = async (current: Connection) => {
    const mine = ++generation;
    setLoading(true);
    try {
      const own = await current.client.sessionDiff(props.sessionID);
      let shown: FileDiff[] = own;
      let from: Source = "session";
      if (own.length === 0) {
        try {
          shown = await current.client.projectDiff();
          from = "project";
        } catch {
          // Not a git repository: the session's (empty) record is all there is.
        }
      }
      if (mine !== generation || current.disposed) return;
      setFiles(shown);
      setSource(from);
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

  const totals = () =>
    files().reduce(
      (sum, file) => ({
        additions: sum.additions + (file.additions ?? 0),
        deletions: sum.deletions + (file.deletions ?? 0),
      }),
      { additions: 0, deletions: 0 },
    );

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
        <Show when={!problem() && !loading() && files().length === 0}>
          <p class="panel-empty">No changes yet.</p>
        </Show>
        <Show when={files().length > 0}>
          <p class="changes-source">
            {source() === "session"
              ? "Files this session changed."
              : "Uncommitted changes in the project."}
          </p>
          <ul class="diff-files" aria-label="Changed files">
            <For each={files()}>{(file) => <FileDiffView file={file} />}</For>
          </ul>
        </Show>
      </div>
    </aside>
  );
}

function FileDiffView(props: { file: FileDiff }): JSX.Element {
  const name = () => props.file.file ?? "(unnamed)";
  return (
    <li class="diff-file" aria-label={name()}>
      <details open>
        <summary>
          <ChevronIcon />
          <span class="diff-name mono" title={name()}>
            {name()}
          </span>
          <Show when={props.file.status}>
            <span class="badge" data-status={props.file.status}>
              {props.file.status}
            </span>
          </Show>
          <span class="mono diff-counts">
            <span class="added">+{props.file.additions}</span>{" "}
            <span class="deleted">−{props.file.deletions}</span>
          </span>
          <Show when={props.file.file && props.file.status !== "deleted"}>
            <OpenFileButton
              path={props.file.file}
              line={firstChangedLine(props.file.patch ?? "")}
              label={`Open ${name()}`}
              compact
            />
          </Show>
        </summary>
        <Show
          when={props.file.patch}
          fallback={<p class="panel-empty">No line-by-line diff for this file.</p>}
        >
          {(patch) => <DiffView patch={patch()} file={name()} />}
        </Show>
      </details>
    </li>
  );
}
