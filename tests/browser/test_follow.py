"""The conversation follows a streaming reply to its end, on a phone too, until the user
scrolls up to read; "Jump to latest" brings the end back and following resumes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import PageWatch, Sandbox, fresh_user, screenshot
from tests.browser.test_chat import SESSION_URL, last_reply, open_chat, send
from tests.support.opencode import FakeModel
from tools.fake_model import MARKDOWN_REPLY

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# How far from the end still counts as "at the end" (STICK_PX in ui/src/pages/chat.tsx).
NEAR_END_PX = 48
FROM_END = "el => el.scrollHeight - el.scrollTop - el.clientHeight"


@pytest.fixture
def phone(browser: Browser, sandbox: Sandbox) -> Iterator[tuple[BrowserContext, Page]]:
    """A 390 px wide page, failing on page errors and CSP violations."""
    context = browser.new_context(
        base_url=sandbox.base,
        color_scheme="light",
        viewport=PHONE,
        extra_http_headers=fresh_user(),
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch = PageWatch(sandbox.proxy.base + "/")
    watch.attach(page)
    yield context, page
    context.close()
    assert watch.problems == []


def _new_session_on_phone(page: Page) -> None:
    """Start a session from the sessions drawer (the sidebar is a drawer at this width)."""
    page.locator("header.topbar").get_by_role("button", name="Sessions").click()
    page.get_by_role("dialog", name="Sessions").get_by_role("button", name="New session").click()
    expect(page).to_have_url(SESSION_URL)


def _last_user_text(request: dict[str, Any]) -> str:
    """The text of the newest user message in a chat-completions request."""
    for message in reversed(request.get("messages", [])):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
            return str(content)
    return ""


def _distances_while_streaming(page: Page) -> list[float]:
    """How far the view was from the end at each animation frame until the reply ended."""
    return list(
        page.evaluate(
            """() => new Promise((done) => {
                const scroller = document.querySelector('.chat-scroll');
                const seen = [];
                const sample = () => {
                  seen.push(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight);
                  const busy = document.querySelector('[aria-label="Session busy"]');
                  if (busy || seen.length < 10) requestAnimationFrame(sample);
                  else done(seen);
                };
                requestAnimationFrame(sample);
            })"""
        )
    )


def test_follows_a_long_reply_to_its_end_on_a_phone(
    phone: tuple[BrowserContext, Page], sandbox: Sandbox, fake_model: FakeModel
) -> None:
    """Several replies taller than the screen: the view ends at each one's last line."""
    context, page = phone
    open_chat(context, page, sandbox)
    _new_session_on_phone(page)
    jump = page.get_by_role("button", name="Jump to latest")
    asked = len(fake_model.requests())
    for round_ in range(3):
        send(page, f"Round {round_}, in detail [markdown]")
        distances = _distances_while_streaming(page)
        expect(last_reply(page)).to_contain_text("That is all.")
        page.wait_for_timeout(300)  # the last resize settles
        end = page.locator(".chat-scroll").evaluate(FROM_END)
        assert end < NEAR_END_PX, f"round {round_}: left {end} px above the end"
        expect(jump).to_be_hidden()
        # Between frames the content may grow ahead of the view, never by a screen.
        assert max(distances) < PHONE["height"], distances
    # The model really got the three prompts, in order (not just a page that scrolls).
    lasts = [_last_user_text(r) for r in fake_model.requests()[asked:]]
    # (A title request repeats a session's first prompt: keep each prompt once.)
    rounds = list(dict.fromkeys(t.split(",")[0] for t in lasts if "in detail" in t))
    assert rounds == ["Round 0", "Round 1", "Round 2"]
    assert "That is all." in MARKDOWN_REPLY
    screenshot(page, "follow-phone-end")


def test_scrolling_up_stops_following_until_jump_to_latest(
    phone: tuple[BrowserContext, Page], sandbox: Sandbox
) -> None:
    """Reading back during a reply keeps the view still; Jump to latest follows again."""
    context, page = phone
    open_chat(context, page, sandbox)
    _new_session_on_phone(page)
    for first in ("First", "Second"):
        send(page, f"{first}, in detail [markdown]")
        expect(last_reply(page)).to_contain_text("That is all.")
    send(page, "Now slowly, at length [slow]")
    expect(last_reply(page)).to_contain_text("quick", timeout=15_000)
    scroller = page.locator(".chat-scroll")
    scroller.hover()
    page.mouse.wheel(0, -600)
    jump = page.get_by_role("button", name="Jump to latest")
    expect(jump).to_be_visible()
    held = scroller.evaluate("el => el.scrollTop")
    page.wait_for_timeout(1500)  # words keep arriving meanwhile
    assert scroller.evaluate("el => el.scrollTop") == held
    screenshot(page, "follow-phone-reading-back")
    jump.click()
    expect(jump).to_be_hidden()
    expect(last_reply(page)).to_contain_text("every word.", timeout=20_000)
    page.wait_for_timeout(300)
    assert scroller.evaluate(FROM_END) < NEAR_END_PX
