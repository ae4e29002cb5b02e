"""The prompt box against the real OpenCode server and the scripted model, through the
proxy under a prefix: @-mentions (files read in by the server, agents), attachments (by
the button, paste and drop; refusals), slash commands (the server's and the built-ins:
new, compact, export), shell mode, follow-ups queued while the agent works (and sent at
once), prompt history and drafts, Tab cycling agents, and the box at phone width.

Each test checks what the server stored or what the model received, not only the page.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import ARTIFACTS, Sandbox, screenshot, wait_until
from tests.browser.test_chat import (
    SESSION_URL,
    badge,
    last_reply,
    new_session,
    open_chat,
    send,
    server_json,
)
from tests.support.opencode import FakeModel
from tools.fake_model import REPLY

pytestmark = pytest.mark.browser

# A 1x1 PNG and a minimal PDF, as the browser would read them from disk.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def prompt(page: Page) -> Locator:
    """The prompt's textarea."""
    return page.get_by_label("Prompt", exact=True)


def listbox(page: Page) -> Locator:
    """The suggestion list of the prompt box."""
    return page.get_by_role("listbox")


def messages(sandbox: Sandbox, session_id: str) -> list[dict[str, Any]]:
    """The session's messages as the server has them."""
    return list(server_json(sandbox.chat_server.url, f"/session/{session_id}/message"))


def user_texts(sandbox: Sandbox, session_id: str) -> list[str]:
    """The text the user typed, per user message, oldest first."""
    return [
        " ".join(
            p["text"]
            for p in m["parts"]
            if p["type"] == "text" and not p.get("synthetic") and p.get("text")
        )
        for m in messages(sandbox, session_id)
        if m["info"]["role"] == "user"
    ]


def request_with(page: Page, fake_model: FakeModel, marker: str) -> dict[str, Any]:
    """The newest request to the model whose newest user message contains ``marker``
    (waiting for it to arrive)."""
    found: list[dict[str, Any]] = []

    def arrived() -> bool:
        for request in reversed(fake_model.requests()):
            users = [m for m in request.get("messages", []) if m.get("role") == "user"]
            if users and marker in json.dumps(users[-1].get("content")):
                found.append(request)
                return True
        return False

    wait_until(page, arrived, timeout=20)
    return found[0]


