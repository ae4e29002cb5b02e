"""Syntax highlighting against the real OpenCode server and the scripted model: Shiki is
fetched only once code is on screen, markdown code blocks are coloured in the light and the
dark scheme, and the Changes panel shows a real edit as a highlighted diff with folded
unchanged lines, unified and split, also at phone width."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import UI_DIR, Sandbox, screenshot
from tests.browser.test_chat import badge, last_reply, new_session, open_chat, send
from tests.support.opencode import FakeModel
from tools.fake_model import REPLY

pytestmark = pytest.mark.browser

# What only Shiki's chunks hold: its core, its regex engine, its grammars and its themes.
SHIKI_MARKERS = (b"ShikiError", b"JavaScriptScanner", b"scopeName", b"tokenColors")


def _shiki_chunks() -> set[str]:
    """The built files that are part of Shiki, found by their content."""
    return {
        path.name
        for path in (UI_DIR / "assets").glob("*.js")
        if any(marker in path.read_bytes() for marker in SHIKI_MARKERS)
    }


# The outermost elements that reach past the window's right edge, for a failure message.
WIDER_THAN_THE_PAGE = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(el => !el.parentElement || el.parentElement.getBoundingClientRect().right
    <= window.innerWidth + 1)
  .map(el => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)"""


# Notes (in page time) when the first code appears: a code block, a code or a diff view.
FIRST_CODE = """(() => {
  performance.setResourceTimingBufferSize(10000);
  const mark = () => {
    if (window.__firstCode === undefined
        && document.querySelector('pre code, .code-view, .diff-view')) {
      window.__firstCode = performance.now();
    }
  };
  new MutationObserver(mark).observe(document, { childList: true, subtree: true });
})();"""


class Requests:
    """The page's requests for Shiki's chunks, and when the first code appeared."""

    def __init__(self, context: BrowserContext, page: Page):
        self.page = page
        self.chunks = _shiki_chunks()
        context.add_init_script(FIRST_CODE)

    def shiki(self) -> list[tuple[str, float]]:
        """Shiki's chunks the page fetched, with when (page time) each was asked for."""
        entries = self.page.evaluate(
            "() => performance.getEntriesByType('resource')"
            ".map(entry => [entry.name, entry.startTime])"
        )
        return [(url, at) for url, at in entries if url.rsplit("/", 1)[-1] in self.chunks]

    def first_code(self) -> float | None:
        return self.page.evaluate("() => window.__firstCode ?? null")

    def assert_lazy(self) -> None:
        """Shiki was fetched, and not one piece of it before code was on the page."""
        fetched = self.shiki()
        assert fetched, "no Shiki chunk was fetched"
        first = self.first_code()
        assert first is not None
        # The observer runs just after the script that both added the code and asked for
        # Shiki (a microtask later), so "at once" may read a millisecond or so early.
        early = [(url, at) for url, at in fetched if at < first - 50]
        assert early == [], f"fetched before any code appeared (at {first} ms): {early}"


@pytest.fixture
def requests(context: BrowserContext, page: Page) -> Requests:
    return Requests(context, page)


def colour(locator: Locator) -> str:
    return str(locator.evaluate("el => getComputedStyle(el).color"))


def token(code: Locator, text: str) -> Locator:
    """The token span whose text is exactly ``text``."""
    return code.locator("span.tok").filter(has_text=re.compile(f"^{re.escape(text)}$")).first


def test_shiki_is_not_part_of_the_first_page() -> None:
    """The build keeps Shiki out of the entry chunk: its pieces are lazy chunks of their own."""
    chunks = _shiki_chunks()
    assert any(b"ShikiError" in (UI_DIR / "assets" / name).read_bytes() for name in chunks)
    index = (UI_DIR / "index.html").read_text()
    entry = re.findall(r'src="\./assets/([^"]+\.js)"', index)
    preloaded = re.findall(r'href="\./assets/([^"]+\.js)"', index)
    assert entry, index
    assert not (set(entry) | set(preloaded)) & chunks


