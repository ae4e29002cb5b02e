/**
 * The composition root: providers, outermost first, and the routes. Each concern lives
 * in its own module under context/: config, servers, health, connection, router, and for
 * the server in use its sessions, models and agents, and terminal.
 */

import type { JSX } from "solid-js";
import { PaletteHost } from "./components/palette-host";
import { Shell } from "./components/shell";
import { ConfigProvider } from "./context/config";
import { ConnectionProvider } from "./context/connection";
import { FilesProvider } from "./context/files";
import { HealthProvider } from "./context/health";
import { ModelsProvider } from "./context/models";
import { NotificationsProvider } from "./context/notifications";
import { PaletteProvider } from "./context/palette";
import { PromptDataProvider } from "./context/prompt";
import { RouterProvider, Routes, SESSION_ROUTE, useRouter, type Route } from "./context/router";
import { ServersProvider, useServers } from "./context/servers";
import { SessionsProvider } from "./context/sessions";
import { TerminalProvider } from "./context/terminal";
import { ThemeProvider } from "./context/theme";
import { AboutPage } from "./pages/about";
import { HomePage } from "./pages/home";
import { PreferencesPage } from "./pages/preferences";
import { ServerFormPage } from "./pages/server-form";
import { ServersPage } from "./pages/servers";
import { SettingsLayout } from "./pages/settings";
import { ShortcutsPage } from "./pages/shortcuts";

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
    path: "/settings/preferences",
    component: () => (
      <SettingsLayout section="preferences" back={HOME}>
        <PreferencesPage />
      </SettingsLayout>
    ),
  },
  {
    path: "/settings/shortcuts",
    component: () => (
      <SettingsLayout section="shortcuts" back={HOME}>
        <ShortcutsPage />
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
      <ThemeProvider>
        <ConfigProvider>
          <ServersProvider>
            <HealthProvider>
              <ConnectionProvider>
                <SessionsProvider>
                  <NotificationsProvider>
                    <ModelsProvider>
                      <PromptDataProvider>
                        <TerminalProvider>
                          <FilesProvider>
                            <PaletteProvider>
                              <FirstRun />
                              <Shell>
                                <Routes routes={ROUTES} fallback={<HomePage />} />
                              </Shell>
                              <PaletteHost />
                            </PaletteProvider>
                          </FilesProvider>
                        </TerminalProvider>
                      </PromptDataProvider>
                    </ModelsProvider>
                  </NotificationsProvider>
                </SessionsProvider>
              </ConnectionProvider>
            </HealthProvider>
          </ServersProvider>
        </ConfigProvider>
      </ThemeProvider>
    </RouterProvider>
  );
}
