/**
 * This browser's view of the user's state (`api/state`), kept in step with the proxy and
 * with the copy in localStorage (no Solid; `context/servers.tsx` mirrors it in signals):
 *
 * - `sync()` fetches the proxy's state; first it hands over this browser's list when it
 *   was kept the old way or the proxy lost what it had (`planRestore`), with the choices
 *   that go with it. Until a sync worked, the copy is what is shown, and `problem` says so.
 * - `change()` sends one change (after a first sync, so a list kept the old way is never
 *   overwritten) and shows the answer, unless a newer one is already shown.
 * - `copyChanged()` takes a newer state another tab wrote into the copy.
 */

import { kindOfProxyError, problemOf } from "./problems";
import type { StateClient } from "./state";
import {
  loadLegacyChoices,
  loadServers,
  loadSync,
  removeLegacyChoices,
  saveState,
  type KeyValueStorage,
} from "../lib/storage";
import {
  EMPTY_STATE,
  missingPreferences,
  planRestore,
  supersedes,
  type SkippedServer,
  type UserState,
} from "../lib/user-state";

/** Why the list shown may not be the one the proxy keeps, or a change was not kept. */
export interface SyncProblem {
  /** "load": the proxy's list could not be fetched; "save": a change was not stored. */
  kind: "load" | "save";
  /** The list shown is this browser's copy (fetching it again may help). */
  copy: boolean;
  message: string;
}

export interface SyncEvents {
  /** The state shown changed. */
  state(next: UserState): void;
  problem(next: SyncProblem | null): void;
}

function sentence(detail: string): string {
  const text = detail.trim();
  return text === "" || /[.!?]$/.test(text) ? text : `${text}.`;
}

function because(error: unknown): string {
  const found = problemOf(error);
  return sentence(found.detail || found.title);
}

export function loadProblem(error: unknown): SyncProblem {
  return {
    kind: "load",
    copy: true,
    message:
      "Could not load your servers from the notebook service, so this is the copy kept in " +
      `this browser and changes cannot be saved. ${because(error)}`.trimEnd(),
  };
}

/** A change was not kept; `copy`: the list shown is still this browser's copy. */
export function saveProblem(error: unknown, copy: boolean): SyncProblem {
  const what = copy
    ? "Could not save the change, and this list is the copy kept in this browser."
    : "Could not save the change.";
  return { kind: "save", copy, message: `${what} ${because(error)}`.trimEnd() };
}

/** Servers of this browser's list the proxy refused when it was handed over: named, so
 * nothing disappears without a word (the copy then follows the proxy's list). */
export function skippedProblem(skipped: readonly SkippedServer[]): SyncProblem {
  const why = (error: string) =>
    kindOfProxyError(error) === "policy" ? "not allowed by this notebook's policy" : error;
  const each = skipped.map((item) => `${item.url} (${why(item.error)})`).join(", ");
  const what =
    skipped.length === 1
      ? "A server this browser kept was not added to your list:"
      : `${skipped.length} servers this browser kept were not added to your list:`;
  return { kind: "save", copy: false, message: `${what} ${each}.` };
}

/** The state this browser kept, as a state (user and revision as last synced). */
export function copyState(storage: KeyValueStorage | null): UserState {
  if (!storage) return EMPTY_STATE;
  const list = loadServers(storage);
  const sync = loadSync(storage);
  return {
    user: sync?.user ?? null,
    servers: list.servers,
    defaultUrl: list.defaultUrl,
    // Before the first sync, the choices this browser kept the old way.
    preferences: sync?.preferences ?? loadLegacyChoices(storage),
    revision: sync?.revision ?? 0,
    persistent: sync?.persistent ?? true,
  };
}

export class StateSync {
  private shown: UserState;
  private synced = false;
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly client: StateClient,
    private readonly storage: KeyValueStorage | null,
    /** The operator's servers (their keys): choices for them are handed over too. */
    private readonly operatorKeys: readonly string[],
    private readonly events: SyncEvents,
  ) {
    this.shown = copyState(storage);
  }

  /** The state shown: the proxy's once synced, the copy before. */
  get state(): UserState {
    return this.shown;
  }

  /** Whether the proxy's state has been adopted at least once. */
  get isSynced(): boolean {
    return this.synced;
  }

  /** Fetch the proxy's state (one sync at a time; callers share the one under way). */
  sync(): Promise<void> {
    this.syncing ??= this.runSync().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  /** Send a change; the answer (the whole new state) is shown and returned. */
  async change(request: (client: StateClient) => Promise<UserState>): Promise<UserState> {
    if (!this.synced) {
      try {
        await this.sync();
      } catch (error) {
        this.events.problem(saveProblem(error, true));
        throw error;
      }
    }
    const sentAt = this.shown;
    try {
      const answer = await request(this.client);
      this.receive(answer, sentAt);
      this.events.problem(null);
      return answer;
    } catch (error) {
      this.events.problem(saveProblem(error, !this.synced));
      throw error;
    }
  }

  /** Another tab wrote the copy: show its state when it is this user's and newer. */
  copyChanged(): void {
    if (!this.storage) return;
    const copy = copyState(this.storage);
    if (loadSync(this.storage) === null) return;
    // Before this tab synced, what another tab adopted is better than the old copy.
    const newer = copy.user === this.shown.user && copy.revision > this.shown.revision;
    if (!this.synced || newer) {
      this.show(copy);
      // What another tab adopted is the proxy's state: changes may go from here too.
      this.synced = true;
    }
  }

  private show(next: UserState): void {
    this.shown = next;
    this.events.state(next);
  }

  private adopt(next: UserState): void {
    this.show(next);
    if (this.storage) saveState(this.storage, next);
  }

  /** Show an answer unless a newer one is shown already (`sentAt`: shown when asked). */
  private receive(answer: UserState, sentAt: UserState): void {
    if (supersedes(this.shown, answer, sentAt)) this.adopt(answer);
  }

  private async runSync(): Promise<void> {
    const storage = this.storage;
    const copy = storage ? loadServers(storage) : { servers: [], defaultUrl: null };
    const marker = storage ? loadSync(storage) : null;
    const sentAt = this.shown;
    try {
      let answer = await this.client.load();
      const restore = planRestore(copy, marker, answer);
      let skipped: readonly SkippedServer[] = [];
      if (restore) {
        const { skipped: refused = [], ...imported } = await this.client.importList(restore.list);
        answer = imported;
        skipped = refused;
      }
      // The choices that go with it: the old per-browser ones on a first sync, the copy's
      // when the proxy lost them. A choice that cannot be handed over is not worth failing
      // the list for: the old ones are then kept to try again.
      const source =
        marker === null
          ? storage
            ? loadLegacyChoices(storage)
            : {}
          : restore
            ? marker.preferences
            : {};
      let complete = true;
      for (const [key, preferences] of missingPreferences(source, answer, this.operatorKeys)) {
        try {
          answer = await this.client.setPreferences(key, preferences);
        } catch {
          complete = false;
        }
      }
      if (marker === null && complete && storage) removeLegacyChoices(storage);
      if (this.synced) this.receive(answer, sentAt);
      else this.adopt(answer);
      this.synced = true;
      this.events.problem(skipped.length > 0 ? skippedProblem(skipped) : null);
    } catch (error) {
      // Once synced, a failed refresh changes nothing: what is shown is still the proxy's.
      if (!this.synced) this.events.problem(loadProblem(error));
      throw error;
    }
  }
}
