/**
 * Hash routing (`#/settings/servers`), so every URL stays relative to `<prefix>/` and
 * the service never needs to know the app's routes.
 */

import {
  createContext,
  createMemo,
  createSignal,
  onCleanup,
  Show,
  splitProps,
  useContext,
  type Accessor,
  type JSX,
} from "solid-js";
import { matchPath, serverShortId, type Params } from "../lib/routes";

export type { Params };

export interface Route {
  /** A path such as `/settings/servers/edit/:url`; `:name` matches one segment. */
  path: string;
  component: (props: { params: Params }) => JSX.Element;
}

interface RouterValue {
  path: Accessor<string>;
  navigate(path: string, options?: { replace?: boolean }): void;
}

const RouterContext = createContext<RouterValue>();

function readPath(): string {
  const hash = window.location.hash.replace(/^#/, "");
  return hash.startsWith("/") ? hash : "/";
}

/** Provides the current route to everything below it. */
export function RouterProvider(props: { children: JSX.Element }): JSX.Element {
  const [path, setPath] = createSignal(readPath());
  const update = () => setPath(readPath());
  window.addEventListener("hashchange", update);
  onCleanup(() => window.removeEventListener("hashchange", update));
  const value: RouterValue = {
    path,
    navigate(next, options = {}) {
      const url = `${window.location.pathname}${window.location.search}#${next}`;
      if (options.replace) window.history.replaceState(null, "", url);
      else window.history.pushState(null, "", url);
      setPath(readPath());
    },
  };
  return <RouterContext.Provider value={value}>{props.children}</RouterContext.Provider>;
}

export function useRouter(): RouterValue {
  const router = useContext(RouterContext);
  if (!router) throw new Error("useRouter needs a RouterProvider");
  return router;
}

/** Render the first route that matches the current path, or the fallback. */
export function Routes(props: { routes: Route[]; fallback: JSX.Element }): JSX.Element {
  const router = useRouter();
  const matched = createMemo(
    () => {
      for (const route of props.routes) {
        const params = matchPath(route.path, router.path());
        if (params !== null) return { route, params };
      }
      return null;
    },
    undefined,
    {
      equals: (a, b) =>
        a?.route === b?.route && JSON.stringify(a?.params) === JSON.stringify(b?.params),
    },
  );
  return (
    <Show when={matched()} keyed fallback={props.fallback}>
      {(found) => found.route.component({ params: found.params })}
    </Show>
  );
}

/** A link to an app route. */
export function Link(
  props: { href: string } & Omit<JSX.AnchorHTMLAttributes<HTMLAnchorElement>, "href">,
): JSX.Element {
  const [local, rest] = splitProps(props, ["href"]);
  return <a {...rest} href={`#${local.href}`} />;
}

/** The href of a server's edit form. */
export function editPath(url: string): string {
  return `/settings/servers/edit/${encodeURIComponent(url)}`;
}

/**
 * The bookmarkable path of a session: the server it lives on, by its short id (resolved
 * back through the server list; see `serverShortId`), and the session's ID.
 */
export function sessionPath(serverKey: string, sessionID: string): string {
  return `/s/${serverShortId(serverKey)}/${encodeURIComponent(sessionID)}`;
}

export const SESSION_ROUTE = "/s/:server/:session";
