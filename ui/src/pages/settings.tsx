/** The Settings view: a section list on the left, the chosen section on the right. */

import { onCleanup, type JSX } from "solid-js";
import { Link, useRouter } from "../context/router";
import { ArrowLeftIcon, InfoIcon, ServerIcon } from "../components/icons";
import { SlidersIcon } from "../components/workspace-icons";
import { KeyboardIcon } from "../components/files/file-icons";

export type SettingsSection = "servers" | "preferences" | "shortcuts" | "about";

export function SettingsLayout(props: {
  section: SettingsSection;
  /** Where Escape goes. */
  back: string;
  children: JSX.Element;
}): JSX.Element {
  const router = useRouter();
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    // A dialog handles its own Escape; a search box first clears itself.
    if (document.querySelector("dialog[open]")) return;
    const target = event.target;
    if (target instanceof HTMLInputElement && target.type === "search" && target.value !== "") {
      return;
    }
    event.preventDefault();
    router.navigate(props.back);
  };
  document.addEventListener("keydown", onKey);
  onCleanup(() => document.removeEventListener("keydown", onKey));

  const current = (section: SettingsSection) => (props.section === section ? "page" : undefined);
  return (
    <div class="settings">
      <nav class="settings-nav" aria-label="Settings">
        <Link href="/" class="settings-back">
          <ArrowLeftIcon />
          <span>Back</span>
        </Link>
        <h2 class="settings-heading">Settings</h2>
        <Link href="/settings/servers" class="settings-link" aria-current={current("servers")}>
          <ServerIcon />
          <span>Servers</span>
        </Link>
        <Link
          href="/settings/preferences"
          class="settings-link"
          aria-current={current("preferences")}
        >
          <SlidersIcon />
          <span>Preferences</span>
        </Link>
        <Link href="/settings/shortcuts" class="settings-link" aria-current={current("shortcuts")}>
          <KeyboardIcon />
          <span>Keyboard shortcuts</span>
        </Link>
        <Link href="/settings/about" class="settings-link" aria-current={current("about")}>
          <InfoIcon />
          <span>About</span>
        </Link>
      </nav>
      <section class="settings-content">{props.children}</section>
    </div>
  );
}
