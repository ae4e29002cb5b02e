"""Notifications against the real OpenCode server and the scripted model: while the tab is
hidden, a reply that finishes and a permission request each raise one browser
notification (after the user turned them on in Settings) and count in the tab's title;
sessions that finished unseen are marked unread until opened; clicking a notification
opens its session. The tab's hiding is emulated (`visibilityState` and its event), and
`Notification` is wrapped to record what the page shows."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import Sandbox, screenshot, wait_until
from tests.browser.test_chat import badge, new_session, open_chat, send, server_json
from tools.fake_model import REPLY

pytestmark = pytest.mark.browser

# Records every notification the page makes; the browser's permission is kept.
RECORD_NOTIFICATIONS = """
(() => {
  const Real = window.Notification;
  window.__notes = [];
  class Recorded {
    constructor(title, options = {}) {
      this.title = title;
      this.body = options.body;
      this.tag = options.tag;
      this.closed = false;
      this.onclick = null;
      this.onclose = null;
      window.__notes.push(this);
    }
    close() { this.closed = true; if (this.onclose) this.onclose(); }
    static get permission() { return Real.permission; }
    static requestPermission() { return Real.requestPermission(); }
  }
  window.Notification = Recorded;
})();
"""


def set_hidden(page: Page, hidden: bool) -> None:
    """Emulate the tab being hidden (another tab in front) or shown again."""
    state = "hidden" if hidden else "visible"
    page.evaluate(
        "state => { Object.defineProperty(document, 'visibilityState',"
        " { configurable: true, get: () => state });"
        " Object.defineProperty(document, 'hidden',"
        " { configurable: true, get: () => state === 'hidden' });"
        " document.dispatchEvent(new Event('visibilitychange')); }",
        state,
    )


def notes(page: Page) -> list[dict[str, str]]:
    return list(
        page.evaluate("window.__notes.map(n => ({ title: n.title, body: n.body, tag: n.tag }))")
    )


def reject_leftovers(sandbox: Sandbox) -> None:
    """Answer any permission request a failed run left waiting (other tests expect none)."""
    for request in server_json(sandbox.chat_server.url, "/permission"):
        data = json.dumps({"reply": "reject"}).encode()
        call = urllib.request.Request(
            f"{sandbox.chat_server.url}/permission/{request['id']}/reply", data=data, method="POST"
        )
        call.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(call, timeout=10):
            pass


def item(page: Page, title: str) -> Locator:
    return page.get_by_role("list", name="Sessions", exact=True).get_by_role(
        "listitem", name=title, exact=True
    )


def test_hidden_tab_notifications_count_and_unread(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A hidden tab hears about a finished reply and a permission request, once each."""
    context.grant_permissions(["notifications"])
    context.add_init_script(RECORD_NOTIFICATIONS)
    open_chat(context, page, sandbox)

    try:
        # Turned on from Settings (a click): the browser's permission is already granted.
        page.get_by_role("link", name="Settings").click()
        page.get_by_role("link", name="Preferences").click()
        toggle = page.get_by_role("checkbox", name=re.compile("^Notify me when the agent finishes"))
        expect(toggle).not_to_be_checked()
        toggle.check()
        expect(toggle).to_be_checked()
        expect(page.get_by_text("On. Clicking a notification opens its session.")).to_be_visible()
        screenshot(page, "notifications-settings")
        page.get_by_role("link", name="Back").click()

        first = new_session(page)
        send(page, "Take your time [slow] [title:Notify first]")
        expect(badge(page)).to_have_attribute("aria-label", "Session busy")
        expect(item(page, "Notify first")).to_be_visible(timeout=15_000)
        # Another session on screen, and the tab hidden while the first one works.
        second = new_session(page)
        set_hidden(page, True)
        wait_until(
            page, lambda: first not in server_json(sandbox.chat_server.url, "/session/status"), 30
        )
        wait_until(page, lambda: len(notes(page)) == 1)
        assert notes(page)[0]["title"] == "Finished: Notify first"
        assert notes(page)[0]["tag"] == f"opencode-{first}"
        expect(page).to_have_title(re.compile(r"^\(1\) "))
        unread = item(page, "Notify first").get_by_role("img", name="unread")
        expect(unread).to_be_visible()

        # The session on screen asks for permission while the tab is hidden.
        send(page, "Clean up [tool:bash:rm -f nothing-here.txt] [title:Notify second]")
        wait_until(page, lambda: len(notes(page)) == 2, 20)
        # Named by the session's title at that moment (the model's title may come later).
        assert re.match(
            r"^Needs permission: (Notify second|New session · \d\d:\d\d)$", notes(page)[1]["title"]
        )
        expect(page).to_have_title(re.compile(r"^\(2\) "))
        page.wait_for_timeout(1500)
        assert len(notes(page)) == 2  # never twice for the same thing

        # Back in front: the session on screen is seen, the other one is still unread.
        set_hidden(page, False)
        expect(page).to_have_title(re.compile(r"^\(1\) "))
        on_screen = page.get_by_role("list", name="Sessions", exact=True).locator(
            "li[aria-current='page']"
        )
        expect(on_screen).to_have_count(1)
        expect(on_screen.get_by_role("img", name="unread")).to_have_count(0)
        expect(unread).to_be_visible()
        screenshot(page, "notifications-unread")

        # Answered while visible and on screen: no notification, nothing unread.
        page.get_by_role("button", name="Reject").click()
        expect(badge(page)).to_have_attribute("aria-label", "Session idle", timeout=20_000)
        page.wait_for_timeout(500)
        assert len(notes(page)) == 2

        # Clicking the first notification opens its session, which is then seen.
        page.evaluate("window.__notes[0].onclick()")
        expect(page).to_have_url(re.compile(rf"/{first}$"))
        expect(page.get_by_role("heading", name="Notify first")).to_be_visible()
        expect(unread).to_have_count(0)
        expect(page).not_to_have_title(re.compile(r"^\(\d+\) "))
        assert page.evaluate("window.__notes[0].closed")
        assert second != first
        messages = server_json(sandbox.chat_server.url, f"/session/{first}/message")
        assert REPLY in str(messages)
    finally:
        reject_leftovers(sandbox)


