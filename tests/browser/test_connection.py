"""Choosing a server, live health, the event stream, managed servers and the dark theme."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    FloatRect,
    Locator,
    Page,
    Request,
    expect,
)

from tests.browser.conftest import (
    PASSWORD,
    UI_DIR,
    PageWatch,
    Sandbox,
    add_server,
    fresh_user,
    open_app,
    refuse_with,
    screenshot,
    seed_servers,
    server_row,
    wait_until,
)
from tests.browser.test_chat import SESSION_URL, last_reply, server_json
from tests.conftest import ProxyProcess
from tools.fake_model import REPLY
from tools.opencode_server import OpenCodeServer

pytestmark = pytest.mark.browser


def _event_streams(page: Page) -> tuple[list[Request], list[Request]]:
    """Record the event-stream requests the page opens and the ones that end."""
    opened: list[Request] = []
    ended: list[Request] = []
    page.on("request", lambda r: opened.append(r) if "/api/proxy/event?" in r.url else None)
    page.on("requestfailed", lambda r: ended.append(r) if r in opened else None)
    page.on("requestfinished", lambda r: ended.append(r) if r in opened else None)
    return opened, ended


def _boxes(row: Locator) -> list[FloatRect | None]:
    """Where the row and each of its parts are on the page."""
    parts = [row, row.get_by_role("img"), row.get_by_role("button", name="Edit")]
    parts.append(row.get_by_role("button", name="Remove"))
    return [part.bounding_box() for part in parts]


def test_health_follows_a_server_that_stops_and_restarts(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A stopped server turns unhealthy within 15 s and healthy again once it is back."""
    server = OpenCodeServer(sandbox.open_server.model_url, port=sandbox.spare_port)
    sandbox.extra.append(server)
    try:
        server.start()
        seed_servers(context, [{"url": sandbox.spare_url, "name": "Flaky"}], None)
        open_app(page, sandbox)
        expect(page.get_by_role("heading", name="Connected to Flaky")).to_be_visible()
        indicator = page.get_by_role("status", name=re.compile("^Event stream"))
        expect(indicator).to_have_attribute("aria-label", "Event stream: live")
        page.get_by_role("link", name="Settings").click()
        row = server_row(page, "Flaky")
        expect(row.get_by_role("img", name="healthy", exact=True)).to_be_visible()

        healthy_boxes = _boxes(row)

        server.stop()
        stopped = time.monotonic()
        expect(row.get_by_role("img", name="unhealthy", exact=True)).to_be_visible(timeout=15_000)
        assert time.monotonic() - stopped < 15
        expect(row).to_contain_text("Unreachable")
        # Nothing in the row moves when its health changes.
        assert _boxes(row) == healthy_boxes
        expect(indicator).to_have_attribute("aria-label", "Event stream: reconnecting")
        screenshot(page, "servers-one-unhealthy")

        server.start()
        expect(row.get_by_role("img", name="healthy", exact=True)).to_be_visible(timeout=15_000)
        expect(indicator).to_have_attribute("aria-label", "Event stream: live", timeout=15_000)
    finally:
        # Other tests start their own servers on the spare port.
        server.cleanup()


def test_switching_closes_the_previous_stream(page: Page, sandbox: Sandbox) -> None:
    """Choosing another server opens its event stream and closes the previous one."""
    opened, ended = _event_streams(page)
    open_app(page, sandbox)
    add_server(page, sandbox.open_url, name="One")
    add_server(page, sandbox.locked_url, name="Two", password=PASSWORD)
    expect(server_row(page, "Two").get_by_role("img", name="healthy", exact=True)).to_be_visible()
    assert [r.url for r in opened if r not in ended][-1].endswith(
        "target=" + sandbox.open_url.replace(":", "%3A").replace("/", "%2F")
    )
    server_row(page, "Two").get_by_role("button", name=re.compile("^Two")).click()
    expect(page.get_by_role("heading", name="Connected to Two")).to_be_visible()
    expect(page.get_by_role("status", name="Event stream: live")).to_be_visible()
    # The browser reports the aborted stream a moment after the new one answers.
    wait_until(page, lambda: len([r for r in opened if r not in ended]) == 1)
    live = [r for r in opened if r not in ended]
    assert "127.0.0.1%3A" + str(sandbox.locked_server.port) in live[0].url


