/**
 * The composition root: providers, outermost first, and the routes. Each concern lives
 * in its own module under context/: config, servers, health, connection, router, and for
 * the server in use its sessions, models and agents, and terminal.
 */

import type { JSX } from "solid-js";
import { Shell } from "./components/shell";
import { ConfigProvider } from "./context/config";
import { ConnectionProvider } from "./context/connection";
import { HealthProvider } from "./context/health";
import { ModelsProvider } from "./context/models";
import { RouterProvider, Routes, SESSION_ROUTE, useRouter, type Route } from "./context/router";
import { ServersProvider, useServers } from "./context/servers";
import { SessionsProvider } from "./context/sessions";
import { TerminalProvider } from "./context/terminal";
import { AboutPage } from "./pages/about";
import { HomePage } from "./pages/home";
import { ServerFormPage } from "./pages/server-form";
import { ServersPage } from "./pages/servers";
import { SettingsLayout } from "./pages/settings";

const HOME = "/";
const SERVERS = "/settings/servers";

const ROUTES: Route[] = [
  { path: HOME, component: () => <HomePage /> },
  {
    path: SESSION_ROUTE,
    component: (props) => (
      <HomePage server={props.params.server!} session={props.params.session!} />
    ),
  },
  {
    path: "/settings",
    component: () => (
      <SettingsLayout section="servers" back={HOME}>
        <ServersPage />
      </SettingsLayout>
    ),
  },
  {
    path: SERVERS,
    component: () => (
      <SettingsLayout section="servers" back={HOME}>
        <ServersPage />
      </SettingsLayout>
    ),
  },
  {
    path: `${SERVERS}/new`,
    component: () => (
      <SettingsLayout section="servers" back={SERVERS}>
        <ServerFormPage />
      </SettingsLayout>
    ),
  },
  {
    path: `${SERVERS}/edit/:url`,
    component: (props) => (
      <SettingsLayout section="servers" back={SERVERS}>
        <ServerFormPage editing={props.params.url!} />
      </SettingsLayout>
    ),
  },
  {
    path: "/settings/about",
    component: () => (
      <SettingsLayout section="about" back={HOME}>
        <AboutPage />
      </SettingsLayout>
    ),
  },
];

/** With no server at all, the app opens on the Servers view. */
function FirstRun(): JSX.Element {
  const servers = useServers();
  const router = useRouter();
  if (router.path() === HOME && servers.list().length === 0) {
    router.navigate(SERVERS, { replace: true });
  }
  return null;
}

export function App(): JSX.Element {
  return (
    <RouterProvider>
      <ConfigProvider>
        <ServersProvider>
          <HealthProvider>
            <ConnectionProvider>
              <SessionsProvider>
                <ModelsProvider>
                  <TerminalProvider>
                    <FirstRun />
                    <Shell>
                      <Routes routes={ROUTES} fallback={<HomePage />} />
                    </Shell>
                  </TerminalProvider>
                </ModelsProvider>
              </SessionsProvider>
            </ConnectionProvider>
          </HealthProvider>
        </ServersProvider>
      </ConfigProvider>
    </RouterProvider>
  );
}
