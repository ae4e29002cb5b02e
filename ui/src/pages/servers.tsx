/** Settings → Servers: every server with its live health, and what can be done with each. */

import { createMemo, createSignal, For, Show, type JSX } from "solid-js";
import { ConfirmDialog } from "../components/confirm-dialog";
import { PlusIcon, SearchIcon } from "../components/icons";
import { ServerRow } from "../components/server-row";
import { useHealth } from "../context/health";
import { editPath, useRouter } from "../context/router";
import { useServers, type ServerEntry } from "../context/servers";

/** Above this many servers a search box appears. */
export const SEARCH_THRESHOLD = 4;
export const EXAMPLE_URL = "http://sandbox.my-namespace.svc.cluster.local:4096";

export function ServersPage(): JSX.Element {
  const servers = useServers();
  const health = useHealth();
  const router = useRouter();
  const [query, setQuery] = createSignal("");
  const [removing, setRemoving] = createSignal<ServerEntry>();

  const shown = createMemo(() => {
    const words = query().trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return servers.list();
    return servers.list().filter((entry) => {
      const text = `${entry.label} ${entry.url} ${entry.username ?? ""}`.toLowerCase();
      return words.every((word) => text.includes(word));
    });
  });

  const confirmRemove = async () => {
    const entry = removing();
    setRemoving(undefined);
    // A refusal is shown above the list, which stays as it was.
    if (entry) await servers.remove(entry.key).catch(() => {});
  };

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Servers</h1>
          <p class="page-lead">
            OpenCode servers this notebook connects to. Health is checked every 10 seconds.{" "}
            {servers.user()
              ? `Saved by the notebook for ${servers.user()}, the same in every browser.`
              : "Saved by the notebook, the same in every browser."}
          </p>
        </div>
        <Show when={servers.list().length > 0}>
          <AddButton />
        </Show>
      </header>

      <Show when={servers.problem()}>
        {(found) => (
          <div class="notice warning sync-problem" role="alert">
            <span>{found().message}</span>
            <Show when={found().copy}>
              <button
                type="button"
                class="button small"
                onClick={() => void servers.retry().catch(() => {})}
              >
                Try again
              </button>
            </Show>
          </div>
        )}
      </Show>
      <Show when={!servers.persistent()}>
        <p class="notice">
          This notebook keeps your list only until its service restarts: it was started without a
          place to store it. This browser hands its copy back after a restart.
        </p>
      </Show>

      <Show
        when={servers.list().length > 0}
        fallback={
          <div class="empty">
            <h2>No servers yet</h2>
            <p>
              Enter the address of the OpenCode server running in your sandbox, for example{" "}
              <code>{EXAMPLE_URL}</code>.
            </p>
            <AddButton />
          </div>
        }
      >
        <Show when={servers.list().length > SEARCH_THRESHOLD}>
          <label class="search">
            <SearchIcon />
            <input
              type="search"
              placeholder="Search servers"
              aria-label="Search servers"
              value={query()}
              onInput={(event) => setQuery(event.currentTarget.value)}
            />
          </label>
        </Show>
        <ul class="server-list" aria-label="Servers">
          <For
            each={shown()}
            fallback={<li class="server-list-empty">No server matches “{query()}”.</li>}
          >
            {(entry) => (
              <ServerRow
                entry={entry}
                health={health.of(entry.key)}
                active={servers.active()?.key === entry.key}
                onSelect={() => {
                  servers.select(entry.key);
                  router.navigate("/");
                }}
                onEdit={() => router.navigate(editPath(entry.url))}
                onSetDefault={() => void servers.setDefault(entry.key).catch(() => {})}
                onRemove={() => setRemoving(entry)}
              />
            )}
          </For>
        </ul>
      </Show>

      <ConfirmDialog
        open={removing() !== undefined}
        title={`Remove ${removing()?.label ?? "server"}?`}
        message="It is removed from your list in every browser, and its stored password is forgotten."
        confirmLabel="Remove"
        danger
        onConfirm={() => void confirmRemove()}
        onCancel={() => setRemoving(undefined)}
      />
    </div>
  );
}

function AddButton(): JSX.Element {
  const router = useRouter();
  return (
    <button
      type="button"
      class="button primary"
      onClick={() => router.navigate("/settings/servers/new")}
    >
      <PlusIcon />
      <span>Add server</span>
    </button>
  );
}
