"""Browser tests: the built UI in Debian's Chromium, the real proxy under a Kubeflow-like
prefix, and real OpenCode servers on loopback (one of them password-protected, one for
chats: it asks before running bash, works in a git project, and sits behind a relay the
tests can cut).

One proxy and the servers live for the whole session; every test gets a fresh browser
context, so its localStorage starts empty, and a user of its own (the ingress's
``kubeflow-userid`` header, ``fresh_user``), so the server list and choices the proxy
keeps per user (``api/state``) start empty too.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from tests.conftest import ROOT, ProxyProcess
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.opencode import FakeModel
from tools.opencode_server import DEMO_HELLO, OpenCodeServer, free_port

# A build elsewhere (``vite build --outDir DIR``) can be tested without touching the package's.
UI_DIR = Path(os.environ.get("OPENCODE_PROXY_TEST_UI_DIR") or ROOT / "opencode_proxy" / "static")
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "correct-horse-battery"
STORAGE_KEY = "opencode-proxy.servers.v1"
# The header a trusted ingress names the user with (the proxy's default --client-id-header).
USER_HEADER = "kubeflow-userid"

# The machine is shared and a fresh OpenCode server loads its plugins on first use:
# conditions get 10 s by default (each still returns as soon as it holds).
expect.set_options(timeout=10_000)


class Relay:
    """A TCP relay in front of a server, which a test can cut: every open connection at
    once (event streams, websockets, pooled requests), and new ones while paused."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._paused = False
        self._closed = False
        threading.Thread(target=self._accept, name="relay", daemon=True).start()

    @property
    def url(self) -> str:
        """The relay's URL: the server as the UI sees it."""
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self._paused:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._close(source, sink)

    def _close(self, *sockets: socket.socket) -> None:
        for sock in sockets:
            with self._lock:
                self._sockets.discard(sock)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def cut(self) -> None:
        """Break every connection that goes through the relay now."""
        with self._lock:
            sockets = list(self._sockets)
        self._close(*sockets)

    def pause(self) -> None:
        """Cut everything and refuse new connections until ``resume``."""
        self._paused = True
        self.cut()

    def resume(self) -> None:
        """Let connections through again."""
        self._paused = False

    def close(self) -> None:
        """Stop relaying."""
        self._closed = True
        self.listener.close()
        self.cut()


def _git_project(server: OpenCodeServer) -> None:
    """Make the server's project a git repository (so its changes are tracked) holding the
    demo's ``hello.py``, which the scripted model's tour reads, runs and edits."""
    server.project.mkdir(parents=True, exist_ok=True)
    (server.project / "README.md").write_text("# A throw-away project for tests\n")
    (server.project / "hello.py").write_text(DEMO_HELLO)
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "start"]):
        subprocess.run(
            ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args],
            cwd=server.project,
            check=True,
            capture_output=True,
        )


@dataclass
class Sandbox:
    """Everything the browser tests talk to."""

    proxy: ProxyProcess
    open_server: OpenCodeServer
    locked_server: OpenCodeServer
    # Allowed by the policy, but nothing listens there until a test starts a server.
    spare_port: int
    dead_port: int
    version: str
    chat_server: OpenCodeServer
    relay: Relay
    extra: list[OpenCodeServer] = field(default_factory=list)

    @property
    def chat_url(self) -> str:
        """The chat server, through the relay."""
        return self.relay.url

    @property
    def base(self) -> str:
        """The UI's URL, with the prefix and its trailing slash."""
        return self.proxy.base + "/"

    @property
    def open_url(self) -> str:
        return self.open_server.url

    @property
    def locked_url(self) -> str:
        return self.locked_server.url

    @property
    def spare_url(self) -> str:
        return f"http://127.0.0.1:{self.spare_port}"

    @property
    def dead_url(self) -> str:
        return f"http://127.0.0.1:{self.dead_port}"


def _server_version(server: OpenCodeServer) -> str:
    with urllib.request.urlopen(server.url + "/global/health", timeout=5) as response:
        return str(json.load(response)["version"])


