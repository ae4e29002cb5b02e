"""The terminal panel: a PTY on the real OpenCode server through the proxied websocket."""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid

import pytest
from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.browser.conftest import Sandbox, open_app, screenshot, seed_servers, wait_until

pytestmark = pytest.mark.browser


def _ptys(sandbox: Sandbox) -> list[dict[str, object]]:
    with urllib.request.urlopen(sandbox.chat_server.url + "/pty", timeout=10) as response:
        return list(json.load(response))


def _screen(page: Page) -> str:
    return page.locator(".terminal-screen .xterm-rows").inner_text()


def _run(page: Page, command: str) -> None:
    page.locator(".terminal-screen").click()
    page.keyboard.type(command)
    page.keyboard.press("Enter")


def _open_terminal(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    seed_servers(context, [{"url": sandbox.chat_url, "name": "Chat sandbox"}], None)
    open_app(page, sandbox)
    expect(page.get_by_role("heading", name="Connected to Chat sandbox")).to_be_visible()
    page.get_by_role("button", name="Terminal", exact=True).click()
    expect(page.get_by_role("region", name="Terminal")).to_be_visible()
    expect(page.locator(".terminal-screen .xterm-rows")).to_contain_text("#", timeout=15_000)


def test_terminal_runs_resizes_and_closes(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Open the terminal, run a command, grow the panel (the PTY follows), close it (the PTY ends)."""
    resizes: list[Request] = []
    page.on(
        "requestfinished",
        lambda r: resizes.append(r) if r.method == "PUT" and "/api/proxy/pty/" in r.url else None,
    )
    _open_terminal(context, page, sandbox)
    expect(page.get_by_role("button", name="Terminal", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert len(_ptys(sandbox)) == 1
    # The server makes the PTY at its default size; the panel's follows in a PUT. Asked
    # before that lands, `stty` would give the default, which may be taller than the panel.
    wait_until(page, lambda: bool(resizes))
    _run(page, "echo $((6*7)); stty size")
    wait_until(page, lambda: re.search(r"\n42\n(\d+) (\d+)\n", _screen(page)) is not None)
    match = re.search(r"\n42\n(\d+) (\d+)\n", _screen(page))
    assert match
    rows_before = int(match[1])
    screenshot(page, "terminal-open")

    handle = page.get_by_role("separator", name="Resize terminal")
    handle.focus()
    for _ in range(4):
        handle.press("ArrowUp")

    def grown() -> bool:
        sizes = [json.loads(r.post_data or "{}").get("size", {}) for r in resizes]
        return any(size.get("rows", 0) > rows_before for size in sizes)

    wait_until(page, grown)
    _run(page, "stty size")

    def rows_now() -> list[int]:
        return [int(rows) for rows in re.findall(r"^(\d+) \d+$", _screen(page), re.M)]

    wait_until(page, lambda: len(rows_now()) >= 2)
    assert rows_now()[-1] > rows_before

    page.get_by_role("button", name="Close terminal").click()
    expect(page.get_by_role("region", name="Terminal")).to_have_count(0)
    deadline = time.monotonic() + 10
    while _ptys(sandbox):
        assert time.monotonic() < deadline, "the PTY was not closed"
        time.sleep(0.2)


def test_terminal_reconnects_without_losing_or_repeating_output(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """After the websocket drops, the terminal reconnects from its cursor: output printed
    during the drop appears once, and earlier output is not repeated."""
    _open_terminal(context, page, sandbox)
    _run(page, "printf 'X%sX\\n' one")
    expect(page.locator(".terminal-screen .xterm-rows")).to_contain_text("XoneX")
    # The shell prints while the connection is down; the reconnect must bring it.
    started = sandbox.chat_server.root / f"started-{uuid.uuid4().hex[:8]}"
    _run(page, f"touch {started}; sleep 2; printf 'Y%sY\\n' two")
    # Cut once the command runs, not while its keys are still on their way: a keystroke
    # in flight when a connection drops is lost, as in any terminal.
    wait_until(page, started.exists)
    sandbox.relay.cut()
    expect(page.locator(".terminal-screen .xterm-rows")).to_contain_text("YtwoY", timeout=15_000)
    expect(page.get_by_role("region", name="Terminal").get_by_role("status")).to_have_text("")
    _run(page, "printf 'Z%sZ\\n' three")
    expect(page.locator(".terminal-screen .xterm-rows")).to_contain_text("ZthreeZ")
    screen = _screen(page)
    assert screen.count("XoneX") == 1
    assert screen.count("YtwoY") == 1
    assert screen.count("ZthreeZ") == 1
    page.get_by_role("button", name="Close terminal").click()
    deadline = time.monotonic() + 10
    while _ptys(sandbox):
        assert time.monotonic() < deadline, "the PTY was not closed"
        time.sleep(0.2)