def test_markdown_code_block_is_highlighted_in_both_schemes(
    context: BrowserContext, page: Page, sandbox: Sandbox, requests: Requests
) -> None:
    """A reply's python block gets coloured tokens, fetched only once the block is there,
    and its colours follow the scheme."""
    open_chat(context, page, sandbox)
    new_session(page)
    send(page, "Plain words first [title:Highlight]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=15_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    page.wait_for_timeout(300)
    assert requests.shiki() == [], "Shiki was fetched for a page without code"
    assert requests.first_code() is None

    send(page, "Show me code [markdown]")
    code = last_reply(page).locator("pre code.language-python")
    expect(code).to_contain_text("def greet(name: str)", timeout=15_000)
    expect(last_reply(page)).to_contain_text("That is all.", timeout=15_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    expect(code).to_have_attribute("data-highlighted", "true")
    requests.assert_lazy()
    # Only what python needs: the tokenizer with its engine, both themes, one grammar.
    fetched = {url.rsplit("/", 1)[-1].split("-")[0] for url, _ in requests.shiki()}
    assert fetched == {"shiki", "github", "python"}, fetched
    # The text is unchanged by highlighting (and the Copy button copies the same).
    assert code.inner_text().startswith(
        'def greet(name: str) -> str:\n    return f"Hello, {name}!"'
    )
    keyword, name, plain = token(code, "def"), token(code, "greet"), token(code, ":")
    light = {"def": colour(keyword), "greet": colour(name), ":": colour(plain)}
    assert light["def"] != light[":"], light
    assert light["greet"] != light[":"], light
    screenshot(page, "highlight-markdown-light")

    page.emulate_media(color_scheme="dark")
    expect(keyword).not_to_have_css("color", light["def"])
    dark = {"def": colour(keyword), "greet": colour(name), ":": colour(plain)}
    assert dark["def"] != dark[":"], dark
    assert dark[":"] != light[":"], (dark, light)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 15, 17)"
    screenshot(page, "highlight-markdown-dark")


@pytest.fixture
def restore_project(sandbox: Sandbox) -> Iterator[None]:
    yield
    # Put the project back as committed, for the tests after this one.
    for args in (["checkout", "-q", "--", "."], ["clean", "-qfd"]):
        subprocess.run(["git", *args], cwd=sandbox.chat_server.project, check=True)


def test_changes_panel_shows_a_highlighted_diff_of_an_edit(
    context: BrowserContext,
    page: Page,
    sandbox: Sandbox,
    requests: Requests,
    restore_project: None,
) -> None:
    """A real edit shows in Changes as a highlighted diff: folded unchanged lines that open,
    unified and split layouts (remembered), and unified at phone width."""
    open_chat(context, page, sandbox)
    new_session(page)
    send(page, "Change the greeting [read:hello.py] [edit:hello.py:Hello, world!=>Hello, diff!]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    hello = (sandbox.chat_server.project / "hello.py").read_text()
    assert 'print("Hello, diff!")' in hello
    assert "Hello, world!" not in hello

    page.get_by_role("button", name="Changes").click()
    panel = page.get_by_role("complementary", name="Changes")
    expect(panel.locator(".diff-view[data-highlighted=true]")).to_have_count(1)
    requests.assert_lazy()
    item = panel.get_by_role("list", name="Changed files").get_by_role("listitem", name="hello.py")
    expect(item).to_contain_text("+1")
    expect(item).to_contain_text("−1")
    table = item.get_by_role("table", name="Diff of hello.py")
    added = table.get_by_label('added:     print("Hello, diff!")')
    deleted = table.get_by_label('deleted:     print("Hello, world!")')
    expect(added).to_be_visible()
    expect(deleted).to_be_visible()
    row = "el => getComputedStyle(el.parentElement).backgroundColor"
    assert added.evaluate(row) != deleted.evaluate(row)

    # Highlighted on both sides: `print` is a coloured token, unlike the parentheses.
    view = item.locator(".diff-view")
    expect(view).to_have_attribute("data-highlighted", "true")
    expect(view).to_have_attribute("data-language", "python")
    print_token = token(added, "print")
    expect(print_token).to_be_visible()
    assert colour(print_token) != colour(token(added, "("))
    expect(token(deleted, "print")).to_be_visible()
    # The changed words are marked within the changed lines.
    expect(added.locator(".diff-word")).to_have_text(["diff"])
    expect(deleted.locator(".diff-word")).to_have_text(["world"])
    # Signs and both line numbers: line 9 of the old file became line 9 of the new.
    deleted_row = deleted.locator("xpath=..")
    expect(deleted_row.locator(".diff-sign")).to_have_text("−")
    expect(added.locator("xpath=..").locator(".diff-sign")).to_have_text("+")
    expect(deleted_row.locator(".diff-num").first).to_have_text("9")
    expect(added.locator("xpath=..").locator(".diff-num").nth(1)).to_have_text("9")
    expect(table.locator(".diff-hunk")).to_have_text(re.compile(r"^@@ -1,\d+ \+1,\d+ @@"))

    # Lines 1..5 are folded (6..8 stay as context); the button shows them.
    docstring = table.get_by_text('"""A tiny program for the demo model to read, run and edit."""')
    expect(docstring).to_have_count(0)
    unfold = table.get_by_role("button", name="Show 5 unchanged lines")
    expect(unfold).to_be_visible()
    expect(table.get_by_text("def main() -> None:")).to_be_visible()
    screenshot(page, "highlight-diff-unified")
    unfold.click()
    expect(docstring).to_be_visible()
    expect(unfold).to_have_count(0)

    # Split: old on the left, new on the right, side by side.
    layout = item.get_by_role("group", name="Diff layout")
    layout.get_by_role("button", name="Split").click()
    expect(layout.get_by_role("button", name="Split")).to_have_attribute("aria-pressed", "true")
    expect(layout.get_by_role("button", name="Unified")).to_have_attribute("aria-pressed", "false")
    expect(view).to_have_attribute("data-mode", "split")
    before = table.get_by_role("rowgroup", name="Before")
    after = table.get_by_role("rowgroup", name="After")
    expect(before.get_by_label('deleted:     print("Hello, world!")')).to_be_visible()
    expect(after.get_by_label('added:     print("Hello, diff!")')).to_be_visible()
    expect(before.get_by_label(re.compile("^added:"))).to_have_count(0)
    expect(after.get_by_label(re.compile("^deleted:"))).to_have_count(0)
    left, right = deleted.bounding_box(), added.bounding_box()
    assert left
    assert right
    assert left["x"] + left["width"] <= right["x"] + 1
    assert abs(left["y"] - right["y"]) < 2
    # Folded again in this layout, and the button still opens it.
    split_unfold = table.get_by_role("button", name="Show 5 unchanged lines")
    expect(split_unfold).to_be_visible()
    split_unfold.click()
    expect(table.get_by_text('"""A tiny program', exact=False)).to_have_count(2)
    screenshot(page, "highlight-diff-split")

    # The choice is remembered across a reload.
    page.reload()
    page.get_by_role("button", name="Changes").click()
    expect(item.locator(".diff-view")).to_have_attribute("data-mode", "split")

    # At phone width the panel is too narrow for two columns: unified, and the toggle says so.
    page.set_viewport_size({"width": 390, "height": 760})
    expect(item.locator(".diff-view")).to_have_attribute("data-mode", "unified")
    layout = item.get_by_role("group", name="Diff layout")
    expect(layout.get_by_role("button", name="Unified")).to_have_attribute("aria-pressed", "true")
    expect(layout.get_by_role("button", name="Split")).to_be_disabled()
    expect(table.get_by_label('added:     print("Hello, diff!")')).to_be_visible()
    # The diff scrolls inside itself: nothing in the panel reaches past the window.
    inside = panel.evaluate(
        "el => [...el.querySelectorAll('*')].every(child =>"
        " child.getBoundingClientRect().right <= window.innerWidth + 1"
        " || child.closest('.diff-scroll, .diff-pane') !== null"
        " && child.closest('.diff-scroll, .diff-pane').getBoundingClientRect().right"
        " <= window.innerWidth + 1)"
    )
    assert inside, page.evaluate(WIDER_THAN_THE_PAGE)
    scroller = table.locator(".diff-scroll")
    assert scroller.evaluate("el => el.scrollWidth >= el.clientWidth")
    screenshot(page, "highlight-diff-phone")

    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 1200, "height": 760})
    expect(item.locator(".diff-view")).to_have_attribute("data-mode", "split")
    screenshot(page, "highlight-diff-split-dark")


