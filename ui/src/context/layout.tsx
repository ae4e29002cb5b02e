/**
 * The workspace's layout state shared by the top bar and the views below it: whether the
 * screen is phone-narrow (then the session list is a drawer) and whether that drawer is
 * open. The drawer closes by itself when the route changes (a session was chosen) and
 * when the screen grows past the phone breakpoint.
 */

import {
  createContext,
  createEffect,
  createSignal,
  on,
  onCleanup,
  useContext,
  type Accessor,
  type JSX,
} from "solid-js";
import { useRouter } from "./router";

/** Up to this width the session list is a drawer (matches the CSS breakpoint). */
export const PHONE_QUERY = "(max-width: 640px)";
/** The id of the top bar's drawer button, where focus goes back when the drawer closes. */
export const DRAWER_TOGGLE_ID = "sessions-drawer-toggle";
export const DRAWER_ID = "sessions-drawer";

interface LayoutValue {
  /** The screen is phone-narrow. */
  phone: Accessor<boolean>;
  drawerOpen: Accessor<boolean>;
  openDrawer(): void;
  closeDrawer(): void;
  toggleDrawer(): void;
}

const LayoutContext = createContext<LayoutValue>();

export function LayoutProvider(props: { children: JSX.Element }): JSX.Element {
  const router = useRouter();
  const query = window.matchMedia(PHONE_QUERY);
  const [phone, setPhone] = createSignal(query.matches);
  const [drawerOpen, setDrawerOpen] = createSignal(false);
  const onChange = () => {
    setPhone(query.matches);
    if (!query.matches) setDrawerOpen(false);
  };
  query.addEventListener("change", onChange);
  onCleanup(() => query.removeEventListener("change", onChange));
  // Choosing a session (or going anywhere else) closes the drawer.
  createEffect(on(router.path, () => setDrawerOpen(false), { defer: true }));

  const value: LayoutValue = {
    phone,
    drawerOpen,
    openDrawer: () => setDrawerOpen(true),
    closeDrawer: () => setDrawerOpen(false),
    toggleDrawer: () => setDrawerOpen(!drawerOpen()),
  };
  return <LayoutContext.Provider value={value}>{props.children}</LayoutContext.Provider>;
}

export function useLayout(): LayoutValue {
  const value = useContext(LayoutContext);
  if (!value) throw new Error("useLayout needs a LayoutProvider");
  return value;
}