@pytest.fixture(scope="session")
def sandbox(fake_model: FakeModel) -> Iterator[Sandbox]:
    """Two OpenCode servers (one with a password) and the proxy allowed to reach them."""
    if not (UI_DIR / "index.html").is_file():
        pytest.fail(f"The UI is not built into {UI_DIR}: run `make ui` (cd ui && npm run build)")
    open_server = OpenCodeServer(fake_model.url)
    locked_server = OpenCodeServer(fake_model.url, password=PASSWORD)
    chat_server = OpenCodeServer(fake_model.url, permission={"bash": "ask"})
    _git_project(chat_server)
    spare_port, dead_port = free_port(), free_port()
    started: list[OpenCodeServer] = []
    proxy = None
    relay = None
    try:
        for server in (open_server, locked_server, chat_server):
            server.start()
            started.append(server)
        relay = Relay(chat_server.port)
        ports = (open_server.port, locked_server.port, spare_port, dead_port, relay.port)
        allow = [arg for port in ports for arg in ("--allow", f"127.0.0.1:{port}")]
        # Warnings only: nobody reads the pipe until the end, and it must never fill up.
        proxy = ProxyProcess(*allow, "--ui-dir", str(UI_DIR), "--log-level", "warning").start()
        sandbox = Sandbox(
            proxy,
            open_server,
            locked_server,
            spare_port,
            dead_port,
            _server_version(open_server),
            chat_server,
            relay,
        )
        yield sandbox
        for server in sandbox.extra:
            server.cleanup()
    finally:
        if proxy is not None:
            proxy.stop()
        if relay is not None:
            relay.close()
        for server in started:
            server.cleanup()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, for one module.

    Module scope, not session: the sync API keeps its own event loop marked as running
    between calls, which must be gone before the suite's asyncio tests run.
    """
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """What a page did that a test must not allow: errors, CSP violations, stray URLs."""

    def __init__(self, base: str):
        self.base = base
        self.problems: list[str] = []

    def attach(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self._console)
        page.on("request", self._request)

    def _console(self, message: object) -> None:
        text = getattr(message, "text", "")
        if "Content Security Policy" in text or "Refused to" in text:
            self.problems.append(f"CSP: {text}")

    def _request(self, request: object) -> None:
        url = str(getattr(request, "url", ""))
        # Every URL the app uses is relative to its page, so it stays under the prefix.
        if not url.startswith(self.base) and not url.startswith(("data:", "about:")):
            self.problems.append(f"request outside the prefix: {url}")


def fresh_user(name: str = "") -> dict[str, str]:
    """Headers naming a user no other test has (or ``name``), as the ingress would: for a
    browser context's ``extra_http_headers``, so what the proxy keeps per user starts empty."""
    return {USER_HEADER: name or f"browser-test-{uuid.uuid4().hex[:12]}"}


@pytest.fixture
def context(browser: Browser, sandbox: Sandbox) -> Iterator[BrowserContext]:
    """A fresh browser context (empty storage, new cookies, a user of its own), light theme."""
    context = browser.new_context(
        base_url=sandbox.base,
        color_scheme="light",
        viewport={"width": 1200, "height": 760},
        extra_http_headers=fresh_user(),
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def watch(sandbox: Sandbox) -> PageWatch:
    """Collects page errors, CSP violations and requests outside the prefix."""
    return PageWatch(sandbox.proxy.base + "/")


@pytest.fixture
def page(context: BrowserContext, watch: PageWatch) -> Iterator[Page]:
    """A page in the fresh context; fails the test on page errors or CSP violations."""
    page = context.new_page()
    watch.attach(page)
    yield page
    assert watch.problems == []


def open_app(page: Page, sandbox: Sandbox, route: str = "") -> None:
    """Load the UI under the prefix, optionally at a hash route."""
    page.goto(sandbox.base + (f"#{route}" if route else ""))


def seed_servers(
    context: BrowserContext, servers: list[dict[str, str]], default: str | None
) -> None:
    """Put a server list into localStorage before the app first loads (once per tab)."""
    data = json.dumps({"version": 1, "servers": servers, "defaultUrl": default})
    context.add_init_script(
        "try { if (!sessionStorage.getItem('seeded')) {"
        f" localStorage.setItem({json.dumps(STORAGE_KEY)}, {json.dumps(data)});"
        " sessionStorage.setItem('seeded', '1'); } } catch (e) {}"
    )


def user_state(page: Page) -> dict[str, Any]:
    """``GET api/state`` as the page's user: the servers, default and preferences the proxy
    keeps for them."""
    state: dict[str, Any] = page.evaluate(
        "fetch('api/state', {cache: 'no-store'}).then((response) => response.json())"
    )
    return state


def server_row(page: Page, name: str) -> Locator:
    """The row of the Servers list whose accessible name is ``name``."""
    return page.get_by_role("list", name="Servers").get_by_role("listitem", name=name, exact=True)


def add_server(
    page: Page,
    url: str,
    *,
    name: str = "",
    username: str = "",
    password: str = "",
    submit: bool = True,
) -> None:
    """Fill in the Add server form (opening it first) and press Save."""
    page.get_by_role("button", name="Add server").first.click()
    page.get_by_label("Server URL", exact=True).fill(url)
    if name:
        page.get_by_label("Name", exact=True).fill(name)
    if username:
        page.get_by_label("Username", exact=True).fill(username)
    if password:
        page.get_by_label("Password", exact=True).fill(password)
    if submit:
        page.get_by_role("button", name="Save").click()


def refuse_with(
    page: Page, url: str | re.Pattern[str], status: int, name: str, message: str
) -> None:
    """Answer the page's requests to ``url`` as the OpenCode server answers an error
    (``{"name": ..., "data": {"message": ...}}``) until ``page.unroute(url)``."""
    body = json.dumps({"name": name, "data": {"message": message}})
    page.route(
        url,
        lambda route: route.fulfill(status=status, content_type="application/json", body=body),
    )


def screenshot(page: Page, name: str) -> Path:
    """Save a screenshot of the page into test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def wait_until(page: Page, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the page run (and Playwright deliver its events) until the predicate holds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        page.wait_for_timeout(100)
