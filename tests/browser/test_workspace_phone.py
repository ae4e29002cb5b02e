"""The workspace on a phone-narrow screen (390 px): the top bar fits with icons only, the
session list opens as a drawer (focus moved in and back, Escape, the scrim and choosing a
session close it), and no view makes the page scroll sideways: home, a chat with a long
tool turn, Changes and the terminal."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import (
    PageWatch,
    Sandbox,
    fresh_user,
    open_app,
    screenshot,
    seed_servers,
)
from tests.browser.test_chat import CHAT, SESSION_URL, badge, last_reply, send, server_json
from tools.fake_model import REPLY

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# A command with no room to wrap: the tool card must scroll it inside itself.
LONG = "echo " + "x" * 240 + "-" + "y" * 120


@pytest.fixture
def phone(browser: Browser, sandbox: Sandbox) -> Iterator[tuple[BrowserContext, Page]]:
    """A 390 px wide page (a phone in portrait), failing on page errors and CSP."""
    context = browser.new_context(
        base_url=sandbox.base, color_scheme="light", viewport=PHONE, extra_http_headers=fresh_user()
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch = PageWatch(sandbox.proxy.base + "/")
    watch.attach(page)
    yield context, page
    context.close()
    assert watch.problems == []


def page_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def assert_fits(page: Page) -> None:
    """No horizontal page scroll, and every top bar control inside the screen."""
    assert page_width(page) <= PHONE["width"], f"page is {page_width(page)} px wide"
    for box in page.locator("header.topbar > *").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right)"
    ):
        assert box <= PHONE["width"] + 0.5


def test_phone_drawer_top_bar_and_no_sideways_scroll(
    phone: tuple[BrowserContext, Page], sandbox: Sandbox
) -> None:
    """At 390 px the sessions open from the top bar, and nothing scrolls sideways."""
    context, page = phone
    seed_servers(context, [{"url": sandbox.chat_url, "name": CHAT}], None)
    open_app(page, sandbox)
    expect(page.get_by_role("heading", name=f"Connected to {CHAT}")).to_be_visible()
    topbar = page.locator("header.topbar")
    toggle = topbar.get_by_role("button", name="Sessions")
    for control in (
        toggle,
        topbar.get_by_role("button", name="Terminal", exact=True),
        topbar.get_by_role("link", name="Settings"),
        topbar.get_by_role("link", name=re.compile("^Server: Chat sandbox")),
        topbar.get_by_role("status", name=re.compile("^Event stream")),
    ):
        expect(control).to_be_visible()
    # Labels collapse to icons; the accessible names stay.
    expect(topbar.get_by_text("Terminal", exact=True)).to_be_hidden()
    assert_fits(page)
    # The list itself is not on the page until the drawer opens.
    expect(page.get_by_role("navigation", name="Sidebar")).to_be_hidden()
    screenshot(page, "phone-home")

    # Open: focus moves into the drawer; Escape closes it and focus comes back.
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    drawer = page.get_by_role("dialog", name="Sessions")
    expect(drawer).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(drawer.get_by_role("button", name="New session")).to_be_focused()
    expect(drawer.get_by_role("searchbox", name="Search sessions")).to_be_visible()
    assert_fits(page)
    screenshot(page, "phone-drawer")
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(toggle).to_be_focused()

    # The scrim closes it too.
    toggle.click()
    expect(drawer).to_be_visible()
    page.mouse.click(PHONE["width"] - 12, PHONE["height"] // 2)
    expect(drawer).to_be_hidden()

    # Choosing (here: starting) a session closes it.
    toggle.click()
    drawer.get_by_role("button", name="New session").click()
    expect(page).to_have_url(SESSION_URL)
    expect(drawer).to_be_hidden()
    session_id = page.url.rsplit("/", 1)[1]

    # A turn with a long command and a file read: the cards scroll inside themselves.
    send(page, f"Long one [tool:bash:{LONG}] [read:hello.py] [title:Phone turn]")
    page.get_by_role("button", name="Allow once").click()
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    for card in page.locator("details.tool-card").all():
        card.locator("summary").click()
    assert_fits(page)
    screenshot(page, "phone-chat")
    assert any(
        part.get("state", {}).get("input", {}).get("command") == LONG
        for message in server_json(sandbox.chat_server.url, f"/session/{session_id}/message")
        for part in message["parts"]
        if part["type"] == "tool"
    )

    # The drawer lists the session, marked as the one shown; its menu opens inside the
    # screen, and Escape closes the menu first, then the drawer.
    toggle.click()
    current = drawer.get_by_role("listitem", name="Phone turn")
    expect(current).to_have_attribute("aria-current", "page")
    current.get_by_role("button", name="Session actions").click()
    menu = page.get_by_role("menu", name="Session actions")
    expect(menu.get_by_role("menuitem", name="Rename")).to_be_focused()
    box = menu.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "phone-drawer-menu")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(drawer).to_be_visible()
    # Choosing the session closes the drawer.
    current.get_by_role("link").click()
    expect(drawer).to_be_hidden()

    # Changes: the panel takes the screen, its diff scrolls inside itself.
    page.get_by_role("button", name="Changes").click()
    panel = page.get_by_role("complementary", name="Changes")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"] + 0.5
    assert_fits(page)
    screenshot(page, "phone-changes")
    panel.get_by_role("button", name="Close changes").click()

    # The terminal: in the screen's width, usable.
    topbar.get_by_role("button", name="Terminal", exact=True).click()
    terminal = page.get_by_role("region", name="Terminal")
    expect(terminal).to_be_visible()
    expect(page.locator(".terminal-screen .xterm-rows")).to_contain_text("#", timeout=15_000)
    page.locator(".terminal-screen").click()
    page.keyboard.type("echo phone-$((20+22))")
    page.keyboard.press("Enter")
    expect(page.locator(".terminal-screen .xterm-rows")).to_contain_text("phone-42")
    assert_fits(page)
    screenshot(page, "phone-terminal")
    page.get_by_role("button", name="Close terminal").click()
    expect(terminal).to_have_count(0)


TITLE = "Improve the greeting in hello.py"


def test_phone_header_shows_the_whole_title(
    phone: tuple[BrowserContext, Page], sandbox: Sandbox
) -> None:
    """At 390 px a session's title (a sentence, as the server names sessions) is shown
    whole, on two lines if it must; the status shrinks to its dot and keeps its name."""
    context, page = phone
    seed_servers(context, [{"url": sandbox.chat_url, "name": CHAT}], None)
    open_app(page, sandbox)
    page.get_by_role("button", name="Start a session").click()
    expect(page).to_have_url(SESSION_URL)
    session_id = page.url.rsplit("/", 1)[1]
    send(page, f"Name it [title:{TITLE}]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    assert server_json(sandbox.chat_server.url, f"/session/{session_id}")["title"] == TITLE
    title = page.locator("#chat-title")
    expect(title).to_have_text(TITLE)
    clipped = title.evaluate(
        "h => h.scrollWidth > h.clientWidth + 1 || h.scrollHeight > h.clientHeight + 1"
    )
    assert not clipped, "the title is cut"
    header = page.locator(".chat-header").bounding_box()
    box = title.bounding_box()
    assert header is not None
    assert box is not None
    assert box["y"] >= header["y"]
    assert box["y"] + box["height"] <= header["y"] + header["height"]
    expect(badge(page)).to_be_visible()
    expect(badge(page).get_by_text("Idle")).to_be_hidden()
    assert_fits(page)
    screenshot(page, "phone-header-title")


def test_phone_settings_fit(phone: tuple[BrowserContext, Page], sandbox: Sandbox) -> None:
    """Settings (servers and preferences) fit the phone's width too."""
    context, page = phone
    seed_servers(context, [{"url": sandbox.chat_url, "name": CHAT}], None)
    open_app(page, sandbox, "/settings/servers")
    expect(page.get_by_role("list", name="Servers")).to_be_visible()
    # No drawer button outside the workspace.
    expect(page.get_by_role("button", name="Sessions")).to_have_count(0)
    assert_fits(page)
    page.get_by_role("link", name="Preferences").click()
    expect(page.get_by_role("heading", name="Preferences")).to_be_visible()
    assert_fits(page)
    screenshot(page, "phone-preferences")
