/**
 * Settings → Servers → Add / Edit. The URL is normalized and the proxy asked whether this
 * notebook's policy allows it (`api/check`, before any request reaches a server); Save
 * checks the server's health first and refuses, saying why, when it cannot be reached, then
 * has the notebook keep it in the user's list (and says so when it could not).
 */

import { createSignal, Match, onMount, Show, Switch, type JSX } from "solid-js";
import { problem, problemOf, type Problem } from "../api/problems";
import { checkTarget } from "../api/service";
import { ProblemBox } from "../components/problem-box";
import { useConfig } from "../context/config";
import { checkServer, useHealth } from "../context/health";
import { Link, useRouter } from "../context/router";
import { useServers, type ServerEntry } from "../context/servers";
import { normalizeServerUrl } from "../lib/url";
import { EXAMPLE_URL } from "./servers";

const LIST = "/settings/servers";
const DEFAULT_USERNAME = "opencode";

type FormProblem = Pick<Problem, "title" | "detail">;

export function ServerFormPage(props: { editing?: string }): JSX.Element {
  const servers = useServers();
  const router = useRouter();
  return (
    <Switch>
      <Match when={props.editing === undefined}>
        <ServerForm />
      </Match>
      <Match when={props.editing !== undefined && servers.find(props.editing)}>
        {(entry) => (
          <Show
            when={!entry().managed}
            fallback={
              <div class="page">
                <h1>{entry().label}</h1>
                <p class="notice">
                  This server is configured by the notebook's operator and cannot be changed here.
                </p>
                <button type="button" class="button" onClick={() => router.navigate(LIST)}>
                  Back to servers
                </button>
              </div>
            }
          >
            <ServerForm editing={entry()} />
          </Show>
        )}
      </Match>
      <Match when={true}>
        <div class="page">
          <h1>Server not found</h1>
          <p class="notice">It may have been removed in another tab.</p>
          <Link href={LIST} class="button">
            Back to servers
          </Link>
        </div>
      </Match>
    </Switch>
  );
}

