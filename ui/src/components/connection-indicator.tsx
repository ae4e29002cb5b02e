/** The event stream's state, small, in the shell's top bar. */

import { createSignal, onCleanup, Show, type JSX } from "solid-js";
import { useConnection } from "../context/connection";

const LABELS = {
  connecting: "Connecting",
  connected: "Live",
  reconnecting: "Reconnecting",
  closed: "Not connected",
} as const;

export function ConnectionIndicator(): JSX.Element {
  const { state, server } = useConnection();
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(tick));

  const countdown = () => {
    const current = state();
    if (current.status !== "reconnecting") return "";
    const seconds = Math.max(0, Math.ceil((current.retryAt - now()) / 1000));
    return seconds > 0 ? `in ${seconds} s` : "now";
  };
  const description = () => {
    const current = state();
    if (current.status === "reconnecting") {
      const why = current.reason === "silent" ? "no heartbeat for 15 s" : "the stream broke";
      return `Event stream lost (${why}); retrying with backoff.`;
    }
    if (current.status === "connected") return "Receiving live events from the server.";
    return "";
  };

  return (
    <Show when={server()}>
      <div
        class="connection-indicator"
        data-status={state().status}
        role="status"
        title={description()}
        aria-label={`Event stream: ${LABELS[state().status].toLowerCase()}`}
      >
        <span class="pulse" aria-hidden="true" />
        <span class="connection-label">{LABELS[state().status]}</span>
        <span class="connection-countdown" aria-hidden="true">
          {countdown()}
        </span>
      </div>
    </Show>
  );
}