def test_unreachable_default_is_said_plainly_and_others_offered(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """If the default server is down on first load, the app says so and offers the others."""
    seed_servers(
        context,
        [{"url": sandbox.dead_url, "name": "Gone"}, {"url": sandbox.open_url, "name": "Alive"}],
        sandbox.dead_url,
    )
    open_app(page, sandbox)
    expect(page.get_by_role("heading", name="Gone is not reachable")).to_be_visible()
    card = page.get_by_role("region", name="Gone is not reachable")
    expect(card.get_by_role("alert")).to_contain_text("Could not connect")
    # The sidebar says why it has no sessions to show.
    expect(page.get_by_role("navigation", name="Sidebar")).to_contain_text("Could not connect")
    screenshot(page, "home-default-unreachable")
    page.get_by_role("button", name=re.compile("Alive")).click()
    expect(page.get_by_role("heading", name="Connected to Alive")).to_be_visible()
    expect(page.get_by_role("status", name="Event stream: live")).to_be_visible()


def test_home_shows_the_connected_server(
    page: Page, context: BrowserContext, sandbox: Sandbox
) -> None:
    """The main area names the server in use, its version, the stream and the project."""
    seed_servers(context, [{"url": sandbox.open_url, "name": "Open sandbox"}], None)
    open_app(page, sandbox)
    card = page.get_by_role("region", name="Connected to Open sandbox")
    expect(card).to_contain_text(f"OpenCode v{sandbox.version}")
    expect(card).to_contain_text("Live: receiving events")
    expect(card).to_contain_text(str(sandbox.open_server.project))
    expect(page.get_by_role("link", name=re.compile("^Server: Open sandbox"))).to_be_visible()
    screenshot(page, "home-connected")


def _page_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_home_prompt_starts_a_session(
    page: Page, context: BrowserContext, sandbox: Sandbox
) -> None:
    """Home opens on the chat's prompt box: Enter creates one session on the server, sends
    the prompt in it with the chosen agent and opens it, where the reply streams. A send
    the server refuses says so and keeps the text; the retry uses the same session."""
    seed_servers(context, [{"url": sandbox.chat_url, "name": "Home chat"}], None)
    page.set_viewport_size({"width": 390, "height": 844})
    open_app(page, sandbox)
    card = page.get_by_role("region", name="Connected to Home chat")
    expect(card).to_contain_text(str(sandbox.chat_server.project))
    box = page.get_by_label("Prompt", exact=True)
    expect(box).to_be_focused()
    assert _page_width(page) <= 390, f"page is {_page_width(page)} px wide"
    screenshot(page, "home-prompt-phone")
    page.set_viewport_size({"width": 1400, "height": 900})
    expect(card.get_by_role("button", name="Start a session")).to_be_visible()
    assert _page_width(page) <= 1400
    before = {s["id"] for s in server_json(sandbox.chat_server.url, "/session")}

    # The agent picker is the chat's: plan goes with the prompt.
    page.get_by_role("button", name=re.compile(r"^Agent: ")).click()
    page.get_by_role("menu", name="Agents").get_by_role("menuitemradio", name="plan").click()
    expect(page.get_by_role("button", name="Agent: plan")).to_be_visible()
    screenshot(page, "home-prompt-wide")

    text = "From home: tell me about the fox [title:Home start]"
    refuse = re.compile(r".*/api/proxy/session/[^/]+/prompt_async(\?.*)?$")
    refuse_with(page, refuse, 500, "UnknownError", "The model is down")
    box.fill(text)
    box.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="Not sent")).to_be_visible()
    expect(box).to_have_value(text)
    expect(page).not_to_have_url(SESSION_URL)
    screenshot(page, "home-prompt-refused")
    page.unroute(refuse)

    box.press("Enter")
    expect(page).to_have_url(SESSION_URL)
    session_id = page.url.rsplit("/", 1)[1]
    expect(last_reply(page)).to_contain_text(REPLY, timeout=15_000)
    after = {s["id"] for s in server_json(sandbox.chat_server.url, "/session")}
    assert after - before == {session_id}
    messages = server_json(sandbox.chat_server.url, f"/session/{session_id}/message")
    first = next(m for m in messages if m["info"]["role"] == "user")
    assert [p["text"] for p in first["parts"] if p["type"] == "text"] == [text]
    assert first["info"]["agent"] == "plan"


@pytest.fixture
def managed_proxy(sandbox: Sandbox) -> Iterator[ProxyProcess]:
    """A second proxy whose operator preconfigured the open server."""
    proxy = ProxyProcess(
        "--allow",
        f"127.0.0.1:{sandbox.open_server.port}",
        "--server",
        f"Team sandbox={sandbox.open_url}",
        "--ui-dir",
        str(UI_DIR),
        "--log-level",
        "warning",
    ).start()
    yield proxy
    proxy.stop()


def test_managed_servers_are_listed_but_not_editable(
    browser: Browser, managed_proxy: ProxyProcess, sandbox: Sandbox
) -> None:
    """Operator-configured servers are used by default, marked managed, not editable."""
    context = browser.new_context(base_url=managed_proxy.base + "/")
    try:
        page = context.new_page()
        watch = PageWatch(managed_proxy.base + "/")
        watch.attach(page)
        page.goto(managed_proxy.base + "/")
        expect(page.get_by_role("heading", name="Connected to Team sandbox")).to_be_visible()
        page.get_by_role("link", name="Settings").click()
        row = server_row(page, "Team sandbox")
        expect(row).to_contain_text("Managed")
        expect(row).to_contain_text("Default")
        expect(row.get_by_role("img", name="healthy", exact=True)).to_be_visible()
        expect(row.get_by_role("button", name="Edit")).to_have_count(0)
        expect(row.get_by_role("button", name="Remove")).to_have_count(0)
        assert watch.problems == []
    finally:
        context.close()


def test_dark_theme(browser: Browser, sandbox: Sandbox) -> None:
    """The app follows a dark system theme."""
    context = browser.new_context(
        base_url=sandbox.base,
        color_scheme="dark",
        viewport={"width": 1200, "height": 760},
        extra_http_headers=fresh_user(),
    )
    try:
        seed_servers(
            context,
            [
                {"url": sandbox.open_url, "name": "Open sandbox"},
                {"url": sandbox.dead_url, "name": "Switched off", "username": "opencode"},
            ],
            None,
        )
        page = context.new_page()
        open_app(page, sandbox, "/settings/servers")
        row = server_row(page, "Open sandbox")
        expect(row.get_by_role("img", name="healthy", exact=True)).to_be_visible()
        expect(
            server_row(page, "Switched off").get_by_role("img", name="unhealthy", exact=True)
        ).to_be_visible()
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(15, 15, 17)"
        screenshot(page, "servers-dark")
        page.get_by_role("link", name="Back").click()
        expect(page.get_by_role("heading", name="Connected to Open sandbox")).to_be_visible()
        expect(page.get_by_text(str(sandbox.open_server.project))).to_be_visible()
        screenshot(page, "home-dark")
    finally:
        context.close()