function ServerForm(props: { editing?: ServerEntry }): JSX.Element {
  const config = useConfig();
  const servers = useServers();
  const health = useHealth();
  const router = useRouter();
  const editing = props.editing;

  const [url, setUrl] = createSignal(editing?.url ?? "");
  const [name, setName] = createSignal(editing?.name ?? "");
  const [username, setUsername] = createSignal(editing?.username ?? "");
  const [password, setPassword] = createSignal("");
  const [urlProblem, setUrlProblem] = createSignal<FormProblem | null>(null);
  const [saveProblem, setSaveProblem] = createSignal<FormProblem | null>(null);
  const [busy, setBusy] = createSignal(false);
  let urlInput: HTMLInputElement | undefined;
  let passwordInput: HTMLInputElement | undefined;
  onMount(() => urlInput?.focus());

  /** Judge the URL by the proxy's policy, before any server is asked; the problem if refused. */
  const judge = async (): Promise<{ url: string; key: string } | FormProblem> => {
    const normalized = normalizeServerUrl(url());
    if (normalized === "") {
      return { title: "Enter the server's URL", detail: `For example ${EXAMPLE_URL}.` };
    }
    let verdict;
    try {
      verdict = await checkTarget(normalized);
    } catch (error) {
      return problemOf(error);
    }
    if (!verdict.ok) {
      return verdict.problem.code === "bad_target"
        ? { title: "Not a valid server address", detail: verdict.problem.detail }
        : verdict.problem;
    }
    const key = verdict.target;
    const existing = servers.find(key);
    if (existing && existing.key !== editing?.key) {
      return {
        title: "Already in the list",
        detail: `This server is listed as “${existing.label}”.`,
      };
    }
    // Kept in the proxy's canonical form, the form every other part of the app keys by.
    return { url: key, key };
  };

  // Answers can arrive out of order while the user types; only the latest one counts.
  let checks = 0;
  const checkUrl = async () => {
    const asked = ++checks;
    if (url().trim() === "") {
      setUrlProblem(null);
      return;
    }
    const verdict = await judge();
    if (asked === checks) setUrlProblem("key" in verdict ? null : verdict);
  };

  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    if (busy()) return;
    setSaveProblem(null);
    setBusy(true);
    const asked = ++checks;
    const verdict = await judge();
    if (!("key" in verdict)) {
      setBusy(false);
      if (asked === checks) setUrlProblem(verdict);
      urlInput?.focus();
      return;
    }
    setUrlProblem(null);
    try {
      await saveChecked(verdict.url, verdict.key);
    } finally {
      setBusy(false);
    }
  };

  const saveChecked = async (normalized: string, key: string) => {
    const user = username().trim();
    const secret = password();
    const previousUser = editing?.username || DEFAULT_USERNAME;
    if (
      editing?.hasCredentials &&
      editing.key === key &&
      secret === "" &&
      (user || DEFAULT_USERNAME) !== previousUser
    ) {
      // The stored password belongs to the old username; keeping it silently would log in
      // as someone else than the form says.
      setSaveProblem({
        title: "Enter the password for the new username",
        detail: `The stored password belongs to “${previousUser}”. Type the password of “${user || DEFAULT_USERNAME}”, or change the username back.`,
      });
      passwordInput?.focus();
      return;
    }
    let storedNew = false;
    if (secret !== "") {
      try {
        // Verified first: a mistyped password must not replace one that works.
        await servers.storeCredentials(key, user || DEFAULT_USERNAME, secret, { verify: true });
        storedNew = true;
      } catch (error) {
        const found = problemOf(error);
        const kept = editing?.hasCredentials && editing.key === key;
        setSaveProblem(
          found.kind === "auth"
            ? {
                title: found.title,
                detail: kept
                  ? "The server refused them. The password stored before is kept."
                  : "The server refused them; nothing was saved.",
              }
            : found,
        );
        passwordInput?.focus();
        return;
      }
    }
    const result = await checkServer(key, config.proxy_path);
    if (result.status !== "healthy") {
      const found = result.problem ?? problem("server", "");
      if (storedNew && editing?.key !== key) await forgetQuietly(key);
      setSaveProblem(
        found.kind === "auth" && secret === ""
          ? { title: found.title, detail: "This server needs a password: enter it above." }
          : found,
      );
      return;
    }
    health.record(key, result);
    try {
      await servers.save(
        {
          url: normalized,
          name: name(),
          username: user || (secret !== "" || editing?.hasCredentials ? DEFAULT_USERNAME : ""),
        },
        editing?.key,
      );
    } catch (error) {
      // Not in the list: a password stored just now for a new server would be an orphan.
      if (storedNew && editing?.key !== key) await forgetQuietly(key);
      const found = problemOf(error);
      setSaveProblem({ title: "Could not save the server", detail: found.detail || found.title });
      return;
    }
    if (editing && editing.key !== key && editing.hasCredentials) await forgetQuietly(editing.key);
    router.navigate(LIST);
  };

  const forgetQuietly = async (key: string) => {
    try {
      await servers.forgetCredentials(key);
    } catch {
      // The password expires on its own; nothing the user can do about it here.
    }
  };

  const allowText = () =>
    config.allow.length > 0 ? `This notebook can reach ${config.allow.join(", ")}.` : "";

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>{editing ? "Edit server" : "Add server"}</h1>
          <p class="page-lead">
            The server is checked before it is saved. Passwords go to this notebook's service, never
            into the browser's storage.
          </p>
        </div>
      </header>
      <form class="form" onSubmit={(event) => void save(event)} novalidate>
        <div class="field">
          <label for="server-url">Server URL</label>
          <input
            id="server-url"
            ref={urlInput}
            type="text"
            inputmode="url"
            autocomplete="off"
            spellcheck={false}
            placeholder={EXAMPLE_URL}
            value={url()}
            aria-invalid={urlProblem() !== null}
            aria-describedby={urlProblem() ? "server-url-problem" : "server-url-hint"}
            onInput={(event) => {
              setUrl(event.currentTarget.value);
              if (urlProblem()) void checkUrl();
            }}
            onBlur={() => void checkUrl()}
          />
          <Show
            when={urlProblem()}
            fallback={
              <p class="hint" id="server-url-hint">
                {allowText()}
              </p>
            }
          >
            {(found) => <ProblemBox id="server-url-problem" problem={found()} />}
          </Show>
        </div>
        <div class="field">
          <label for="server-name">Name</label>
          <input
            id="server-name"
            type="text"
            autocomplete="off"
            placeholder="Optional, e.g. Team sandbox"
            value={name()}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </div>
        <div class="field-row">
          <div class="field">
            <label for="server-username">Username</label>
            <input
              id="server-username"
              type="text"
              autocomplete="off"
              spellcheck={false}
              placeholder={DEFAULT_USERNAME}
              value={username()}
              onInput={(event) => setUsername(event.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="server-password">Password</label>
            <input
              id="server-password"
              ref={passwordInput}
              type="password"
              autocomplete="new-password"
              placeholder={
                editing?.hasCredentials
                  ? "Stored — leave empty to keep it"
                  : "If the server has one"
              }
              value={password()}
              onInput={(event) => setPassword(event.currentTarget.value)}
            />
          </div>
        </div>
        <Show when={saveProblem()}>{(found) => <ProblemBox problem={found()} />}</Show>
        <div class="form-actions">
          <button type="button" class="button ghost" onClick={() => router.navigate(LIST)}>
            Cancel
          </button>
          <button type="submit" class="button primary" aria-busy={busy()} disabled={busy()}>
            {busy() ? "Checking…" : "Save"}
          </button>
        </div>
      </form>
    </div>
  );
}
