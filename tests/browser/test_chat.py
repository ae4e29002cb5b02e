"""Sessions and chat against the real OpenCode server and the fake model, through the
proxy under a prefix: streaming, stop, permissions, history, markdown safety, changes,
a dropped event stream and a server switch mid-reply."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.conftest import (
    PageWatch,
    Sandbox,
    fresh_user,
    open_app,
    screenshot,
    seed_servers,
    wait_until,
)
from tools.fake_model import HOSTILE_REPLY, MARKDOWN_REPLY, REPLY

pytestmark = pytest.mark.browser

CHAT = "Chat sandbox"
# The server is named by its short id (see ui/src/lib/routes.ts serverShortId).
SESSION_URL = re.compile(r"#/s/[0-9a-z]{7}/ses_\w+$")


def open_chat(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """Open the app with the chat server as the only server."""
    seed_servers(context, [{"url": sandbox.chat_url, "name": CHAT}], None)
    open_app(page, sandbox)
    expect(page.get_by_role("heading", name=f"Connected to {CHAT}")).to_be_visible()


def new_session(page: Page) -> str:
    """Start a session with the sidebar's button; its ID, from the URL."""
    page.get_by_role("button", name="New session").click()
    expect(page).to_have_url(SESSION_URL)
    expect(page.get_by_label("Prompt")).to_be_focused()
    return page.url.rsplit("/", 1)[1]


def send(page: Page, text: str) -> None:
    """Type a prompt and press Enter."""
    page.get_by_label("Prompt").fill(text)
    page.get_by_label("Prompt").press("Enter")


def last_reply(page: Page) -> Locator:
    """The newest assistant message."""
    return page.get_by_role("list", name="Messages").get_by_role("listitem", name="Assistant").last


def badge(page: Page) -> Locator:
    """The session's busy/idle/waiting badge."""
    return page.get_by_role("status", name=re.compile("^Session (busy|idle|waiting for you)$"))


def server_json(server_url: str, path: str) -> Any:
    """GET a path on an OpenCode server directly (not through the UI)."""
    with urllib.request.urlopen(server_url + path, timeout=10) as response:
        return json.load(response)


