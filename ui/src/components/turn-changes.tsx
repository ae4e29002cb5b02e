/**
 * What one turn changed, at its end: "2 changed files +5 −1", then each file with its
 * counts, opening to its diff (`DiffView`, unified or split). The files come from the
 * prompt's `summary.diffs`, which the server sets once the turn is done; when it is
 * missing a moment after that, or a file has no patch, they are fetched with
 * `GET /session/{id}/diff?messageID=<prompt>`.
 */

import { createEffect, createSignal, Index, onCleanup, Show, type JSX } from "solid-js";
import { problemOf, type Problem } from "../api/problems";
import type { FileDiff, UserMessage } from "../api/types";
import { useChatActions } from "../context/chat";
import { useConnection } from "../context/connection";
import { ChevronIcon } from "./icons";
import { DiffView } from "./lazy-code";
import { OpenFileButton } from "./files/open-file";
import { firstChangedLine } from "../lib/file-view";
import { ProblemBox } from "./problem-box";

/** How long the server gets to attach the summary before the diff is fetched instead. */
const SUMMARY_GRACE_MS = 2000;
/** With more files than this, the list starts folded. */
const OPEN_LIST_MAX = 6;

export function TurnChanges(props: { userID: string; done: boolean }): JSX.Element {
  const actions = useChatActions();
  const { connection } = useConnection();
  const [fetched, setFetched] = createSignal<FileDiff[]>();
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [listOpen, setListOpen] = createSignal<boolean>();
  let requested = false;

  const summary = () => {
    const info = actions?.chat.transcript.messages[props.userID];
    return info?.role === "user" ? (info as UserMessage).summary?.diffs : undefined;
  };
  const diffs = (): FileDiff[] => (fetched() ?? summary() ?? []).filter((diff) => diff.file);

  const load = async () => {
    const current = connection();
    const sessionID = actions?.chat.sessionID;
    if (!current || !sessionID) return;
    requested = true;
    setProblem(null);
    try {
      const answer = await current.client.messageDiff(sessionID, props.userID);
      if (!current.disposed) setFetched(Array.isArray(answer) ? answer : []);
    } catch (error) {
      setProblem({ ...problemOf(error), title: `The changed files did not load` });
    }
  };

  createEffect(() => {
    if (!props.done || summary() !== undefined || requested) return;
    const timer = setTimeout(() => {
      if (summary() === undefined && !requested) void load();
    }, SUMMARY_GRACE_MS);
    onCleanup(() => clearTimeout(timer));
  });

  const additions = () => diffs().reduce((sum, diff) => sum + (diff.additions || 0), 0);
  const deletions = () => diffs().reduce((sum, diff) => sum + (diff.deletions || 0), 0);
  const open = () => listOpen() ?? diffs().length <= OPEN_LIST_MAX;
  const heading = () => `${diffs().length} changed file${diffs().length === 1 ? "" : "s"}`;

  return (
    <>
      <Show when={problem()}>
        {(found) => (
          <div class="turn-changes-problem">
            <ProblemBox problem={found()} />
            <button type="button" class="button small" onClick={() => void load()}>
              Try again
            </button>
          </div>
        )}
      </Show>
      <Show when={diffs().length > 0}>
        <section class="turn-changes" aria-label="Changed files">
          <button
            type="button"
            class="turn-changes-head"
            aria-expanded={open()}
            onClick={() => setListOpen(!open())}
          >
            <ChevronIcon />
            <span class="turn-changes-title">{heading()}</span>
            <span class="mono">
              <span class="added">+{additions()}</span> <span class="deleted">−{deletions()}</span>
            </span>
          </button>
          <Show when={open()}>
            <ul class="turn-files">
              {/* By position: a fetched list replacing the summary keeps open files open. */}
              <Index each={diffs()}>
                {(diff) => <TurnFile diff={diff()} onMissingPatch={load} fetched={!!fetched()} />}
              </Index>
            </ul>
          </Show>
        </section>
      </Show>
    </>
  );
}

function TurnFile(props: {
  diff: FileDiff;
  fetched: boolean;
  onMissingPatch: () => Promise<void>;
}): JSX.Element {
  const [open, setOpen] = createSignal(false);
  const path = () => props.diff.file ?? "";
  const name = () => path().split("/").pop() ?? path();
  const folder = () => path().slice(0, path().length - name().length);
  const toggle = () => {
    const next = !open();
    setOpen(next);
    // A summary may list a file without its patch: the per-turn diff has it.
    if (next && !props.diff.patch && !props.fetched) void props.onMissingPatch();
  };
  return (
    <li class="turn-file" data-status={props.diff.status ?? "modified"}>
      <div class="turn-file-row">
        <button
          type="button"
          class="turn-file-head"
          aria-expanded={open()}
          aria-label={`${path()}, ${props.diff.status ?? "modified"}, ${props.diff.additions} added, ${props.diff.deletions} deleted`}
          onClick={toggle}
        >
          <ChevronIcon />
          <span class="turn-file-path mono" title={path()}>
            <span class="muted">{folder()}</span>
            <span>{name()}</span>
          </span>
          <Show when={props.diff.status === "added" || props.diff.status === "deleted"}>
            <span class="turn-file-status">
              {props.diff.status === "added" ? "new" : "deleted"}
            </span>
          </Show>
          <span class="mono turn-file-counts">
            <span class="added">+{props.diff.additions}</span>{" "}
            <span class="deleted">−{props.diff.deletions}</span>
          </span>
        </button>
        <Show when={props.diff.status !== "deleted"}>
          <OpenFileButton
            path={path()}
            line={firstChangedLine(props.diff.patch ?? "")}
            label={`Open ${path()}`}
            compact
          />
        </Show>
      </div>
      <Show when={open()}>
        <div class="turn-file-diff">
          <Show
            when={props.diff.patch}
            fallback={
              <p class="muted">
                {props.fetched
                  ? "No line changes to show (a binary file, or too large)."
                  : "Loading the diff…"}
              </p>
            }
          >
            {(patch) => <DiffView patch={patch()} file={path()} showModeToggle />}
          </Show>
        </div>
      </Show>
    </li>
  );
}