def user_content(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The newest user message's content as a list of parts."""
    content = [m for m in request["messages"] if m.get("role") == "user"][-1]["content"]
    return [{"type": "text", "text": content}] if isinstance(content, str) else list(content)


def file_payload(name: str, mime: str, data: bytes) -> dict[str, Any]:
    """A file for ``set_input_files``."""
    return {"name": name, "mimeType": mime, "buffer": data}


def js_file(name: str, mime: str, data: bytes) -> str:
    """JavaScript for a File with these bytes (for synthetic paste and drop events)."""
    encoded = base64.b64encode(data).decode()
    return (
        f"new File([Uint8Array.from(atob({json.dumps(encoded)}), c => c.charCodeAt(0))],"
        f" {json.dumps(name)}, {{ type: {json.dumps(mime)} }})"
    )


def no_page_scroll(page: Page) -> None:
    """Nothing makes the page wider than the window."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_mentions_files_and_agents(
    context: BrowserContext, page: Page, sandbox: Sandbox, fake_model: FakeModel
) -> None:
    """`@` lists sub-agents and files; the keyboard picks one; the file goes as a file part
    the server reads in (its content reaches the model) and shows as a chip; an agent goes
    as an agent part."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    box = prompt(page)
    box.press_sequentially("Look at @")
    options = listbox(page).get_by_role("option")
    expect(options.filter(has_text="@explore")).to_be_visible()
    expect(options.filter(has_text="@general")).to_be_visible()
    expect(options.filter(has_text="hello.py")).to_be_visible()
    box.press_sequentially("hel")
    expect(options.first).to_contain_text("hello.py")
    expect(listbox(page).get_by_role("option", name="@explore")).to_have_count(0)
    # The focus stays in the box, which points at the active option.
    active = box.get_attribute("aria-activedescendant")
    assert active
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    expect(page.locator(f"#{active}")).to_contain_text("hello.py")
    screenshot(page, "prompt-mention-list")
    box.press("ArrowDown")
    box.press("ArrowUp")
    expect(page.locator(f"#{box.get_attribute('aria-activedescendant')}")).to_contain_text(
        "hello.py"
    )
    box.press("Enter")
    expect(listbox(page)).to_have_count(0)
    expect(box).to_have_value("Look at @hello.py ")
    box.press_sequentially("and say what came [describe]")
    box.press("Enter")
    expect(last_reply(page)).to_contain_text("I received: hello.py.", timeout=15_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")

    # The server read the file in, and the model got its numbered lines.
    hello = sandbox.chat_server.project / "hello.py"
    request = request_with(page, fake_model, "say what came")
    texts = [p.get("text", "") for p in user_content(request)]
    read = [t for t in texts if t.startswith("Called the Read tool with the following input:")]
    assert read
    assert json.loads(read[0].split("input: ", 1)[1]) == {"filePath": str(hello)}
    assert any('return "Hello from the demo project"' in t for t in texts)
    user = [m for m in messages(sandbox, session_id) if m["info"]["role"] == "user"][-1]
    files = [p for p in user["parts"] if p["type"] == "file"]
    assert files[0]["filename"] == "hello.py"
    assert files[0]["url"] == f"file://{hello}"
    assert files[0]["source"]["path"] == "hello.py"
    sent = page.get_by_role("listitem", name="You").last
    expect(sent.locator(".file-chip")).to_have_text("hello.py")
    expect(sent).to_contain_text("Look at @hello.py and say what came")

    # An agent, picked by Tab: an agent part.
    box.press_sequentially("Ask @expl")
    expect(options.first).to_contain_text("@explore")
    box.press("Tab")
    expect(box).to_have_value("Ask @explore ")
    box.press_sequentially("to look around")
    box.press("Enter")
    wait_until(
        page,
        lambda: any(
            p["type"] == "agent" and p["name"] == "explore"
            for m in messages(sandbox, session_id)
            for p in m["parts"]
        ),
        timeout=15,
    )
    expect(page.get_by_role("listitem", name="You").last.locator(".agent-chip")).to_have_text(
        "@explore"
    )
    # Escape closes the list and leaves the text as typed.
    box.fill("")
    box.press_sequentially("@")
    expect(listbox(page)).to_be_visible()
    box.press("Escape")
    expect(listbox(page)).to_have_count(0)
    expect(box).to_have_value("@")


def test_attachments_by_button_paste_and_drop(
    context: BrowserContext, page: Page, sandbox: Sandbox, fake_model: FakeModel
) -> None:
    """Files attached by the button, by paste and by drop show as removable previews and
    reach the model as file parts; too large and unsupported files are refused with the
    reason and not sent."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    chooser = page.locator("input[type=file]")
    chooser.set_input_files(
        [
            file_payload("dot.png", "image/png", PNG),
            file_payload("notes.txt", "text/plain", b"attached-notes-content\n"),
        ]
    )
    tray = page.get_by_role("list", name="Attachments")
    expect(tray.get_by_role("listitem")).to_have_count(2)
    thumb = tray.locator("img.attachment-thumb")
    expect(thumb).to_have_count(1)
    assert (thumb.get_attribute("src") or "").startswith("data:image/png;base64,")
    expect(tray.get_by_role("listitem").nth(1)).to_contain_text("notes.txt")
    expect(tray.get_by_role("listitem").nth(1)).to_contain_text("23 B")
    tray.get_by_role("button", name="Remove notes.txt").click()
    expect(tray.get_by_role("listitem")).to_have_count(1)

    # Paste: a screenshot from the clipboard.
    page.evaluate(
        f"""() => {{
          const data = new DataTransfer();
          data.items.add({js_file("pasted.png", "image/png", PNG)});
          const box = document.getElementById('prompt-input');
          box.focus();
          box.dispatchEvent(new ClipboardEvent('paste', {{ clipboardData: data, bubbles: true,
            cancelable: true }}));
        }}"""
    )
    expect(tray.get_by_role("listitem")).to_have_count(2)
    expect(tray.get_by_role("listitem").nth(1)).to_contain_text("pasted.png")

    # Drag and drop: the box shows where to drop, then takes the PDF.
    page.evaluate(
        f"""() => {{
          const data = new DataTransfer();
          data.items.add({js_file("paper.pdf", "application/pdf", PDF)});
          const box = document.querySelector('.prompt-box');
          box.dispatchEvent(new DragEvent('dragenter', {{ dataTransfer: data, bubbles: true,
            cancelable: true }}));
          window.__dropData = data;
        }}"""
    )
    expect(page.locator(".drop-target")).to_be_visible()
    expect(page.locator(".drop-target")).to_contain_text("Drop files")
    screenshot(page, "prompt-drop-target")
    page.evaluate(
        """() => document.querySelector('.prompt-box').dispatchEvent(new DragEvent('drop',
          { dataTransfer: window.__dropData, bubbles: true, cancelable: true }))"""
    )
    expect(page.locator(".drop-target")).to_have_count(0)
    expect(tray.get_by_role("listitem")).to_have_count(3)
    expect(tray.get_by_role("listitem").nth(2)).to_contain_text("paper.pdf")
    expect(tray.get_by_role("listitem").nth(2)).to_contain_text("PDF")

    # Refused: too large, and a type no model takes; the others stay.
    chooser.set_input_files(
        [
            file_payload("huge.txt", "text/plain", b"x" * (10 * 1024 * 1024 + 1)),
            file_payload("archive.zip", "application/zip", b"PK\x03\x04"),
        ]
    )
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("2 files not attached")
    expect(alert).to_contain_text("huge.txt")
    expect(alert).to_contain_text("at most 10.0 MB")
    expect(alert).to_contain_text("application/zip cannot be attached")
    expect(tray.get_by_role("listitem")).to_have_count(3)
    prompt(page).fill("What did I attach? [describe]")
    screenshot(page, "prompt-attachments")
    page.set_viewport_size({"width": 390, "height": 760})
    no_page_scroll(page)
    screenshot(page, "prompt-attachments-390")
    page.set_viewport_size({"width": 1200, "height": 760})
    alert.get_by_role("button", name="Dismiss").click()
    expect(alert).to_have_count(0)
    prompt(page).press("Enter")
    expect(tray).to_have_count(0)
    expect(last_reply(page)).to_contain_text(
        "I received: an image (image/png), an image (image/png), paper.pdf.", timeout=15_000
    )

    # What the model got: two images as data URLs and the PDF as a file.
    content = user_content(request_with(page, fake_model, "What did I attach?"))
    images = [p for p in content if p.get("type") == "image_url"]
    assert len(images) == 2
    assert all(p["image_url"]["url"].startswith("data:image/png;base64,") for p in images)
    assert [p["file"].get("filename") for p in content if p.get("type") == "file"] == ["paper.pdf"]
    # The server keeps them on the message; the refused ones went nowhere.
    user = [m for m in messages(sandbox, session_id) if m["info"]["role"] == "user"][-1]
    names = [p.get("filename") for p in user["parts"] if p["type"] == "file"]
    assert names == ["dot.png", "pasted.png", "paper.pdf"]
    sent = page.get_by_role("listitem", name="You").last
    expect(sent.locator(".file-chip")).to_have_count(3)
    expect(sent.locator(".file-chip img")).to_have_count(2)


def test_slash_commands(
    context: BrowserContext, page: Page, sandbox: Sandbox, fake_model: FakeModel, tmp_path: Path
) -> None:
    """`/` lists the built-ins and the server's commands with their descriptions; /export
    downloads the conversation, /compact summarises it on the server, /init runs as the
    server's command with its arguments, /new opens a new session."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    send(page, "Tell me a story [title:Story time]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=15_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")

    box = prompt(page)
    box.press_sequentially("/")
    options = listbox(page).get_by_role("option")
    for name in ("/new", "/undo", "/redo", "/compact", "/fork", "/share", "/export"):
        expect(options.filter(has_text=re.compile(f"^{re.escape(name)}"))).to_have_count(1)
    expect(options.filter(has_text="/init")).to_contain_text("guided AGENTS.md setup")
    expect(options.filter(has_text="/review")).to_contain_text("review changes")
    screenshot(page, "prompt-slash-commands")
    box.press_sequentially("exp")
    expect(options).to_have_count(1)
    with page.expect_download() as download:
        box.press("Enter")
    path = tmp_path / "export.md"
    download.value.save_as(path)
    # The same document as the session list's "Export as Markdown".
    filename = f"story-time-{session_id[-8:]}.md"
    assert download.value.suggested_filename == filename
    text = path.read_text()
    assert text.startswith("# Story time\n")
    assert "## You\n\nTell me a story" in text
    assert f"## Assistant (fake-model)\n\n{REPLY}" in text
    expect(page.get_by_role("status").filter(has_text=f"Downloaded {filename}")).to_be_visible()
    expect(box).to_have_value("")

    # /share: this server shares nothing (OPENCODE_DISABLE_SHARE), and says so.
    box.press_sequentially("/share")
    box.press("Enter")
    expect(
        page.get_by_role("status").filter(has_text="Sharing is off on this server")
    ).to_be_visible()
    assert server_json(sandbox.chat_server.url, f"/session/{session_id}").get("share") is None

    # /compact, typed out: the server summarises with the default model.
    box.fill("/compact")
    box.press("Enter")
    wait_until(
        page,
        lambda: any(
            m["info"]["role"] == "assistant" and m["info"].get("summary")
            for m in messages(sandbox, session_id)
        ),
        timeout=20,
    )
    expect(badge(page)).to_have_attribute("aria-label", "Session idle", timeout=15_000)

    # /init picked from the list waits for its arguments, then runs on the server.
    box.press_sequentially("/ini")
    box.press("Enter")
    expect(box).to_have_value("/init ")
    box.press_sequentially("focus on the tests")
    box.press("Enter")
    request = request_with(page, fake_model, "AGENTS.md")
    prompt_text = json.dumps(user_content(request))
    assert "Create or update `AGENTS.md`" in prompt_text
    assert "focus on the tests" in prompt_text
    expect(badge(page)).to_have_attribute("aria-label", "Session idle", timeout=15_000)
    assert any("AGENTS.md" in t for t in user_texts(sandbox, session_id))

    # /new: a new session, opened.
    box.press_sequentially("/new")
    box.press("Enter")
    wait_until(page, lambda: not page.url.endswith(session_id))
    expect(page.get_by_role("list", name="Messages").get_by_role("listitem")).to_have_count(0)
    new_id = page.url.rsplit("/", 1)[1]
    assert new_id.startswith("ses_")
    assert new_id != session_id
    assert any(s["id"] == new_id for s in server_json(sandbox.chat_server.url, "/session"))


def test_shell_mode(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """`!` switches to shell mode (Backspace or Escape leave it); the command runs in the
    session's shell and its output shows as a bash card."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    box = prompt(page)
    shell_badge = page.locator(".shell-badge")
    box.press_sequentially("!")
    expect(shell_badge).to_be_visible()
    expect(box).to_have_value("")
    box.press("Backspace")
    expect(shell_badge).to_have_count(0)
    box.press_sequentially("!ls")
    expect(shell_badge).to_be_visible()
    box.press("Escape")
    expect(shell_badge).to_have_count(0)
    expect(box).to_have_value("ls")

    box.fill("!echo shell-$((6*7))")
    expect(shell_badge).to_be_visible()
    expect(box).to_have_value("echo shell-$((6*7))")
    expect(page.get_by_role("button", name="Run")).to_be_enabled()
    screenshot(page, "prompt-shell-mode")
    box.press("Enter")
    card = page.locator("details.tool-card").last
    expect(card).to_have_attribute("data-status", "completed", timeout=15_000)
    expect(card.locator("summary")).to_contain_text("Ran echo shell-$((6*7))")
    card.locator("summary").click()
    expect(card.locator(".tool-body")).to_contain_text("shell-42")
    expect(shell_badge).to_have_count(0)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    bash = [
        p
        for m in messages(sandbox, session_id)
        for p in m["parts"]
        if p["type"] == "tool" and p["tool"] == "bash"
    ]
    assert bash[-1]["state"]["input"]["command"] == "echo shell-$((6*7))"
    assert bash[-1]["state"]["output"].strip() == "shell-42"
    screenshot(page, "prompt-shell-ran")


def draft_keys(page: Page) -> list[str]:
    """The localStorage keys of the prompt drafts."""
    keys: list[str] = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('opencode-proxy.draft.v1:'))"
    )
    return keys


def test_emptied_shell_box_is_an_ordinary_prompt(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Deleting a whole shell command leaves shell mode; an emptied shell box (and an old
    draft of just "!") comes back after a reload as an ordinary prompt, an unsent command in
    shell mode; what is typed then reaches the server as a prompt, not as a shell command."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    box = prompt(page)
    shell_badge = page.locator(".shell-badge")
    box.press_sequentially("!ls")
    expect(shell_badge).to_be_visible()
    box.press("ControlOrMeta+a")
    box.press("Delete")
    expect(box).to_have_value("")
    expect(shell_badge).to_have_count(0)

    # Only "!": shell mode here, none after a reload.
    box.press_sequentially("!")
    expect(shell_badge).to_be_visible()
    page.reload()
    expect(prompt(page)).to_have_value("")
    expect(shell_badge).to_have_count(0)
    assert draft_keys(page) == []

    # A draft of just "!" kept by an older version reads as an empty box.
    prompt(page).press_sequentially("x")
    wait_until(page, lambda: len(draft_keys(page)) == 1)
    page.evaluate(f"localStorage.setItem({json.dumps(draft_keys(page)[0])}, '!')")
    page.reload()
    expect(prompt(page)).to_have_value("")
    expect(shell_badge).to_have_count(0)

    # An unsent command comes back as it was typed, in shell mode.
    prompt(page).press_sequentially("!echo kept")
    page.reload()
    expect(shell_badge).to_be_visible()
    expect(prompt(page)).to_have_value("echo kept")
    expect(page.get_by_role("button", name="Run")).to_be_visible()
    screenshot(page, "prompt-shell-draft")
    prompt(page).press("ControlOrMeta+a")
    prompt(page).press("Backspace")
    expect(shell_badge).to_have_count(0)
    page.reload()
    expect(shell_badge).to_have_count(0)

    prompt(page).press_sequentially("an ordinary prompt")
    prompt(page).press("Enter")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=15_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    found = messages(sandbox, session_id)
    assert user_texts(sandbox, session_id) == ["an ordinary prompt"]
    assert not [p for m in found for p in m["parts"] if p["type"] == "tool"]


def test_follow_ups_queue_and_send_now(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """While the agent works, Enter queues (shown above the box, editable, removable) and
    the queue goes in order once the turn ends; "Send now" and Ctrl+Enter go at once."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    send(page, "First, slowly [slow]")
    expect(badge(page)).to_have_attribute("aria-label", "Session busy")
    box = prompt(page)
    expect(box).to_have_attribute("placeholder", re.compile("Enter queues it"))
    queue = page.get_by_role("list", name="Queued follow-ups")
    send(page, "Second, queued")
    send(page, "Third, queued")
    send(page, "Dropped before it goes")
    expect(queue.get_by_role("listitem")).to_have_count(3)
    expect(queue.get_by_role("listitem").nth(0)).to_contain_text("Second, queued")
    expect(page.get_by_role("region", name="Queued")).to_be_visible()
    expect(box).to_have_value("")
    screenshot(page, "prompt-queued")
    page.set_viewport_size({"width": 390, "height": 760})
    no_page_scroll(page)
    screenshot(page, "prompt-queued-390")
    page.set_viewport_size({"width": 1200, "height": 760})
    queue.get_by_role("listitem").nth(2).get_by_role("button", name="Remove").click()
    expect(queue.get_by_role("listitem")).to_have_count(2)
    # Edit takes it back into the box; Enter queues it again, last.
    queue.get_by_role("listitem").nth(0).get_by_role("button", name="Edit").click()
    expect(box).to_have_value("Second, queued")
    box.press("Enter")
    expect(queue.get_by_role("listitem").nth(1)).to_contain_text("Second, queued")

    # Only after the first reply ended do they go, one turn each, in order.
    wait_until(page, lambda: len(user_texts(sandbox, session_id)) >= 3, timeout=40)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle", timeout=20_000)
    expect(queue).to_have_count(0)
    texts = user_texts(sandbox, session_id)
    assert texts == ["First, slowly [slow]", "Third, queued", "Second, queued"]
    found = messages(sandbox, session_id)
    users = [m["info"] for m in found if m["info"]["role"] == "user"]
    replies = [m["info"] for m in found if m["info"]["role"] == "assistant"]
    first_done = max(r["time"]["completed"] for r in replies if r["parentID"] == users[0]["id"])
    assert users[1]["time"]["created"] >= first_done

    # Send now: queued, then sent at once; Ctrl+Enter likewise: both reach the server
    # while the first reply still runs.
    wait_until(
        page, lambda: session_id not in server_json(sandbox.chat_server.url, "/session/status")
    )
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    send(page, "Another slow one [markdown] [slow]")
    expect(badge(page)).to_have_attribute("aria-label", "Session busy")
    send(page, "Now, from the queue")
    queue.get_by_role("listitem").first.get_by_role("button", name="Send now").click()
    box.fill("Now, by the keyboard")
    box.press("Control+Enter")
    wait_until(page, lambda: len(user_texts(sandbox, session_id)) >= 6, timeout=15)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle", timeout=30_000)
    texts = user_texts(sandbox, session_id)
    assert texts[3] == "Another slow one [markdown] [slow]"
    assert sorted(texts[4:]) == ["Now, by the keyboard", "Now, from the queue"]
    found = messages(sandbox, session_id)
    users = [m["info"] for m in found if m["info"]["role"] == "user"]
    slow_done = min(
        m["info"]["time"]["completed"]
        for m in found
        if m["info"]["role"] == "assistant"
        and m["info"]["time"]["created"] > users[3]["time"]["created"]
    )
    # Both reached the server while the slow reply was still being written.
    timeline = [(m["info"]["role"], m["info"]["time"]) for m in found]
    assert all(user["time"]["created"] < slow_done for user in users[4:]), timeline


def test_queued_follow_ups_survive_a_reload(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A follow-up queued before a reload is still queued after it and goes once, when
    the turn ends; another tab does not see (and so cannot send) this tab's queue."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    send(page, "First, slowly and at length [markdown] [slow]")  # about 20 s
    expect(badge(page)).to_have_attribute("aria-label", "Session busy")
    send(page, "Queued before the reload")
    queue = page.get_by_role("list", name="Queued follow-ups")
    expect(queue.get_by_role("listitem")).to_have_count(1)
    # The page shows "busy" as soon as it sends; the server may take a moment to start the
    # turn, and a page loaded before it has is right to send the queue at once.
    wait_until(
        page,
        lambda: (
            server_json(sandbox.chat_server.url, "/session/status").get(session_id, {}).get("type")
            == "busy"
        ),
    )
    page.reload()
    expect(badge(page)).to_have_attribute("aria-label", "Session busy", timeout=15_000)
    try:
        expect(queue.get_by_role("listitem")).to_have_count(1)
    except AssertionError as missing:
        kept = page.evaluate("JSON.stringify(Object.keys(sessionStorage))")
        sent = user_texts(sandbox, session_id)
        raise AssertionError(f"queue gone after reload: kept {kept}, sent {sent}") from missing
    expect(queue.get_by_role("listitem").first).to_contain_text("Queued before the reload")
    screenshot(page, "prompt-queue-after-reload")
    other = context.new_page()
    other.goto(page.url)
    expect(other.get_by_role("status", name=re.compile("^Session (busy|idle)$"))).to_be_visible()
    expect(other.get_by_role("list", name="Queued follow-ups")).to_have_count(0)
    other.close()
    wait_until(page, lambda: len(user_texts(sandbox, session_id)) >= 2, timeout=60)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle", timeout=20_000)
    expect(queue).to_have_count(0)
    page.reload()
    expect(badge(page)).to_have_attribute("aria-label", "Session idle", timeout=15_000)
    page.wait_for_timeout(1000)  # nothing left to send after this reload either
    assert user_texts(sandbox, session_id) == [
        "First, slowly and at length [markdown] [slow]",
        "Queued before the reload",
    ]


def test_history_drafts_and_tab(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """Up at the start walks back through sent prompts, Down forward to the draft; each
    session's draft survives a reload; Tab in an empty box cycles the agent (the server
    gets it), and with text Tab moves the focus on."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    send(page, "alpha one")
    expect(badge(page)).to_have_attribute("aria-label", "Session idle", timeout=15_000)
    expect(last_reply(page)).to_contain_text(REPLY, timeout=15_000)
    send(page, "beta two\nsecond line")
    expect(page.get_by_role("listitem", name="You")).to_have_count(2)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle", timeout=15_000)
    box = prompt(page)
    box.press_sequentially("my draft")
    box.press("Home")
    box.press("ArrowUp")
    expect(box).to_have_value("beta two\nsecond line")
    # The caret is at the end: Up moves it to the first line, the next Up walks on.
    box.press("ArrowUp")
    box.press("ArrowUp")
    expect(box).to_have_value("alpha one")
    box.press("ArrowDown")
    expect(box).to_have_value("beta two\nsecond line")
    box.press("ArrowDown")
    expect(box).to_have_value("my draft")

    page.reload()
    expect(prompt(page)).to_have_value("my draft")
    # Another session has its own (empty) draft.
    other = new_session(page)
    assert other != session_id
    expect(prompt(page)).to_have_value("")
    prompt(page).fill("other draft")
    page.go_back()
    expect(page).to_have_url(re.compile(f"{session_id}$"))
    expect(prompt(page)).to_have_value("my draft")

    # Tab in an empty box picks the next agent: the server gets it with the prompt.
    box = prompt(page)
    box.fill("")
    box.focus()
    box.press("Tab")
    expect(box).to_be_focused()
    box.fill("which agent?")
    box.press("Tab")
    expect(box).not_to_be_focused()
    box.press("Enter")
    wait_until(page, lambda: len(user_texts(sandbox, session_id)) >= 3, timeout=15)
    users = [m["info"] for m in messages(sandbox, session_id) if m["info"]["role"] == "user"]
    assert users[0]["agent"] == "build"
    assert users[-1]["agent"] != "build"


def test_placeholder_hints_follow_the_box_width(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """The placeholder's key hints show while the box has room for them on one line, and
    go when a side panel narrows the box (the window's width alone does not decide)."""
    page.set_viewport_size({"width": 1400, "height": 900})
    open_chat(context, page, sandbox)
    new_session(page)
    box = prompt(page)
    full = "Ask anything… (@ files and agents · / commands · ! shell · Shift+Enter new line)"
    expect(box).to_have_attribute("placeholder", full)
    page.get_by_role("button", name="Changes", exact=True).click()
    expect(page.get_by_role("complementary", name="Changes")).to_be_visible()
    expect(box).to_have_attribute("placeholder", "Ask anything…")
    one_line = box.evaluate("b => b.scrollHeight <= b.clientHeight + 1")
    assert one_line, "the placeholder wraps"
    page.get_by_role("button", name="Changes", exact=True).click()
    expect(box).to_have_attribute("placeholder", full)


def test_box_fits_a_phone(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """At 390 px the bar wraps and every control, Send included, is on screen."""
    page.set_viewport_size({"width": 390, "height": 760})
    open_chat(context, page, sandbox)
    page.get_by_role("button", name=re.compile("Start a session|New session")).first.click()
    # Home has a prompt box too: wait for the session's own.
    expect(page).to_have_url(SESSION_URL)
    box = prompt(page)
    expect(box).to_be_visible()
    box.fill("A phone-sized prompt")
    for control in (
        page.get_by_role("button", name="Attach files"),
        page.get_by_role("button", name="Send"),
    ):
        expect(control).to_be_in_viewport(ratio=1)
    no_page_scroll(page)
    box.fill("")
    box.press_sequentially("@")
    expect(listbox(page)).to_be_visible()
    expect(listbox(page)).to_be_in_viewport()
    no_page_scroll(page)
    screenshot(page, "prompt-phone-mentions")
    box.fill("/")
    expect(listbox(page).get_by_role("option").first).to_be_visible()
    screenshot(page, "prompt-phone-commands")
    assert (ARTIFACTS / "prompt-phone-commands.png").is_file()
