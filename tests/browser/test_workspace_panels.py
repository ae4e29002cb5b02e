"""The workspace's panels against the real OpenCode server through the proxy: several
terminals in tabs (each its own PTY on the server, surviving a dropped connection, closed
one at a time, the active tab remembered while the panel is hidden), Changes that
refresh themselves when the agent or anyone else changes the project's files, a side panel
as wide as the user drags it, and the terminal across the chat and the side panel."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import Sandbox, open_app, screenshot, seed_servers, wait_until
from tests.browser.test_chat import (
    CHAT,
    badge,
    last_reply,
    new_session,
    open_chat,
    send,
    server_json,
)
from tools.fake_model import REPLY

pytestmark = pytest.mark.browser


def pty_ids(sandbox: Sandbox) -> set[str]:
    """The terminals the chat server has right now (asked directly)."""
    with urllib.request.urlopen(sandbox.chat_server.url + "/pty", timeout=10) as response:
        return {str(pty["id"]) for pty in json.load(response)}


def screen(page: Page) -> Locator:
    return page.locator(".terminal-screen .xterm-rows")


def run(page: Page, command: str) -> None:
    page.locator(".terminal-screen").click()
    page.keyboard.type(command)
    page.keyboard.press("Enter")


def tab(page: Page, name: str) -> Locator:
    return page.get_by_role("tablist", name="Terminals").get_by_role("tab", name=name)


def test_terminals_in_tabs(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """Two terminals, two PTYs; each keeps its output; one closes without the other."""
    before = pty_ids(sandbox)
    seed_servers(context, [{"url": sandbox.chat_url, "name": CHAT}], None)
    open_app(page, sandbox)
    expect(page.get_by_role("heading", name=f"Connected to {CHAT}")).to_be_visible()
    toggle = page.get_by_role("button", name="Terminal", exact=True)
    toggle.click()
    panel = page.get_by_role("region", name="Terminal")
    expect(tab(page, "Terminal 1")).to_have_attribute("aria-selected", "true")
    expect(screen(page)).to_contain_text("#", timeout=15_000)
    run(page, "echo one-$((1+1))")
    expect(screen(page)).to_contain_text("one-2")
    wait_until(page, lambda: len(pty_ids(sandbox) - before) == 1)
    first = pty_ids(sandbox) - before

    panel.get_by_role("button", name="New terminal").click()
    expect(tab(page, "Terminal 2")).to_have_attribute("aria-selected", "true")
    expect(tab(page, "Terminal 1")).to_have_attribute("aria-selected", "false")
    expect(screen(page)).to_contain_text("#", timeout=15_000)
    expect(screen(page)).not_to_contain_text("one-2")
    run(page, "echo two-$((2+2))")
    expect(screen(page)).to_contain_text("two-4")
    wait_until(page, lambda: len(pty_ids(sandbox) - before) == 2, timeout=30)
    second = pty_ids(sandbox) - before - first
    assert len(second) == 1
    screenshot(page, "terminals-tabs")

    # Each tab shows its own shell's output.
    tab(page, "Terminal 1").click()
    expect(screen(page)).to_contain_text("one-2")
    expect(screen(page)).not_to_contain_text("two-4")

    # Hidden, the shells keep running and the panel comes back on the same tab.
    toggle.click()
    expect(panel).to_have_count(0)
    assert pty_ids(sandbox) - before == first | second
    toggle.click()
    expect(tab(page, "Terminal 1")).to_have_attribute("aria-selected", "true")
    expect(screen(page)).to_contain_text("one-2")

    # A dropped connection: both reconnect; the second one still runs commands.
    sandbox.relay.cut()
    tab(page, "Terminal 2").click()
    expect(screen(page)).to_contain_text("two-4")
    run(page, "echo after-$((3+3))")
    expect(screen(page)).to_contain_text("after-6", timeout=15_000)
    assert screen(page).inner_text().count("two-4") == 1

    # Keyboard: arrows move between tabs; F2 renames.
    tab(page, "Terminal 2").focus()
    page.keyboard.press("ArrowLeft")
    expect(tab(page, "Terminal 1")).to_be_focused()
    expect(tab(page, "Terminal 1")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("F2")
    name = page.get_by_label("Terminal name")
    name.fill("Build")
    name.press("Enter")
    expect(tab(page, "Build")).to_be_visible()

    # Closing one ends its PTY only; the other stays, now active.
    panel.get_by_role("button", name="Close tab Build").click()
    expect(tab(page, "Build")).to_have_count(0)
    expect(tab(page, "Terminal 2")).to_have_attribute("aria-selected", "true")
    expect(screen(page)).to_contain_text("after-6")
    wait_until(page, lambda: pty_ids(sandbox) - before == second)

    # Closing the panel ends the rest.
    panel.get_by_role("button", name="Close terminal", exact=True).click()
    expect(panel).to_have_count(0)
    wait_until(page, lambda: pty_ids(sandbox) - before == set())


def _restore_project(sandbox: Sandbox) -> None:
    for args in (["checkout", "-q", "--", "."], ["clean", "-qfd"]):
        subprocess.run(["git", *args], cwd=sandbox.chat_server.project, check=True)


def test_changes_refresh_themselves(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """Changes follows the agent's edits and edits made outside it, with no refresh click."""
    open_chat(context, page, sandbox)
    new_session(page)
    page.get_by_role("button", name="Changes", exact=True).click()
    panel = page.get_by_role("complementary", name="Changes")
    expect(
        panel.get_by_text("No uncommitted changes: the files match the last commit.")
    ).to_be_visible()
    files = panel.get_by_role("list", name="Changed files")
    try:
        # The agent writes a file: the panel shows it by itself.
        send(page, "Write it [write:auto-notes.md] [title:Auto changes]")
        expect(files.get_by_role("listitem", name="auto-notes.md")).to_be_visible(timeout=20_000)
        expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
        expect(badge(page)).to_have_attribute("aria-label", "Session idle")

        # A new session has no changes of its own: the panel shows the project's, and
        # follows an edit made in the terminal (OpenCode reports no such change itself).
        new_session(page)
        expect(page.get_by_role("button", name="Changes", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(panel.get_by_text("Uncommitted changes in the project.")).to_be_visible()
        page.get_by_role("button", name="Terminal", exact=True).click()
        expect(screen(page)).to_contain_text("#", timeout=15_000)
        started = time.monotonic()
        run(page, "echo 'Edited in the terminal' >> README.md")
        item = files.get_by_role("listitem", name="README.md")
        expect(item).to_be_visible(timeout=15_000)
        expect(item.get_by_label("added: Edited in the terminal")).to_be_visible()
        assert time.monotonic() - started < 15
        assert "Edited in the terminal" in (sandbox.chat_server.project / "README.md").read_text()
        screenshot(page, "changes-auto-refresh")

        # Undone with git in the terminal: gone from the panel by itself.
        run(page, "git checkout -q -- README.md")
        expect(item).to_have_count(0, timeout=15_000)
        page.get_by_role("button", name="Close terminal", exact=True).click()
    finally:
        _restore_project(sandbox)


def _diff_names(sandbox: Sandbox, path: str) -> list[str]:
    """The files of a diff, asked of the chat server directly, in its order."""
    return [str(entry["file"]) for entry in server_json(sandbox.chat_server.url, path)]


def test_changes_of_several_files_are_listed_folded_and_switched(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """On a phone, Changes of two files the agent wrote and a long hello.py edited outside
    it: a file list naming what the server reports, each entry jumping to its diff, every
    diff folding by its header and all at once, and a switch to the session's own record."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    page.set_viewport_size({"width": 390, "height": 760})
    project = sandbox.chat_server.project
    try:
        send(page, "Write two [write:notes-a.md] [write:notes-b.md] [title:Two files]")
        expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
        expect(badge(page)).to_have_attribute("aria-label", "Session idle")
        # A change the agent did not make, long enough that the files after it need scrolling.
        lines = "".join(f"print({n})\n" for n in range(80))
        (project / "hello.py").write_text(lines)
        uncommitted = _diff_names(sandbox, "/vcs/diff?mode=git")
        assert sorted(uncommitted) == ["hello.py", "notes-a.md", "notes-b.md"], uncommitted

        page.get_by_role("button", name="Changes", exact=True).click()
        panel = page.get_by_role("complementary", name="Changes")
        switch = panel.get_by_role("group", name="Show changes from")
        uncommitted_button = switch.get_by_role("button", name="Uncommitted")
        expect(uncommitted_button).to_have_attribute("aria-pressed", "true")
        expect(panel.get_by_text("Uncommitted changes in the project.")).to_be_visible()
        index = panel.get_by_role("navigation", name="Files in this change")
        expect(index.locator(".changes-index-name")).to_have_text(uncommitted)
        expect(index.get_by_role("button", name="notes-a.md")).to_contain_text("+2")
        diffs = panel.get_by_role("list", name="Changed files")
        toggles = diffs.locator(".diff-toggle")
        expect(toggles).to_have_count(3)
        screenshot(page, "changes-file-list")

        # Each diff folds by its header; all of them at once.
        first = diffs.get_by_role("listitem", name=uncommitted[0])
        first_toggle = first.locator(".diff-toggle")
        first_toggle.click()
        expect(first_toggle).to_have_attribute("aria-expanded", "false")
        expect(first.get_by_role("table")).to_have_count(0)
        expect(diffs.get_by_role("table")).to_have_count(2)
        panel.get_by_role("button", name="Collapse all").click()
        for n in range(3):
            expect(toggles.nth(n)).to_have_attribute("aria-expanded", "false")
        expect(diffs.get_by_role("table")).to_have_count(0)
        panel.get_by_role("button", name="Expand all").click()
        for n in range(3):
            expect(toggles.nth(n)).to_have_attribute("aria-expanded", "true")
        expect(diffs.get_by_role("table")).to_have_count(3)

        # An entry brings its file's diff into view (unfolding it) and focuses its header.
        last = uncommitted[-1]
        target = diffs.get_by_role("listitem", name=last)
        target_toggle = target.locator(".diff-toggle")
        target_toggle.click()
        expect(target_toggle).to_have_attribute("aria-expanded", "false")
        panel.locator(".changes-body").evaluate("(el) => { el.scrollTop = 0; }")
        expect(target).not_to_be_in_viewport()
        index.get_by_role("button", name=last).click()
        expect(target_toggle).to_be_focused()
        expect(target_toggle).to_have_attribute("aria-expanded", "true")
        expect(target).to_be_in_viewport()
        expect(target.get_by_role("table")).to_be_visible()
        # Nothing wider than the phone.
        assert panel.evaluate("(el) => el.scrollWidth <= el.clientWidth")
        screenshot(page, "changes-uncommitted-phone")

        # The session's own record, as the server answers it (1.18.33: none without a
        # message), then back to the uncommitted changes.
        own = _diff_names(sandbox, f"/session/{session_id}/diff")
        switch.get_by_role("button", name="This session").click()
        expect(switch.get_by_role("button", name="This session")).to_have_attribute(
            "aria-pressed", "true"
        )
        if own:
            expect(index.locator(".changes-index-name")).to_have_text(own)
        else:
            expect(panel.get_by_text("No changes recorded for this session.")).to_be_visible()
            expect(diffs).to_have_count(0)
        uncommitted_button.click()
        expect(index.locator(".changes-index-name")).to_have_text(uncommitted)
    finally:
        _restore_project(sandbox)


def test_a_side_panel_leaves_the_title_readable(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """With the Files panel open at 1400 px the header's tools show only their icons, so
    the session's title is not cut; they still work by name."""
    page.set_viewport_size({"width": 1400, "height": 900})
    open_chat(context, page, sandbox)
    new_session(page)
    title = "Improve the greeting in hello.py"
    send(page, f"Say hello [title:{title}]")
    heading = page.get_by_role("heading", name=title, level=1)
    expect(heading).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="Files", exact=True).click()
    expect(page.get_by_role("tree")).to_be_visible()

    def cut() -> bool:
        return bool(heading.evaluate("(h) => h.scrollWidth > h.clientWidth"))

    wait_until(page, lambda: not cut())
    screenshot(page, "panel-open-title")
    tools = page.locator(".chat-tools")
    expect(tools.get_by_text("Changes", exact=True)).to_be_hidden()
    tools.get_by_role("button", name="Changes", exact=True).click()
    expect(page.get_by_role("button", name="Changes", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )


def _box(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None
    return box


def _width(locator: Locator) -> float:
    return _box(locator)["width"]


def test_side_panel_resizes_and_keeps_its_width(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """At 1400 px the Changes panel's left edge is a handle: dragged or moved by the
    keyboard, the panel narrows and the chat widens as much; the width outlives a reload."""
    page.set_viewport_size({"width": 1400, "height": 900})
    open_chat(context, page, sandbox)
    new_session(page)
    try:
        send(page, "Write it [write:wide-notes.md] [title:Wide panel]")
        expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
        expect(badge(page)).to_have_attribute("aria-label", "Session idle")
        assert "wide-notes.md" in _diff_names(sandbox, "/vcs/diff?mode=git")

        page.get_by_role("button", name="Changes", exact=True).click()
        panel = page.get_by_role("complementary", name="Changes")
        changed = panel.get_by_role("list", name="Changed files").get_by_role(
            "listitem", name="wide-notes.md"
        )
        expect(changed).to_be_visible(timeout=15_000)
        chat = page.locator(".workspace-main")
        handle = page.get_by_role("separator", name="Resize side panel")
        expect(handle).to_have_attribute("aria-orientation", "vertical")
        default = _width(panel)
        assert abs(default - round(1400 * 0.38)) <= 1, default
        chat_before = _width(chat)

        # Dragged 160 px to the right: the panel loses what the chat gains.
        grip = _box(handle)
        x, y = grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 80, y, steps=4)
        page.mouse.move(x + 160, y, steps=4)
        page.mouse.up()
        wait_until(page, lambda: abs(_width(panel) - (default - 160)) <= 1)
        assert abs(_width(chat) - (chat_before + 160)) <= 1
        expect(handle).to_have_attribute("aria-valuenow", str(round(default) - 160))

        # The keyboard: arrows step, End and Home go to the ends (the chat keeps 400 px).
        handle.focus()
        handle.press("ArrowLeft")
        handle.press("ArrowLeft")
        wait_until(page, lambda: abs(_width(panel) - (default - 80)) <= 1)
        handle.press("End")
        widest = int(handle.get_attribute("aria-valuemax") or 0)
        assert widest == 1400 - 272 - 400
        wait_until(page, lambda: abs(_width(panel) - widest) <= 1)
        assert _width(chat) >= 400 - 1
        handle.press("Home")
        expect(handle).to_have_attribute("aria-valuenow", "320")
        wait_until(page, lambda: abs(_width(panel) - 320) <= 1)
        handle.press("ArrowLeft")
        expect(handle).to_have_attribute("aria-valuenow", "360")
        wait_until(page, lambda: abs(_width(panel) - 360) <= 1)
        chat_narrowed = _width(chat)
        screenshot(page, "side-panel-resized")

        # Kept across a reload; the panel still lists what the server reports changed.
        page.reload()
        expect(page.get_by_label("Prompt")).to_be_visible()
        if not panel.is_visible():
            page.get_by_role("button", name="Changes", exact=True).click()
        expect(changed).to_be_visible(timeout=15_000)
        wait_until(page, lambda: abs(_width(panel) - 360) <= 1)
        assert abs(_width(chat) - chat_narrowed) <= 1
        assert "wide-notes.md" in _diff_names(sandbox, "/vcs/diff?mode=git")

        # A double-click on the panel's handle goes back to the default width.
        handle.dblclick()
        wait_until(page, lambda: abs(_width(panel) - default) <= 1)
        expect(handle).to_have_attribute("aria-valuenow", str(round(default)))
    finally:
        _restore_project(sandbox)


def test_terminal_spans_beneath_chat_and_side_panel(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """With Changes open at 1400 px the terminal opens across the chat and the panel (as
    in an editor's bottom panel), the panel keeping the chat's height; its shell runs."""
    page.set_viewport_size({"width": 1400, "height": 900})
    open_chat(context, page, sandbox)
    new_session(page)
    page.get_by_role("button", name="Changes", exact=True).click()
    panel = page.get_by_role("complementary", name="Changes")
    expect(panel).to_be_visible()
    chat = page.locator(".workspace-main")
    try:
        before = pty_ids(sandbox)
        page.get_by_role("button", name="Terminal", exact=True).click()
        terminal = page.get_by_role("region", name="Terminal")
        expect(screen(page)).to_contain_text("#", timeout=15_000)
        wait_until(page, lambda: len(pty_ids(sandbox) - before) == 1)
        term, side, main = _box(terminal), _box(panel), _box(chat)
        assert abs((term["x"] + term["width"]) - (side["x"] + side["width"])) <= 1, (term, side)
        assert abs(term["x"] - main["x"]) <= 1, (term, main)
        assert term["y"] >= side["y"] + side["height"] - 1
        assert abs(side["height"] - main["height"]) <= 1
        run(page, "echo wide-$((6*7)) > wide-marker.txt; cat wide-marker.txt")
        expect(screen(page)).to_contain_text("wide-42")
        marker = sandbox.chat_server.project / "wide-marker.txt"
        wait_until(page, lambda: marker.exists() and "wide-42" in marker.read_text())
        # Its own handle still sets its height.
        tall = _box(terminal)["height"]
        page.get_by_role("separator", name="Resize terminal").focus()
        page.keyboard.press("ArrowUp")
        wait_until(page, lambda: abs(_box(terminal)["height"] - (tall + 40)) <= 1)
        screenshot(page, "terminal-beneath-side-panel")

        page.get_by_role("button", name="Close terminal", exact=True).click()
        expect(terminal).to_have_count(0)
        wait_until(page, lambda: pty_ids(sandbox) - before == set())
    finally:
        _restore_project(sandbox)