def test_create_session_stream_reply_and_reload(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A new session streams its reply word by word, ends idle, and survives a reload."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    send(page, "Tell me about the fox [slow] [title:Fox story]")
    reply = last_reply(page)
    expect(badge(page)).to_have_attribute("aria-label", "Session busy")
    expect(page.get_by_role("button", name="Stop")).to_be_visible()
    # The reply grows before it is complete: part of it is on screen, not yet the end.
    expect(reply).to_contain_text("The quick brown", timeout=15_000)
    partial = reply.inner_text()
    assert "every word." not in partial
    expect(reply).to_contain_text(REPLY, timeout=15_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    expect(page.get_by_role("button", name="Stop")).to_have_count(0)
    item = page.get_by_role("list", name="Sessions").get_by_role("listitem", name="Fox story")
    expect(item).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Fox story")).to_be_visible()
    # Token figures of the reply (the fake model reports usage).
    expect(reply.locator(".message-meta")).to_have_text(
        re.compile(r"^fake-model · [\d.]+ s · [\d.]+k? in · 15 out$")
    )

    page.reload()
    expect(page).to_have_url(re.compile(f"/{session_id}$"))
    messages = page.get_by_role("list", name="Messages")
    expect(messages.get_by_role("listitem", name="You")).to_contain_text("Tell me about the fox")
    expect(last_reply(page)).to_contain_text(REPLY)
    expect(page.get_by_role("heading", name="Fox story")).to_be_visible()


def test_markdown_reasoning_and_permission_allowed(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Markdown renders with its code block, reasoning stays folded, and an allowed tool runs."""
    open_chat(context, page, sandbox)
    new_session(page)
    send(page, "Plan it [markdown] [reasoning] [title:Greeting plan]")
    reply = last_reply(page)
    expect(reply.get_by_role("heading", name="Plan")).to_be_visible()
    expect(reply.locator("pre code.language-python")).to_contain_text("def greet(name: str)")
    expect(reply.get_by_role("listitem")).to_have_count(2)
    expect(reply).to_contain_text("That is all.")
    reasoning = reply.locator("details.reasoning")
    expect(reasoning).not_to_have_attribute("open", "")
    expect(reasoning.locator("summary")).to_contain_text("Thought")
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")

    send(page, "Now run it [tool:bash:echo allowed-$((40+2))]")
    card = page.get_by_role("group", name=re.compile("^Permission needed"))
    expect(card).to_be_visible(timeout=15_000)
    expect(card).to_contain_text("run a command")
    expect(card).to_contain_text("echo allowed-$((40+2))")
    expect(card.get_by_role("button", name="Always allow")).to_be_visible()
    screenshot(page, "chat-permission")
    card.get_by_role("button", name="Allow once").click()
    expect(card).to_have_count(0)
    tool = page.locator("details.tool-card").last
    expect(tool).to_have_attribute("data-status", "completed", timeout=15_000)
    expect(tool.locator("summary")).to_contain_text("Ran echo allowed-$((40+2))")
    tool.locator("summary").click()
    expect(tool.locator(".tool-body")).to_contain_text("allowed-42")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=15_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    page.get_by_role("list", name="Messages").get_by_text(
        "Plan", exact=True
    ).scroll_into_view_if_needed()
    screenshot(page, "chat-markdown-and-tool")
    assert MARKDOWN_REPLY.startswith("## Plan")


def test_permission_rejected(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """Rejecting a permission fails the tool call, and the agent stops."""
    open_chat(context, page, sandbox)
    new_session(page)
    send(page, "Delete it [tool:bash:echo never-runs]")
    card = page.get_by_role("group", name=re.compile("^Permission needed"))
    card.get_by_role("button", name="Reject").click()
    expect(card).to_have_count(0)
    tool = page.locator("details.tool-card").last
    expect(tool).to_have_attribute("data-status", "error", timeout=15_000)
    expect(tool.locator("summary")).to_contain_text("Failed")
    tool.locator("summary").click()
    expect(tool.locator(".tool-body")).to_contain_text("rejected")
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    expect(page.get_by_text(REPLY)).to_have_count(0)
    assert server_json(sandbox.chat_server.url, "/permission") == []


def test_stop_a_reply_midway(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """Stop aborts a streaming reply: it ends where it was, marked as stopped."""
    open_chat(context, page, sandbox)
    new_session(page)
    send(page, "Go on [slow]")
    reply = last_reply(page)
    expect(reply).to_contain_text("quick", timeout=15_000)
    page.get_by_role("button", name="Stop").click()
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    expect(reply).to_contain_text("Stopped.")
    stopped_at = reply.locator(".markdown").inner_text()
    assert "every word." not in stopped_at
    page.wait_for_timeout(1200)  # three more words' time: nothing may arrive
    assert reply.locator(".markdown").inner_text() == stopped_at


def test_model_output_is_inert(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """HTML in a reply (scripts, event handlers, frames) is shown as text, never run, and
    javascript: links lose their target."""
    open_chat(context, page, sandbox)
    new_session(page)
    send(page, "Be nasty [hostile]")
    reply = last_reply(page)
    expect(reply).to_contain_text("still safe", timeout=15_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    markdown = reply.locator(".markdown")
    expect(markdown).to_contain_text("<script>window.__pwned = 'script'</script>")
    expect(markdown).to_contain_text('<img src="x" onerror=')
    for tag in ("script", "img", "iframe", "[onclick]", "[onerror]"):
        expect(markdown.locator(tag)).to_have_count(0)
    link = markdown.get_by_text("click me")
    assert link.get_attribute("href") is None
    link.click()
    assert page.evaluate("window.__pwned") is None
    assert "onerror" in HOSTILE_REPLY


def test_rename_and_delete_a_session(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """Sessions are renamed in place and deleted only after a confirmation."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    sessions = page.get_by_role("list", name="Sessions")
    item = sessions.get_by_role("listitem").filter(has=page.locator(f"a[href$='{session_id}']"))
    item.hover()
    item.get_by_role("button", name="Session actions").click()
    page.get_by_role("menuitem", name="Rename").click()
    title = page.get_by_label("Session title")
    title.fill("Renamed by a test")
    title.press("Enter")
    expect(sessions.get_by_role("listitem", name="Renamed by a test")).to_be_visible()
    expect(page.get_by_role("heading", name="Renamed by a test")).to_be_visible()
    assert server_json(sandbox.chat_server.url, f"/session/{session_id}")["title"] == (
        "Renamed by a test"
    )

    renamed = sessions.get_by_role("listitem", name="Renamed by a test")
    renamed.hover()
    renamed.get_by_role("button", name="Session actions").click()
    page.get_by_role("menuitem", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete “Renamed by a test”?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(renamed).to_be_visible()
    renamed.hover()
    renamed.get_by_role("button", name="Session actions").click()
    page.get_by_role("menuitem", name="Delete").click()
    dialog.get_by_role("button", name="Delete").click()
    expect(renamed).to_have_count(0)
    expect(page).to_have_url(re.compile(r"#/$"))
    ids = [s["id"] for s in server_json(sandbox.chat_server.url, "/session")]
    assert session_id not in ids


def test_changes_view_colours_the_diff(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """After the agent edits files, Changes lists them with added and deleted lines."""
    open_chat(context, page, sandbox)
    new_session(page)
    command = "printf 'alpha\\nbeta\\n' > notes.txt && sed -i 's/throw-away/kept/' README.md"
    send(page, f"Edit files [tool:bash:{command}]")
    page.get_by_role("button", name="Allow once").click()
    expect(last_reply(page)).to_contain_text(REPLY, timeout=15_000)
    page.get_by_role("button", name="Changes").click()
    panel = page.get_by_role("complementary", name="Changes")
    files = panel.get_by_role("list", name="Changed files")
    notes = files.get_by_role("listitem", name="notes.txt")
    expect(notes).to_contain_text("+2")
    readme = files.get_by_role("listitem", name="README.md")
    expect(readme).to_contain_text("+1")
    expect(readme).to_contain_text("−1")
    added = readme.get_by_label("added: # A kept project for tests")
    deleted = readme.get_by_label("deleted: # A throw-away project for tests")
    expect(added).to_be_visible()
    expect(deleted).to_be_visible()
    colour = "getComputedStyle(el.parentElement).backgroundColor"
    assert added.evaluate(f"el => {colour}") != deleted.evaluate(f"el => {colour}")
    screenshot(page, "changes-view")
    # Put the project back as committed, for the tests after this one.
    for args in (["checkout", "-q", "--", "."], ["clean", "-qfd"]):
        subprocess.run(["git", *args], cwd=sandbox.chat_server.project, check=True)


def _wait_idle(sandbox: Sandbox, session_id: str, timeout: float = 20) -> None:
    """Wait (asking the server directly) until the session has finished its reply."""
    deadline = time.monotonic() + timeout
    while session_id in server_json(sandbox.chat_server.url, "/session/status"):
        if time.monotonic() > deadline:
            raise AssertionError("the reply did not finish")
        time.sleep(0.2)


def test_reply_that_finishes_while_the_stream_is_down_appears_in_full(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Cut the event stream mid-reply and keep it down until the reply ends: the UI says
    it lost the connection, reconnects, and shows the whole reply."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    send(page, "Stream while I cut [slow]")
    reply = last_reply(page)
    expect(reply).to_contain_text("The quick", timeout=15_000)
    sandbox.relay.pause()
    try:
        expect(page.get_by_role("status", name="Event stream: reconnecting")).to_be_visible()
        expect(page.get_by_text("The connection to the server was lost")).to_be_visible()
        screenshot(page, "chat-reconnecting")
        _wait_idle(sandbox, session_id)
        assert REPLY not in reply.inner_text()
    finally:
        sandbox.relay.resume()
    expect(reply).to_contain_text(REPLY, timeout=30_000)
    expect(page.get_by_role("status", name="Event stream: live")).to_be_visible(timeout=30_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    expect(page.get_by_text("The connection to the server was lost")).to_have_count(0)
    # One reply, not two: nothing was doubled by the re-fetch.
    assert reply.inner_text().count("The quick brown fox") == 1


def test_switching_servers_mid_reply_leaves_nothing_behind(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Choosing another server while a reply streams clears the old server's sessions and chat."""
    seed_servers(
        context,
        [{"url": sandbox.chat_url, "name": CHAT}, {"url": sandbox.open_url, "name": "Quiet"}],
        sandbox.chat_url,
    )
    open_app(page, sandbox)
    new_session(page)
    send(page, "Keep talking [slow] [title:Old server chat]")
    expect(last_reply(page)).to_contain_text("quick", timeout=15_000)
    page.get_by_role("link", name=re.compile("^Server: Chat sandbox")).click()
    page.get_by_role("list", name="Servers").get_by_role(
        "button", name=re.compile("^Quiet")
    ).click()
    expect(page.get_by_role("heading", name="Connected to Quiet")).to_be_visible()
    page.wait_for_timeout(1500)  # the old reply goes on streaming on its server meanwhile
    expect(page.get_by_text("Old server chat")).to_have_count(0)
    expect(page.get_by_text("quick brown")).to_have_count(0)
    expect(page.get_by_role("list", name="Messages")).to_have_count(0)


def test_errors_are_readable(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """A missing session and a link to an unknown server are explained, never blank."""
    open_chat(context, page, sandbox)
    key = sandbox.chat_url.replace(":", "%3A").replace("/", "%2F")
    open_app(page, sandbox, f"/s/{key}/ses_doesnotexist000000000000")
    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("This session does not exist on the server")
    expect(page.get_by_label("Prompt")).to_be_disabled()
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    screenshot(page, "chat-error")
    open_app(page, sandbox, "/s/http%3A%2F%2Fnowhere.example%3A4096/ses_x")
    expect(
        page.get_by_role("heading", name="This link is for a server that is not in your list")
    ).to_be_visible()


def test_dark_theme_chat(browser: Browser, sandbox: Sandbox) -> None:
    """The chat follows a dark system theme."""
    context = browser.new_context(
        base_url=sandbox.base,
        color_scheme="dark",
        viewport={"width": 1200, "height": 760},
        extra_http_headers=fresh_user(),
    )
    try:
        page = context.new_page()
        watch = PageWatch(sandbox.proxy.base + "/")
        watch.attach(page)
        open_chat(context, page, sandbox)
        new_session(page)
        send(page, "Dark please [markdown] [title:Dark mode]")
        expect(last_reply(page)).to_contain_text("That is all.", timeout=15_000)
        expect(badge(page)).to_have_attribute("aria-label", "Session idle")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(15, 15, 17)"
        screenshot(page, "chat-dark")
        assert watch.problems == []
    finally:
        context.close()


def test_sessions_list_newest_first(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """The sidebar lists sessions most recently updated first, busy ones marked."""
    open_chat(context, page, sandbox)
    first = new_session(page)
    second = new_session(page)
    links = page.get_by_role("list", name="Sessions").locator("a.session-link")

    def listed() -> list[str]:
        return [href.rsplit("/", 1)[1] for href in links.evaluate_all("ls => ls.map(l => l.href)")]

    # Other tests' sessions share the server (and may still be finishing): wait for these
    # two to be listed, then compare only them.
    wait_until(page, lambda: {first, second} <= set(listed()), timeout=15)
    hrefs = listed()
    assert hrefs.index(second) < hrefs.index(first)
    send(page, "Quick one [slow]")
    current = page.get_by_role("list", name="Sessions").locator("li[aria-current='page']")
    expect(current.get_by_role("img", name="working")).to_be_visible()
    page.get_by_role("button", name="Stop").click()
    expect(current.get_by_role("img", name="idle")).to_be_visible()
    screenshot(page, "sessions-list")


def test_question_answered_in_place(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """A question from the agent is shown with its options and answered in place; the
    answer reaches the server and the agent goes on."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    send(page, "Decide [question:Which colour should the button be?|Red|Blue]")
    card = page.get_by_role("form", name="Question from the agent")
    expect(card).to_be_visible(timeout=15_000)
    expect(card).to_contain_text("Which colour should the button be?")
    send_answer = card.get_by_role("button", name="Send answer")
    expect(send_answer).to_be_disabled()
    card.get_by_role("radio", name=re.compile("^Blue")).check()
    screenshot(page, "chat-question")
    send_answer.click()
    expect(card).to_have_count(0)
    expect(last_reply(page)).to_contain_text(REPLY, timeout=15_000)
    assert server_json(sandbox.chat_server.url, "/question") == []
    messages = server_json(sandbox.chat_server.url, f"/session/{session_id}/message")
    answered = [
        part
        for message in messages
        for part in message["parts"]
        if part["type"] == "tool" and part["tool"] == "question"
    ]
    assert answered
    assert answered[0]["state"]["status"] == "completed"
    assert "Blue" in json.dumps(answered[0]["state"].get("output", ""))


def test_always_allow_stops_asking(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """ "Always allow" runs the command and the next command of the same kind runs
    without asking again."""
    open_chat(context, page, sandbox)
    new_session(page)
    # printf, not echo: "always" covers "printf *" on this shared server, and other
    # tests rely on echo still asking.
    send(page, "Run [tool:bash:printf always-%s first]")
    card = page.get_by_role("group", name=re.compile("^Permission needed"))
    expect(card).to_be_visible(timeout=15_000)
    card.get_by_role("button", name="Always allow").click()
    expect(card).to_have_count(0)
    expect(page.locator("details.tool-card").last).to_have_attribute(
        "data-status", "completed", timeout=15_000
    )
    expect(last_reply(page)).to_contain_text(REPLY, timeout=15_000)
    send(page, "Again [tool:bash:printf always-%s second]")
    tool = page.locator("details.tool-card").last
    expect(tool).to_have_attribute("data-status", "completed", timeout=15_000)
    expect(page.get_by_role("group", name=re.compile("^Permission needed"))).to_have_count(0)
    tool.locator("summary").click()
    expect(tool.locator(".tool-body")).to_contain_text("always-second")
