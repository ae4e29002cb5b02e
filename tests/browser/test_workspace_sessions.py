"""The session list against the real OpenCode server through the proxy: search by title,
groups by day, readable default titles, archive and unarchive (checked on the server),
export as markdown and JSON (checked against the server's messages), compaction (the
server's messages hold it), sharing only where the server allows it, and addresses that
name the server by a short id (old long addresses still work and are rewritten)."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, expect

from tests.browser.conftest import (
    PageWatch,
    Sandbox,
    fresh_user,
    open_app,
    screenshot,
    wait_until,
)
from tests.browser.test_chat import (
    SESSION_URL,
    badge,
    last_reply,
    new_session,
    open_chat,
    send,
    server_json,
)
from tools.fake_model import REPLY

pytestmark = pytest.mark.browser


def server_call(server_url: str, method: str, path: str, body: object | None = None) -> Any:
    """Call an OpenCode server directly (not through the UI)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server_url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def make_session(sandbox: Sandbox, title: str) -> str:
    """A session made on the server behind the UI's back (the UI learns of it by event)."""
    return str(server_call(sandbox.chat_server.url, "POST", "/session", {"title": title})["id"])


def open_live(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """Open the chat server's workspace once its event stream is live (so sessions made
    behind the UI's back arrive as events)."""
    open_chat(context, page, sandbox)
    expect(page.get_by_role("status", name="Event stream: live")).to_be_visible()
    expect(page.locator(".session-list.skeleton")).to_have_count(0)


def sessions_list(page: Page) -> Locator:
    return page.get_by_role("list", name="Sessions", exact=True)


def row(page: Page, title: str, archived: bool = False) -> Locator:
    name = "Archived sessions" if archived else "Sessions"
    return page.get_by_role("list", name=name, exact=True).get_by_role(
        "listitem", name=title, exact=True
    )


def choose(page: Page, item: Locator, action: str) -> None:
    """Open a row's menu and choose an action."""
    item.hover()
    item.get_by_role("button", name="Session actions").click()
    menu = page.get_by_role("menu", name="Session actions")
    expect(menu).to_be_visible()
    menu.get_by_role("menuitem", name=action, exact=True).click()


def fnv_short_id(key: str) -> str:
    """The UI's short server id (ui/src/lib/routes.ts serverShortId), computed here."""
    value = 0x811C9DC5
    for char in key:  # ASCII URLs: one UTF-16 unit per character, as in JavaScript
        value ^= ord(char)
        value = (value * 0x01000193) & 0xFFFFFFFF
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while value:
        value, rest = divmod(value, 36)
        out = digits[rest] + out
    return out.rjust(7, "0")


def test_search_groups_and_readable_titles(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """The list filters by title, groups by day, and a fresh session reads as a time."""
    open_live(context, page, sandbox)
    alpha = make_session(sandbox, "Alpha search target")
    make_session(sandbox, "Beta other thing")
    expect(row(page, "Alpha search target")).to_be_visible()
    expect(row(page, "Beta other thing")).to_be_visible()
    # Newest first, under today's heading.
    expect(sessions_list(page).get_by_role("heading", name="Today")).to_be_visible()
    group = sessions_list(page).get_by_role("list", name="Today")
    titles = group.locator(":scope > li.session-item").evaluate_all(
        "items => items.map(i => i.getAttribute('aria-label'))"
    )
    assert titles.index("Beta other thing") < titles.index("Alpha search target")

    search = page.get_by_role("searchbox", name="Search sessions")
    search.fill("ALPHA target")
    expect(row(page, "Alpha search target")).to_be_visible()
    expect(row(page, "Beta other thing")).to_have_count(0)
    screenshot(page, "sessions-search")
    search.fill("no such words anywhere")
    expect(page.get_by_text("No session matches “no such words anywhere”.")).to_be_visible()
    search.press("Escape")
    expect(search).to_have_value("")
    expect(row(page, "Beta other thing")).to_be_visible()

    # A session OpenCode has not titled yet reads "New session · HH:MM", not a timestamp.
    session_id = new_session(page)
    raw = server_json(sandbox.chat_server.url, f"/session/{session_id}")["title"]
    assert re.match(r"^New session - \d{4}-\d\d-\d\dT", raw)
    current = sessions_list(page).locator("li[aria-current='page']")
    expect(current).to_have_attribute("aria-label", re.compile(r"^New session · \d\d:\d\d$"))
    expect(
        page.get_by_role("heading", name=re.compile(r"^New session · \d\d:\d\d$"))
    ).to_be_visible()
    expect(sessions_list(page)).not_to_contain_text(re.compile(r"\d{4}-\d\d-\d\dT\d\d"))
    assert alpha


def archived_on_server(sandbox: Sandbox, session_id: str) -> bool:
    """Whether the server has the session archived (an archive time set)."""
    session = server_json(sandbox.chat_server.url, f"/session/{session_id}")
    return bool(session["time"].get("archived"))


def test_archive_and_unarchive(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """Archiving sets the server's archive time and moves the row to the archived view."""
    open_live(context, page, sandbox)
    session_id = make_session(sandbox, "Archive me please")
    item = row(page, "Archive me please")
    expect(item).to_be_visible()
    choose(page, item, "Archive")
    expect(item).to_have_count(0)
    wait_until(page, lambda: archived_on_server(sandbox, session_id))
    expect(page.get_by_role("status").filter(has_text="archived")).to_be_visible()

    page.get_by_role("button", name=re.compile(r"^Archived \(\d+\)$")).click()
    archived = row(page, "Archive me please", archived=True)
    expect(archived).to_be_visible()
    screenshot(page, "sessions-archived")
    choose(page, archived, "Unarchive")
    expect(archived).to_have_count(0)
    wait_until(page, lambda: not archived_on_server(sandbox, session_id))
    page.get_by_role("button", name="Back to sessions").click()
    expect(row(page, "Archive me please")).to_be_visible()


def _reply_session(context: BrowserContext, page: Page, sandbox: Sandbox, title: str) -> str:
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    send(page, f"Say something [title:{title}]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    expect(row(page, title)).to_be_visible()
    return session_id


def test_the_open_session_archived_says_so_and_comes_back(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Archiving the session on screen leaves it on screen, marked Archived next to its
    title; Unarchive there brings it back to the list (the server's archive time goes)."""
    session_id = _reply_session(context, page, sandbox, "Archive while open")
    header = page.locator(".chat-header")
    expect(header.get_by_text("Archived", exact=True)).to_have_count(0)
    choose(page, row(page, "Archive while open"), "Archive")
    expect(row(page, "Archive while open")).to_have_count(0)
    unarchive = header.get_by_role("button", name="Unarchive")
    expect(unarchive).to_be_visible()
    wait_until(page, lambda: archived_on_server(sandbox, session_id))
    screenshot(page, "sessions-open-archived")
    unarchive.click()
    expect(row(page, "Archive while open")).to_be_visible()
    expect(unarchive).to_have_count(0)
    wait_until(page, lambda: not archived_on_server(sandbox, session_id))


def test_export_markdown_and_json(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """The JSON download is the server's session and messages; the markdown reads as the chat."""
    session_id = _reply_session(context, page, sandbox, "Export me")
    item = row(page, "Export me")

    with page.expect_download() as download:
        choose(page, item, "Export as JSON")
    saved = download.value
    assert saved.suggested_filename.endswith(".json")
    data = json.loads(Path(saved.path()).read_text(encoding="utf-8"))
    assert data["info"]["id"] == session_id
    assert data["messages"] == server_json(
        sandbox.chat_server.url, f"/session/{session_id}/message"
    )

    with page.expect_download() as download:
        choose(page, item, "Export as Markdown")
    saved = download.value
    assert saved.suggested_filename.startswith("export-me-")
    assert saved.suggested_filename.endswith(".md")
    text = Path(saved.path()).read_text(encoding="utf-8")
    assert text.startswith("# Export me\n")
    assert "## You\n\nSay something [title:Export me]" in text
    assert "## Assistant" in text
    assert REPLY in text


def test_compact(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """Compact asks the server to summarize the session; its messages then hold it."""
    session_id = _reply_session(context, page, sandbox, "Compact me")
    choose(page, row(page, "Compact me"), "Compact")

    def compacted() -> bool:
        messages = server_json(sandbox.chat_server.url, f"/session/{session_id}/message")
        return any(part["type"] == "compaction" for m in messages for part in m["parts"])

    wait_until(page, compacted, timeout=30)
    expect(page.get_by_role("status").filter(has_text="compacted")).to_be_visible()


def test_share_only_where_the_server_allows(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Share is offered while the server's config allows it, and not when it says disabled."""
    open_live(context, page, sandbox)
    make_session(sandbox, "Share probe")
    item = row(page, "Share probe")
    item.hover()
    item.get_by_role("button", name="Session actions").click()
    expect(page.get_by_role("menuitem", name="Share")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("menu")).to_be_hidden()

    # The same server, saying sharing is disabled.
    def disabled(route: Route) -> None:
        response = route.fetch()
        config = response.json()
        config["share"] = "disabled"
        route.fulfill(response=response, json=config)

    page.route(re.compile(r".*/api/proxy/config(\?.*)?$"), disabled)
    page.reload()
    item = row(page, "Share probe")
    expect(item).to_be_visible()
    item.hover()
    item.get_by_role("button", name="Session actions").click()
    menu = page.get_by_role("menu", name="Session actions")
    expect(menu.get_by_role("menuitem", name="Export as JSON")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Share")).to_have_count(0)


def test_address_names_the_server_by_a_short_id(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A session's address holds a short server id; an old one with the URL is rewritten."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    expect(page).to_have_url(SESSION_URL)
    short = page.url.split("#/s/", 1)[1].split("/", 1)[0]
    assert short == fnv_short_id(sandbox.chat_url)
    assert "127.0.0.1" not in page.url.split("#", 1)[1]
    page.reload()
    expect(sessions_list(page).locator("li[aria-current='page']")).to_be_visible()

    old = urllib.parse.quote(sandbox.chat_url, safe="")
    open_app(page, sandbox, f"/s/{old}/{session_id}")
    expect(page).to_have_url(re.compile(rf"#/s/{short}/{session_id}$"))
    expect(sessions_list(page).locator("li[aria-current='page']")).to_be_visible()
    # A short id that names no listed server is explained.
    open_app(page, sandbox, f"/s/zzzzzzz/{session_id}")
    expect(
        page.get_by_role("heading", name="This link is for a server that is not in your list")
    ).to_be_visible()


def test_workspace_at_1400(browser: Browser, sandbox: Sandbox) -> None:
    """The workspace on a wide screen: grouped list, a row's menu, terminal tabs, status."""
    context = browser.new_context(
        base_url=sandbox.base,
        color_scheme="light",
        viewport={"width": 1400, "height": 860},
        extra_http_headers=fresh_user(),
    )
    try:
        page = context.new_page()
        watch = PageWatch(sandbox.proxy.base + "/")
        watch.attach(page)
        open_live(context, page, sandbox)
        make_session(sandbox, "Wide screen one")
        new_session(page)
        send(page, "Hello wide [title:Wide screen two]")
        expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
        item = row(page, "Wide screen one")
        item.hover()
        item.get_by_role("button", name="Session actions").click()
        expect(page.get_by_role("menu", name="Session actions")).to_be_visible()
        screenshot(page, "workspace-1400-menu")
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Terminal", exact=True).click()
        panel = page.get_by_role("region", name="Terminal")
        panel.get_by_role("button", name="New terminal").click()
        expect(panel.get_by_role("tab")).to_have_count(2)
        expect(page.locator(".terminal-screen .xterm-rows")).to_contain_text("#", timeout=15_000)
        page.get_by_role("button", name="Status").click()
        expect(page.get_by_role("dialog", name="Status")).to_be_visible()
        screenshot(page, "workspace-1400")
        page.keyboard.press("Escape")
        panel.get_by_role("button", name="Close terminal", exact=True).click()
        expect(panel).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1400
        assert watch.problems == []
    finally:
        context.close()