def test_notifications_stay_off_until_turned_on(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Without the user turning them on, a hidden tab only counts in its title."""
    context.grant_permissions(["notifications"])
    context.add_init_script(RECORD_NOTIFICATIONS)
    open_chat(context, page, sandbox)
    new_session(page)
    set_hidden(page, True)
    send(page, "Quietly [title:Notify off]")
    expect(page).to_have_title(re.compile(r"^\(1\) "), timeout=20_000)
    assert notes(page) == []
    set_hidden(page, False)
    expect(page).not_to_have_title(re.compile(r"^\(\d+\) "))


def test_unread_marks_survive_a_reload(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A session that finished unseen is still unread after a reload, seen once opened
    (and still seen after the next reload); a deleted session no longer counts."""
    open_chat(context, page, sandbox)
    first = new_session(page)
    send(page, "Take your time [slow] [title:Kept unread]")
    expect(badge(page)).to_have_attribute("aria-label", "Session busy")
    expect(item(page, "Kept unread")).to_be_visible(timeout=15_000)
    new_session(page)
    wait_until(
        page, lambda: first not in server_json(sandbox.chat_server.url, "/session/status"), 30
    )
    unread = item(page, "Kept unread").get_by_role("img", name="unread")
    expect(unread).to_be_visible()
    expect(page).to_have_title(re.compile(r"^\(1\) "))
    assert REPLY in str(server_json(sandbox.chat_server.url, f"/session/{first}/message"))

    page.reload()
    expect(unread).to_be_visible(timeout=15_000)
    expect(page).to_have_title(re.compile(r"^\(1\) "))

    item(page, "Kept unread").click()
    expect(page).to_have_url(re.compile(rf"/{first}$"))
    expect(unread).to_have_count(0)
    expect(page).not_to_have_title(re.compile(r"^\(\d+\) "))
    page.reload()
    expect(page.get_by_role("heading", name="Kept unread")).to_be_visible(timeout=15_000)
    page.wait_for_timeout(500)
    expect(unread).to_have_count(0)
    expect(page).not_to_have_title(re.compile(r"^\(\d+\) "))

    # Unread again (it finishes while another session is on screen), then deleted on the
    # server: the count follows.
    send(page, "Once more [slow] [title:Kept unread]")
    expect(badge(page)).to_have_attribute("aria-label", "Session busy")
    new_session(page)
    wait_until(
        page, lambda: first not in server_json(sandbox.chat_server.url, "/session/status"), 30
    )
    expect(unread).to_be_visible()
    expect(page).to_have_title(re.compile(r"^\(1\) "))
    call = urllib.request.Request(f"{sandbox.chat_server.url}/session/{first}", method="DELETE")
    with urllib.request.urlopen(call, timeout=10):
        pass
    expect(item(page, "Kept unread")).to_have_count(0)
    expect(page).not_to_have_title(re.compile(r"^\(\d+\) "))
