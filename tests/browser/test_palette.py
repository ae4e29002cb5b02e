"""The command palette and the keyboard shortcuts, against the real OpenCode server
through the proxy: Ctrl+Shift+P and Ctrl+K open one dialog (focus kept inside, Escape
closes it and gives the focus back), which runs "New session" (the server has one more),
opens a session by its title and a file in the viewer, with the matched characters
marked; the shortcut table is listed in the palette and in Settings."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import Sandbox, screenshot, wait_until
from tests.browser.test_chat import new_session, open_chat, server_json
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

WIDE = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
SHORTCUTS_TS = ROOT / "ui" / "src" / "lib" / "shortcuts.ts"


def palette(page: Page) -> Locator:
    return page.get_by_role("dialog", name="Command palette")


def search(page: Page) -> Locator:
    return palette(page).get_by_role("combobox", name="Search commands, sessions and files")


def option(page: Page, name: str | re.Pattern[str]) -> Locator:
    return palette(page).get_by_role("option", name=name, exact=isinstance(name, str))


def create_session(sandbox: Sandbox, title: str) -> str:
    """A session made on the server directly (not through the UI); its ID."""
    request = urllib.request.Request(
        sandbox.chat_server.url + "/session",
        data=json.dumps({"title": title}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.load(response)["id"])


def shortcut_count() -> int:
    """How many shortcuts the table in lib/shortcuts.ts holds."""
    text = SHORTCUTS_TS.read_text()
    table = text[text.index("export const SHORTCUTS") : text.index("] as const satisfies")]
    return len(re.findall(r'^\s+id: "', table, re.MULTILINE))


def test_palette_opens_with_both_shortcuts_and_gives_the_focus_back(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Ctrl+Shift+P and Ctrl+K open the palette on its search field; Tab stays inside it;
    Escape closes it and the prompt has the focus again."""
    page.set_viewport_size(WIDE)
    open_chat(context, page, sandbox)
    new_session(page)
    prompt = page.get_by_label("Prompt")
    expect(prompt).to_be_focused()

    page.keyboard.press("Control+Shift+P")
    expect(palette(page)).to_be_visible()
    expect(search(page)).to_be_focused()
    expect(palette(page).get_by_role("group", name="Commands")).to_be_visible()
    expect(option(page, "New session")).to_have_attribute("aria-keyshortcuts", "Control+Shift+S")
    for _ in range(4):
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('dialog.palette')")
    page.keyboard.press("Escape")
    expect(palette(page)).to_have_count(0)
    expect(prompt).to_be_focused()

    page.keyboard.press("Control+k")
    expect(palette(page)).to_be_visible()
    expect(search(page)).to_be_focused()
    screenshot(page, "palette-open")
    page.keyboard.press("Control+k")
    expect(palette(page)).to_have_count(0)
    expect(prompt).to_be_focused()


