"""The status popover, the theme choice and honest health, against real servers through
the proxy: an OpenCode server with a real (local, stdio) MCP server that the popover
disconnects and connects again (checked on the server and in the MCP server's own log),
its language servers and connected providers; light, dark and system themes chosen in
Settings and kept across a reload; and, when the proxy itself stops, server health shown
as unknown (grey, with a sentence), never as healthy, until the proxy is back."""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.conftest import (
    UI_DIR,
    PageWatch,
    Sandbox,
    fresh_user,
    open_app,
    screenshot,
    seed_servers,
    wait_until,
)
from tests.conftest import ProxyProcess
from tools.opencode_server import OpenCodeServer

pytestmark = pytest.mark.browser

MCP_SCRIPT = Path(__file__).with_name("mcp_echo.py")
TOOLS = "Tools sandbox"


class McpOpenCodeServer(OpenCodeServer):
    """An OpenCode server whose config adds the echo MCP server (stdio, offline)."""

    @property
    def mcp_log(self) -> Path:
        return self.root / "mcp.log"

    def environment(self) -> dict[str, str]:
        env = super().environment()
        config = json.loads(env["OPENCODE_CONFIG_CONTENT"])
        config["mcp"] = {
            "echo": {
                "type": "local",
                "command": [sys.executable, str(MCP_SCRIPT)],
                "environment": {"MCP_ECHO_LOG": str(self.mcp_log)},
            }
        }
        env["OPENCODE_CONFIG_CONTENT"] = json.dumps(config)
        return env


@pytest.fixture(scope="module")
def mcp_server(sandbox: Sandbox) -> Iterator[McpOpenCodeServer]:
    """The MCP-enabled server, on the port the proxy allows for tests' own servers."""
    server = McpOpenCodeServer(sandbox.open_server.model_url, port=sandbox.spare_port)
    server.start()
    yield server
    server.cleanup()


def mcp_state(server: OpenCodeServer) -> str:
    with urllib.request.urlopen(server.url + "/mcp", timeout=10) as response:
        return str(json.load(response)["echo"]["status"])


def initializations(server: McpOpenCodeServer) -> int:
    """How many times OpenCode opened the MCP connection (its `initialize` calls)."""
    if not server.mcp_log.exists():
        return 0
    lines = server.mcp_log.read_text().splitlines()
    return sum(1 for line in lines if json.loads(line).get("method") == "initialize")


def open_status(page: Page) -> Locator:
    page.get_by_role("button", name="Status").click()
    popover = page.get_by_role("dialog", name="Status")
    expect(popover).to_be_visible()
    return popover


def test_status_popover_mcp_lsp_providers(
    context: BrowserContext, page: Page, sandbox: Sandbox, mcp_server: McpOpenCodeServer
) -> None:
    """The popover lists the MCP server and disconnects and reconnects it for real."""
    seed_servers(context, [{"url": sandbox.spare_url, "name": TOOLS}], None)
    open_app(page, sandbox)
    expect(page.get_by_role("heading", name=f"Connected to {TOOLS}")).to_be_visible()
    popover = open_status(page)
    expect(popover).to_contain_text(f"OpenCode v{sandbox.version}")
    echo = popover.get_by_role("list", name="MCP servers").get_by_role("listitem", name="echo")
    # The server starts its MCP servers in the background: give a busy machine time.
    expect(echo).to_contain_text("Connected", timeout=30_000)
    expect(popover.get_by_role("list", name="Connected providers")).to_contain_text("Fake")
    expect(popover).to_contain_text("Language servers")
    screenshot(page, "status-popover")
    before = initializations(mcp_server)
    assert before >= 1

    echo.get_by_role("button", name="Disconnect").click()
    expect(echo).to_contain_text("Disconnected")
    assert mcp_state(mcp_server) == "disabled"
    echo.get_by_role("button", name="Connect").click()
    expect(echo).to_contain_text("Connected")
    expect(echo.get_by_role("button", name="Disconnect")).to_be_visible()
    assert mcp_state(mcp_server) == "connected"
    wait_until(page, lambda: initializations(mcp_server) == before + 1)

    # Escape closes it and gives focus back to the button.
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()
    expect(page.get_by_role("button", name="Status")).to_be_focused()


def test_status_popover_on_a_phone(
    browser: Browser, sandbox: Sandbox, mcp_server: McpOpenCodeServer
) -> None:
    """At 390 px the popover fits the screen."""
    context = browser.new_context(
        base_url=sandbox.base,
        viewport={"width": 390, "height": 844},
        extra_http_headers=fresh_user(),
    )
    try:
        page = context.new_page()
        watch = PageWatch(sandbox.proxy.base + "/")
        watch.attach(page)
        seed_servers(context, [{"url": sandbox.spare_url, "name": TOOLS}], None)
        open_app(page, sandbox)
        expect(page.get_by_role("heading", name=f"Connected to {TOOLS}")).to_be_visible()
        popover = open_status(page)
        expect(popover.get_by_role("listitem", name="echo")).to_contain_text(
            "Connected", timeout=30_000
        )
        box = popover.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "status-popover-phone")
        assert watch.problems == []
    finally:
        context.close()


def background(page: Page) -> str:
    return str(page.evaluate("getComputedStyle(document.body).backgroundColor"))


