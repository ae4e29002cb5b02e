/**
 * The composition root: providers, outermost first, and the routes. Each concern lives
 * in its own module under context/ (config, servers, health, connection, router); part 2
 * adds sessions and the terminal the same way.
 */

import type { JSX } from "solid-js";
import { Shell } from "./components/shell";
import { ConfigProvider } from "./context/config";
import { ConnectionProvider } from "./context/connection";
import { HealthProvider } from "./context/health";
import { RouterProvider, Routes, useRouter, type Route } from "./context/router";
import { ServersProvider, useServers } from "./context/servers";
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
              <FirstRun />
              <Shell>
                <Routes routes={ROUTES} fallback={<HomePage />} />
              </Shell>
            </ConnectionProvider>
          </HealthProvider>
        </ServersProvider>
      </ConfigProvider>
    </RouterProvider>
  );
}