def test_code_view_of_a_read_numbers_highlights_and_cuts_long_files(
    context: BrowserContext,
    page: Page,
    sandbox: Sandbox,
    requests: Requests,
    fake_model: FakeModel,
    restore_project: None,
) -> None:
    """A read's content shows in a code view: numbered lines, python colours, scrolling
    inside itself, and a long file cut behind "Show all N lines"."""
    lines = [f"value_{n} = {n}  # line {n}" for n in range(1, 501)]
    (sandbox.chat_server.project / "long.py").write_text("\n".join(lines) + "\n")
    open_chat(context, page, sandbox)
    new_session(page)
    send(page, "Look at it [read:long.py]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    # The model got the file's lines from the server's read tool.
    assert "value_500 = 500" in json.dumps(fake_model.requests()[-1])

    messages = page.get_by_role("list", name="Messages")
    region = messages.get_by_role("region", name=re.compile(r"^Content of long\.py"))
    # The read's card (tools/read.tsx) opens to its content.
    card = messages.get_by_role("group", name="Read long.py")
    if region.count() == 0:
        card.locator("summary").first.click()
    expect(region).to_be_visible()
    expect(region).to_have_attribute("data-highlighted", "true")
    requests.assert_lazy()
    first = region.locator(".code-line").first
    expect(first.locator(".code-num")).to_have_text("1")
    expect(first.locator(".code-text")).to_have_text("value_1 = 1  # line 1")
    tokens = first.locator("span.tok")
    plain = tokens.filter(has_text="value_1").first
    number, comment = token(first, "1"), tokens.filter(has_text="line 1").first
    assert colour(number) != colour(plain)
    assert colour(comment) != colour(plain)
    expect(region.locator(".code-line")).to_have_count(400)
    more = region.get_by_role("button", name="Show all 500 lines")
    expect(more).to_be_visible()
    # It scrolls inside itself rather than stretching the page.
    scroller = region.locator(".code-scroll")
    assert scroller.evaluate("el => el.scrollHeight > el.clientHeight")
    screenshot(page, "highlight-code-view")
    more.click()
    expect(region.locator(".code-line")).to_have_count(500)
    expect(region.locator(".code-line").last.locator(".code-num")).to_have_text("500")
    expect(more).to_have_count(0)