def test_palette_runs_new_session(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """ "New session" from the palette makes a session on the server and opens it."""
    page.set_viewport_size(WIDE)
    open_chat(context, page, sandbox)
    before = {session["id"] for session in server_json(sandbox.chat_server.url, "/session")}
    page.keyboard.press("Control+Shift+P")
    search(page).fill("new sess")
    first = palette(page).get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(first).to_contain_text("New session")
    # The matched characters are marked, as text.
    expect(first.locator("mark")).to_have_text(["New sess"])
    page.keyboard.press("Enter")
    expect(palette(page)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/ses_\w+$"))
    created = page.url.rsplit("/", 1)[1]
    after = {session["id"] for session in server_json(sandbox.chat_server.url, "/session")}
    assert after - before == {created}
    expect(page.get_by_label("Prompt")).to_be_focused()


def test_palette_opens_a_session_by_title(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A session found by a few letters of its title opens on Enter."""
    page.set_viewport_size(WIDE)
    target = create_session(sandbox, "Palette target: refactor the parser")
    create_session(sandbox, "Palette decoy: write the changelog")
    open_chat(context, page, sandbox)
    page.keyboard.press("Control+k")
    search(page).fill("refprs")
    sessions = palette(page).get_by_role("group", name="Sessions")
    found = sessions.get_by_role("option", name=re.compile("^Palette target"))
    expect(found).to_be_visible()
    expect(sessions.get_by_role("option", name=re.compile("decoy"))).to_have_count(0)
    screenshot(page, "palette-sessions")
    # Down from the commands to the session, then Enter.
    for _ in range(10):
        if found.get_attribute("aria-selected") == "true":
            break
        page.keyboard.press("ArrowDown")
    expect(found).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/{target}$"))
    expect(page.get_by_role("heading", name="Palette target: refactor the parser")).to_be_visible()
    titles = {
        session["id"]: session["title"]
        for session in server_json(sandbox.chat_server.url, "/session")
    }
    assert titles[target] == "Palette target: refactor the parser"


def test_palette_opens_a_file_in_the_viewer(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Files found by the server's search open in the Files panel; Ctrl+P searches files
    only."""
    page.set_viewport_size(WIDE)
    open_chat(context, page, sandbox)
    new_session(page)
    page.keyboard.press("Control+Shift+P")
    search(page).fill("hello")
    files = palette(page).get_by_role("group", name="Files")
    hello = files.get_by_role("option", name=re.compile("hello.py"))
    expect(hello).to_be_visible()
    assert "hello.py" in server_json(sandbox.chat_server.url, "/find/file?query=hello")
    hello.click()
    expect(palette(page)).to_have_count(0)
    viewer = page.get_by_role("region", name="Content of hello.py")
    expect(viewer).to_contain_text("def greeting() -> str:")
    on_disk = (Path(sandbox.chat_server.project) / "hello.py").read_text()
    assert "\n".join(viewer.locator(".code-text").all_inner_texts()) == on_disk.rstrip("\n")

    page.keyboard.press("Control+p")
    find = page.get_by_role("dialog", name="Command palette").get_by_role(
        "combobox", name="Find a file"
    )
    expect(find).to_be_focused()
    find.fill("readme")
    expect(option(page, re.compile("README.md"))).to_be_visible()
    expect(palette(page).get_by_role("group", name="Commands")).to_have_count(0)
    screenshot(page, "palette-files")
    page.keyboard.press("Enter")
    expect(page.get_by_role("region", name="Content of README.md")).to_contain_text(
        "A throw-away project for tests"
    )


def test_shortcuts_are_listed_in_the_palette_and_in_settings(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """ "Keyboard shortcuts" shows the whole table, with this platform's keys; Settings
    lists the same; shortcuts of the table work (Ctrl+\\ shows the files, Ctrl+` the
    terminal)."""
    page.set_viewport_size(WIDE)
    open_chat(context, page, sandbox)
    count = shortcut_count()
    assert count >= 10
    page.keyboard.press("Control+Shift+P")
    search(page).fill("keyboard")
    page.keyboard.press("Enter")
    table = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(table).to_be_visible()
    expect(table.locator("tr[data-shortcut]")).to_have_count(count)
    opener = table.locator("tr[data-shortcut='palette.open']")
    expect(opener).to_contain_text("Open the command palette")
    expect(opener.locator("kbd")).to_have_text(["Ctrl", "Shift", "P", "Ctrl", "K"])
    expect(table.locator("tr[data-shortcut='terminal.toggle'] kbd")).to_have_text(["Ctrl", "`"])
    expect(table.locator("tr[data-shortcut='prompt.newline'] kbd")).to_have_text(["Shift", "Enter"])
    screenshot(page, "palette-shortcuts")
    table.get_by_role("button", name="Back to the palette").click()
    expect(search(page)).to_be_focused()
    page.keyboard.press("Escape")

    page.keyboard.press("Control+Backslash")
    expect(page.get_by_role("complementary", name="Files")).to_be_visible()

    # Ctrl+` (the shell's handler, from the same table) opens a terminal on the server.
    terminal = page.get_by_role("button", name="Terminal", exact=True)
    page.keyboard.press("Control+Backquote")
    expect(terminal).to_have_attribute("aria-pressed", "true")
    wait_until(page, lambda: len(server_json(sandbox.chat_server.url, "/pty")) >= 1)
    page.keyboard.press("Control+Backquote")
    expect(terminal).to_have_attribute("aria-pressed", "false")
    for pty in server_json(sandbox.chat_server.url, "/pty"):
        delete = urllib.request.Request(
            f"{sandbox.chat_server.url}/pty/{pty['id']}", method="DELETE"
        )
        urllib.request.urlopen(delete, timeout=10).close()

    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Keyboard shortcuts").click()
    expect(page.get_by_role("heading", name="Keyboard shortcuts", level=1)).to_be_visible()
    expect(page.locator(".settings-content tr[data-shortcut]")).to_have_count(count)
    screenshot(page, "settings-shortcuts")


def test_palette_fits_a_phone(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """At 390 px the palette fits the screen and still runs commands."""
    page.set_viewport_size(PHONE)
    open_chat(context, page, sandbox)
    page.keyboard.press("Control+k")
    expect(palette(page)).to_be_visible()
    box = palette(page).bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    search(page).fill("term")
    expect(option(page, re.compile("terminal", re.IGNORECASE)).first).to_be_visible()
    screenshot(page, "palette-phone")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "palette-phone-dark")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