LIGHT = "rgb(255, 255, 255)"
DARK = "rgb(15, 15, 17)"
# Set by the init script: the theme on <html> when the document finished parsing, which is
# before the app's first paint.
THEME_AT_LOAD = (
    "document.addEventListener('DOMContentLoaded', () => {"
    " window.__themeAtLoad = document.documentElement.dataset.theme || 'system'; });"
)


@pytest.mark.parametrize(
    ("scheme", "chosen", "expected", "other"),
    [("light", "Dark", DARK, LIGHT), ("dark", "Light", LIGHT, DARK)],
)
def test_theme_light_dark_and_system(
    browser: Browser, sandbox: Sandbox, scheme: str, chosen: str, expected: str, other: str
) -> None:
    """A theme chosen against the system's stays across a reload; System follows it again."""
    context = browser.new_context(
        base_url=sandbox.base,
        color_scheme=scheme,
        viewport={"width": 1200, "height": 760},
        extra_http_headers=fresh_user(),
    )
    try:
        context.add_init_script(THEME_AT_LOAD)
        page = context.new_page()
        watch = PageWatch(sandbox.proxy.base + "/")
        watch.attach(page)
        seed_servers(context, [{"url": sandbox.open_url, "name": "Open sandbox"}], None)
        open_app(page, sandbox, "/settings/preferences")
        theme = page.get_by_role("radiogroup", name="Theme")
        expect(theme.get_by_role("radio", name=re.compile("^System"))).to_be_checked()
        assert background(page) == other
        theme.get_by_role("radio", name=re.compile(f"^{chosen}")).check()
        wait_until(page, lambda: background(page) == expected)
        assert page.evaluate("document.documentElement.dataset.theme") == chosen.lower()
        screenshot(page, f"theme-{chosen.lower()}-on-{scheme}")

        page.reload()
        expect(page.get_by_role("radio", name=re.compile(f"^{chosen}"))).to_be_checked()
        assert page.evaluate("window.__themeAtLoad") == chosen.lower()
        assert background(page) == expected
        # Back to the system's: the attribute goes and the system's colours return.
        page.get_by_role("radio", name=re.compile("^System")).check()
        wait_until(page, lambda: background(page) == other)
        assert page.evaluate("document.documentElement.dataset.theme") is None
        assert watch.problems == []
    finally:
        context.close()


@pytest.fixture
def own_proxy(sandbox: Sandbox) -> Iterator[ProxyProcess]:
    """A proxy of this test's own, which the test stops and starts again."""
    proxy = ProxyProcess(
        "--allow",
        f"127.0.0.1:{sandbox.open_server.port}",
        "--ui-dir",
        str(UI_DIR),
        "--log-level",
        "warning",
    ).start()
    yield proxy
    proxy.stop()


def test_health_is_unknown_while_the_proxy_is_down(
    browser: Browser, own_proxy: ProxyProcess, sandbox: Sandbox
) -> None:
    """Stopping the proxy turns the server's health grey and unknown, never green."""
    context = browser.new_context(base_url=own_proxy.base + "/")
    try:
        seed_servers(context, [{"url": sandbox.open_url, "name": "Open sandbox"}], None)
        page = context.new_page()
        page.goto(own_proxy.base + "/")
        chip = page.get_by_role("link", name=re.compile("^Server: Open sandbox"))
        expect(page.get_by_role("heading", name="Connected to Open sandbox")).to_be_visible()
        expect(chip.get_by_role("img", name="healthy", exact=True)).to_be_visible()

        own_proxy.stop()
        expect(page.get_by_role("heading", name="Health of Open sandbox unknown")).to_be_visible(
            timeout=20_000
        )
        expect(chip.get_by_role("img", name="unknown", exact=True)).to_be_visible()
        expect(page.get_by_role("img", name="healthy", exact=True)).to_have_count(0)
        card = page.get_by_role("region", name="Health of Open sandbox unknown")
        expect(card.get_by_role("alert")).to_contain_text("health is unknown")
        dot = chip.get_by_role("img", name="unknown", exact=True)
        grey = dot.evaluate("el => getComputedStyle(el).backgroundColor")
        assert grey == "rgb(161, 161, 170)"
        screenshot(page, "health-unknown")

        own_proxy.start()
        expect(page.get_by_role("heading", name="Connected to Open sandbox")).to_be_visible(
            timeout=20_000
        )
        expect(chip.get_by_role("img", name="healthy", exact=True)).to_be_visible()
    finally:
        context.close()


def test_blocked_health_check_is_unknown(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A health check that never reaches the proxy (blocked in the browser) is unknown too."""
    page.route(re.compile(r".*/api/proxy/global/health$"), lambda route: route.abort())
    seed_servers(context, [{"url": sandbox.open_url, "name": "Open sandbox"}], None)
    open_app(page, sandbox, "/settings/servers")
    row = page.get_by_role("list", name="Servers").get_by_role("listitem", name="Open sandbox")
    expect(row.get_by_role("img", name="unknown", exact=True)).to_be_visible()
    expect(row).to_contain_text("Unknown")
    page.unroute(re.compile(r".*/api/proxy/global/health$"))
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_role("heading", name="Connected to Open sandbox")).to_be_visible(
        timeout=20_000
    )
