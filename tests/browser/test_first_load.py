"""The first load: small, compressed, and without the heavy parts, which load on first use.

The terminal (xterm.js), the highlighter (Shiki), the diff view (with jsdiff), the
file viewer and the markdown renderer (marked, DOMPurify) are chunks of their own. The workspace's first screen fetches none of them,
gets its scripts and styles brotli-compressed, and stays under 300 KB on the wire;
opening a terminal, a session, the Files panel and an edit then fetches each and it
works. While the diff view's chunk is on its way, the edit's text shows plain in the
same frame (held back here on purpose, so the test sees that moment).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Request, Response, Route, expect

from tests.browser.conftest import UI_DIR, Sandbox, screenshot, wait_until
from tests.browser.test_chat import badge, last_reply, new_session, open_chat, send
from tests.browser.test_highlight import _shiki_chunks
from tools.fake_model import REPLY

pytestmark = pytest.mark.browser

# The first load's budget on the wire (scripts, styles, the page), as issue 14 sets it.
FIRST_LOAD_BUDGET = 300_000
# The lazy chunks by the module they are named after (Vite names a lazy chunk so).
LAZY = {
    "terminal": "terminal-panel",
    "files": "files-panel",
    "code view": "code-view",
    "diff view": "diff-view",
}


def _chunk(prefix: str) -> str:
    """The one built chunk named after ``prefix``."""
    found = [p.name for p in (UI_DIR / "assets").glob(f"{prefix}-*.js")]
    assert len(found) == 1, f"expected one {prefix} chunk in {UI_DIR}, found {found}"
    return found[0]


def _markdown_chunk() -> str:
    """The chunk of the markdown renderer (Shiki's markdown grammar has the same name)."""
    found = [p.name for p in (UI_DIR / "assets").glob("*.js") if b"DOMPurify" in p.read_bytes()]
    assert len(found) == 1, f"expected one chunk with DOMPurify in {UI_DIR}, found {found}"
    return found[0]


def _entry_files() -> set[str]:
    """The scripts and styles index.html names: the entry, its preloads, its CSS."""
    index = (UI_DIR / "index.html").read_text()
    return set(re.findall(r'(?:src|href)="\./assets/([^"]+)"', index))


class Fetches:
    """The page's requests under assets/, and how each answer was encoded."""

    def __init__(self, page: Page):
        self.names: list[str] = []
        self.encodings: dict[str, str | None] = {}
        page.on("request", self._request)
        page.on("response", self._response)

    def _request(self, request: Request) -> None:
        if "/assets/" in request.url:
            self.names.append(request.url.rsplit("/", 1)[-1])

    def _response(self, response: Response) -> None:
        if "/assets/" in response.url:
            name = response.url.rsplit("/", 1)[-1]
            self.encodings[name] = response.headers.get("content-encoding")

    def lazy(self) -> dict[str, bool]:
        """Which of the lazy parts the page fetched so far."""
        fetched = set(self.names)
        shown = {part: _chunk(prefix) in fetched for part, prefix in LAZY.items()}
        shown["highlighter"] = bool(fetched & _shiki_chunks())
        shown["markdown"] = _markdown_chunk() in fetched
        return shown


def test_entry_holds_none_of_the_heavy_parts() -> None:
    """The page names none of the lazy chunks (not even as a preload), and every script
    and style it names has its brotli and gzip siblings."""
    named = _entry_files()
    assert any(name.startswith("index-") and name.endswith(".js") for name in named), named
    lazy = {_chunk(prefix) for prefix in LAZY.values()} | _shiki_chunks() | {_markdown_chunk()}
    assert not named & lazy
    for name in named:
        path = UI_DIR / "assets" / name
        assert Path(str(path) + ".br").is_file(), name
        assert Path(str(path) + ".gz").is_file(), name
    # xterm.js is in the terminal's chunk only.
    holders = [
        p.name for p in (UI_DIR / "assets").glob("*.js") if b"xterm-helper" in p.read_bytes()
    ]
    assert holders == [_chunk("terminal-panel")], holders


def test_first_load_is_small_and_each_part_loads_when_first_used(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """The workspace's first screen: none of the heavy parts, brotli on the wire, under
    the budget. Then the terminal, the file viewer and the diff view each load on first
    use and work, the diff showing its text plain until its chunk is in."""
    fetches = Fetches(page)
    open_chat(context, page, sandbox)
    expect(page.get_by_role("button", name="New session")).to_be_enabled()
    page.wait_for_load_state("networkidle")
    assert fetches.lazy() == dict.fromkeys([*LAZY, "highlighter", "markdown"], False)
    for name in _entry_files():
        assert fetches.encodings.get(name) == "br", (name, fetches.encodings)
    wire = page.evaluate(
        "() => performance.getEntriesByType('navigation').concat("
        "performance.getEntriesByType('resource'))"
        ".filter(e => !e.name.includes('/api/'))"
        ".reduce((sum, e) => sum + e.encodedBodySize, 0)"
    )
    assert 0 < wire < FIRST_LOAD_BUDGET, wire
    screenshot(page, "first-load-workspace")

    # The terminal: its chunk on first opening, and a shell that answers.
    page.get_by_role("button", name="Terminal", exact=True).click()
    screen = page.locator(".terminal-screen .xterm-rows")
    expect(screen).to_contain_text("#", timeout=15_000)
    assert fetches.lazy()["terminal"]
    page.locator(".terminal-screen").click()
    page.keyboard.type("echo $((6*7))")
    page.keyboard.press("Enter")
    wait_until(page, lambda: "\n42\n" in screen.inner_text())
    page.get_by_role("button", name="Close terminal").click()
    assert not fetches.lazy()["diff view"]

    # A session: the markdown renderer comes with it.
    new_session(page)
    wait_until(page, lambda: fetches.lazy()["markdown"])

    # The file viewer: the Files panel's chunk with the code view, then Shiki for python.
    page.get_by_role("button", name="Files", exact=True).click()
    files = page.get_by_role("complementary", name="Files")
    files.get_by_role("tree", name="Project files").get_by_role(
        "treeitem", name=re.compile(r"^hello\.py(,|$)")
    ).click()
    code = files.get_by_role("region", name="Content of hello.py")
    expect(code).to_contain_text("Hello, world!")
    expect(code).to_have_attribute("data-highlighted", "true")
    loaded = fetches.lazy()
    assert loaded["files"], loaded
    assert loaded["code view"], loaded
    assert loaded["highlighter"], loaded
    assert not loaded["diff view"]
    files.get_by_role("button", name="Close files").click()

    # The diff view: held back on the wire, the edit shows plain; then the real view.
    held: list[Route] = []
    page.route(f"**/assets/{_chunk('diff-view')}", lambda route: held.append(route))
    send(page, "Change the greeting [read:hello.py] [edit:hello.py:Hello, world!=>Hello, lazy!]")
    edit = page.get_by_role("list", name="Messages").get_by_role(
        "group", name="Edited hello.py", exact=True
    )
    pending = edit.locator(".code-pending")
    expect(pending).to_contain_text('-    print("Hello, world!")', timeout=20_000)
    expect(pending).to_contain_text('+    print("Hello, lazy!")')
    expect(edit.locator(".diff-view")).to_have_count(0)
    screenshot(page, "first-load-diff-pending")
    wait_until(page, lambda: bool(held))
    for route in held:
        route.continue_()
    page.unroute(f"**/assets/{_chunk('diff-view')}")
    view = edit.locator(".diff-view")
    expect(view).to_have_attribute("data-highlighted", "true")
    expect(pending).to_have_count(0)
    expect(view.get_by_label('added:     print("Hello, lazy!")')).to_be_visible()
    expect(view.locator(".diff-word")).to_have_text(["world", "lazy"])
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    expect(last_reply(page).locator(".markdown p").first).to_contain_text(REPLY)
    assert fetches.lazy()["diff view"]
    screenshot(page, "first-load-diff-loaded")


def _markdown_session(context: BrowserContext, page: Page, sandbox: Sandbox) -> str:
    """A session whose reply is markdown (a heading, a list, a code block); its address."""
    open_chat(context, page, sandbox)
    new_session(page)
    send(page, "Plan it [markdown]")
    expect(last_reply(page)).to_contain_text("That is all.", timeout=20_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    return page.url


def test_a_conversation_waits_for_markdown_and_never_shows_it_raw(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Opening a conversation in a new tab while the markdown chunk is on its way: the
    chat says it is loading and shows no message yet; then the reply, rendered."""
    address = _markdown_session(context, page, sandbox)
    tab = context.new_page()
    held: list[Route] = []
    pattern = f"**/assets/{_markdown_chunk()}"
    tab.route(pattern, lambda route: held.append(route))
    tab.goto(address)
    expect(tab.get_by_text("Loading the conversation…")).to_be_visible()
    wait_until(tab, lambda: bool(held))
    # The messages have had time to arrive; none shows before markdown can render it.
    tab.wait_for_timeout(500)
    expect(tab.get_by_role("list", name="Messages")).to_have_count(0)
    expect(tab.get_by_text("## Plan")).to_have_count(0)
    for route in held:
        route.continue_()
    tab.unroute(pattern)
    reply = last_reply(tab)
    expect(reply.get_by_role("heading", name="Plan")).to_be_visible()
    expect(reply.locator("pre code.language-python")).to_contain_text("def greet")
    expect(tab.get_by_text("Loading the conversation…")).to_have_count(0)
    expect(tab.locator(".markdown-plain")).to_have_count(0)
    screenshot(tab, "first-load-markdown-after-wait")


def test_a_conversation_still_shows_if_markdown_cannot_load(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """With the markdown chunk refused, the conversation shows anyway, its reply as the
    plain text it is (never as HTML)."""
    address = _markdown_session(context, page, sandbox)
    tab = context.new_page()
    tab.route(f"**/assets/{_markdown_chunk()}", lambda route: route.abort())
    tab.goto(address)
    plain = last_reply(tab).locator(".markdown-plain").first
    expect(plain).to_contain_text("## Plan")
    expect(plain).to_contain_text("```python")
    expect(last_reply(tab).get_by_role("heading", name="Plan")).to_have_count(0)
    expect(tab.get_by_text("Loading the conversation…")).to_have_count(0)
    screenshot(tab, "first-load-markdown-refused")


@pytest.fixture(autouse=True)
def _restore_project(sandbox: Sandbox) -> Iterator[None]:
    """Put the chat server's project back as committed, for the tests after this one."""
    yield
    for args in (["checkout", "-q", "--", "."], ["clean", "-qfd"]):
        subprocess.run(["git", *args], cwd=sandbox.chat_server.project, check=True)
