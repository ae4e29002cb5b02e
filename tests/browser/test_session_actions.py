"""Session actions and summaries against the real OpenCode server and the scripted model,
through the proxy under a prefix: revert, undo, redo, restore and a new prompt after a
revert (files checked on disk); fork from a prompt and from a reply; sub-agent sessions
nested in the list and linked to their parent; the todo checklist above the prompt box;
each turn's changed files, figures and "Copy reply"; the context panel."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import Sandbox, refuse_with, screenshot, wait_until
from tests.browser.test_chat import (
    SESSION_URL,
    badge,
    last_reply,
    new_session,
    open_chat,
    send,
    server_json,
)
from tests.browser.test_prompt import PNG, file_payload
from tools.fake_model import MARKDOWN_REPLY, REPLY
from tools.fake_model.script import TODOS
from tools.opencode_server import DEMO_HELLO

pytestmark = pytest.mark.browser

EDIT = "[read:hello.py] [edit:hello.py:Hello, world!=>Hello, revert!] [title:Revert test]"
SECOND = "Second prompt, no tools"


def messages_list(page: Page) -> Locator:
    return page.get_by_role("list", name="Messages")


def prompts(page: Page) -> Locator:
    """The user's messages on screen."""
    return messages_list(page).get_by_role("listitem", name="You")


def banner(page: Page) -> Locator:
    return page.get_by_role("region", name="Reverted messages")


def wait_idle(page: Page) -> None:
    expect(badge(page)).to_have_attribute("aria-label", "Session idle", timeout=20_000)


def reply_done(page: Page, text: str = REPLY) -> None:
    """The newest reply is complete: its text is there and its turn footer shows."""
    expect(last_reply(page)).to_contain_text(text, timeout=20_000)
    wait_idle(page)
    expect(last_reply(page).locator(".message-meta")).to_be_visible()


def hello(sandbox: Sandbox) -> Path:
    return sandbox.chat_server.project / "hello.py"


def session_info(sandbox: Sandbox, session_id: str) -> dict[str, Any]:
    info: dict[str, Any] = server_json(sandbox.chat_server.url, f"/session/{session_id}")
    return info


def server_messages(sandbox: Sandbox, session_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = server_json(
        sandbox.chat_server.url, f"/session/{session_id}/message"
    )
    return found


def user_ids(sandbox: Sandbox, session_id: str) -> list[str]:
    return [
        m["info"]["id"] for m in server_messages(sandbox, session_id) if m["info"]["role"] == "user"
    ]


def revert_point(sandbox: Sandbox, session_id: str) -> str | None:
    revert = session_info(sandbox, session_id).get("revert")
    return revert["messageID"] if revert else None


def test_revert_redo_restore_undo_and_commit(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Reverting a prompt hides it and what followed, restores hello.py on disk and puts
    the prompt back into the prompt box; Redo moves forward one prompt, Restore brings
    everything back (files too), Undo steps back; a new prompt after a revert drops the
    reverted messages on the server."""
    try:
        hello(sandbox).write_text(DEMO_HELLO)
        open_chat(context, page, sandbox)
        session_id = new_session(page)
        send(page, EDIT)
        reply_done(page)
        assert 'print("Hello, revert!")' in hello(sandbox).read_text()
        send(page, SECOND)
        expect(prompts(page)).to_have_count(2)
        reply_done(page)
        first, second = user_ids(sandbox, session_id)

        # Revert to the first prompt: both turns are undone, the edit too.
        prompts(page).first.get_by_role("button", name="Revert to here").click()
        expect(banner(page)).to_contain_text("2 messages reverted")
        expect(banner(page)).to_contain_text("1 file restored")
        expect(prompts(page)).to_have_count(0)
        expect(messages_list(page).get_by_role("listitem", name="Assistant")).to_have_count(0)
        expect(page.get_by_label("Prompt")).to_have_value(EDIT)
        assert revert_point(sandbox, session_id) == first
        wait_until(page, lambda: 'print("Hello, world!")' in hello(sandbox).read_text())
        banner(page).get_by_role("button", name="Show").click()
        expect(banner(page).get_by_role("list", name="Undone messages")).to_contain_text(SECOND)
        expect(banner(page).get_by_role("list", name="Restored files")).to_contain_text("hello.py")
        screenshot(page, "session-reverted")

        # Redo: the first turn is back (its edit on disk), the second still reverted.
        banner(page).get_by_role("button", name="Redo").click()
        expect(banner(page)).to_contain_text("1 message reverted")
        expect(prompts(page)).to_have_count(1)
        expect(page.get_by_label("Prompt")).to_have_value(SECOND)
        wait_until(page, lambda: revert_point(sandbox, session_id) == second)
        wait_until(page, lambda: 'print("Hello, revert!")' in hello(sandbox).read_text())

        # Restore: everything is back, the prompt box emptied of the restored text.
        banner(page).get_by_role("button", name="Restore").click()
        expect(banner(page)).to_have_count(0)
        expect(prompts(page)).to_have_count(2)
        expect(page.get_by_label("Prompt")).to_have_value("")
        wait_until(page, lambda: revert_point(sandbox, session_id) is None)

        # Undo from the header, twice: back to before the first prompt.
        undo = page.get_by_role("button", name="Undo", exact=True)
        undo.click()
        expect(banner(page)).to_contain_text("1 message reverted")
        expect(page.get_by_label("Prompt")).to_have_value(SECOND)
        undo.click()
        expect(banner(page)).to_contain_text("2 messages reverted")
        expect(page.get_by_label("Prompt")).to_have_value(EDIT)
        expect(undo).to_be_disabled()
        wait_until(page, lambda: revert_point(sandbox, session_id) == first)
        wait_until(page, lambda: 'print("Hello, world!")' in hello(sandbox).read_text())

        # Restore brings the edit back to disk.
        banner(page).get_by_role("button", name="Restore").click()
        expect(banner(page)).to_have_count(0)
        wait_until(page, lambda: 'print("Hello, revert!")' in hello(sandbox).read_text())

        # Revert again, then a new prompt: the server drops the reverted messages.
        undo.click()
        expect(banner(page)).to_contain_text("1 message reverted")
        undo.click()
        expect(banner(page)).to_contain_text("2 messages reverted")
        send(page, "Fresh start")
        expect(banner(page)).to_have_count(0)
        reply_done(page)
        expect(prompts(page)).to_have_count(1)
        expect(prompts(page).first).to_contain_text("Fresh start")
        texts = [
            part.get("text", "")
            for message in server_messages(sandbox, session_id)
            for part in message["parts"]
            if message["info"]["role"] == "user" and part["type"] == "text"
        ]
        assert texts == ["Fresh start"]
        assert revert_point(sandbox, session_id) is None
        assert 'print("Hello, world!")' in hello(sandbox).read_text()
        screenshot(page, "session-revert-committed")
    finally:
        hello(sandbox).write_text(DEMO_HELLO)


def test_fork_from_a_prompt_and_from_a_reply(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """ "Fork from here" on a prompt opens a new session with the conversation before it
    and the prompt ready to edit; on a reply, one holding the conversation up to it."""
    open_chat(context, page, sandbox)
    source = new_session(page)
    send(page, "First question [title:Fork source]")
    reply_done(page)
    send(page, "Second question")
    expect(prompts(page)).to_have_count(2)
    reply_done(page)
    before = {s["id"] for s in server_json(sandbox.chat_server.url, "/session")}

    # A refused fork says so above the prompt box, and nothing moves.
    refuse = "**/api/proxy/session/*/fork"
    refuse_with(page, refuse, 409, "SessionBusyError", "Session is busy")
    prompts(page).nth(1).get_by_role("button", name="Fork from here").click()
    alert = page.get_by_role("alert").filter(has_text="Not forked")
    expect(alert).to_be_visible()
    expect(page).to_have_url(re.compile(f"/{source}$"))
    page.unroute(refuse)
    page.get_by_role("button", name="Dismiss").click()
    expect(alert).to_have_count(0)

    prompts(page).nth(1).get_by_role("button", name="Fork from here").click()
    expect(page).not_to_have_url(re.compile(f"/{source}$"))
    expect(page).to_have_url(SESSION_URL)
    fork = page.url.rsplit("/", 1)[1]
    assert fork not in before
    expect(prompts(page)).to_have_count(1)
    expect(prompts(page).first).to_contain_text("First question")
    expect(last_reply(page)).to_contain_text(REPLY)
    expect(page.get_by_label("Prompt")).to_have_value("Second question")
    expect(page.get_by_role("heading", name=re.compile("Fork source"))).to_be_visible()
    listed = {s["id"]: s for s in server_json(sandbox.chat_server.url, "/session")}
    assert fork in listed
    assert "fork" in listed[fork]["title"].lower()
    forked = server_messages(sandbox, fork)
    assert [m["info"]["role"] for m in forked] == ["user", "assistant"]
    assert forked[0]["parts"][0]["text"] == "First question [title:Fork source]"
    screenshot(page, "session-forked-from-prompt")

    # From the source's last reply: the whole conversation.
    page.go_back()
    expect(page).to_have_url(re.compile(f"/{source}$"))
    reply_done(page)
    last_reply(page).get_by_role("group", name="Reply actions").get_by_role(
        "button", name="Fork from here"
    ).click()
    expect(page).not_to_have_url(re.compile(f"/{source}$"))
    whole = page.url.rsplit("/", 1)[1]
    assert whole not in (source, fork)
    expect(prompts(page)).to_have_count(2)
    expect(page.get_by_label("Prompt")).to_have_value("")
    roles = [m["info"]["role"] for m in server_messages(sandbox, whole)]
    assert roles == ["user", "assistant", "user", "assistant"]


def sent_files(sandbox: Sandbox, session_id: str) -> list[dict[str, Any]]:
    """The file parts of the session's newest prompt: mime, filename, URL and mention."""
    users = [m for m in server_messages(sandbox, session_id) if m["info"]["role"] == "user"]
    return [
        {
            "mime": p["mime"],
            "filename": p.get("filename"),
            # A mention is sent again from its path: the server reads it in anew.
            "url": p["url"] if "source" not in p else None,
            "source": (p.get("source") or {}).get("path"),
        }
        for p in (users[-1]["parts"] if users else [])
        if p["type"] == "file"
    ]


def test_undo_and_fork_bring_back_attachments_and_mentions(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Undo and "Fork from here" put the prompt back with its attached files and its
    @-mentions: sent again, the server gets the same file parts as the first time."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    page.locator("input[type=file]").set_input_files(
        [
            file_payload("dot.png", "image/png", PNG),
            file_payload("table.csv", "text/csv", b"a,b\n1,2\n"),
        ]
    )
    tray = page.get_by_role("list", name="Attachments")
    expect(tray.get_by_role("listitem")).to_have_count(2)
    box = page.get_by_label("Prompt")
    box.press_sequentially("hi @hel")
    expect(page.get_by_role("listbox").get_by_role("option").first).to_contain_text("hello.py")
    box.press("Enter")
    box.press_sequentially("please")
    box.press("Enter")
    reply_done(page)
    first = sent_files(sandbox, session_id)
    assert [f["filename"] for f in first] == ["hello.py", "dot.png", "table.csv"]
    assert first[1]["url"].startswith("data:image/png;base64,")

    # Undo: the text, the tray and the mention come back; sent again, the same parts.
    page.get_by_role("button", name="Undo", exact=True).click()
    expect(banner(page)).to_contain_text("1 message reverted")
    expect(box).to_have_value("hi @hello.py please")
    expect(tray.get_by_role("listitem")).to_have_count(2)
    expect(tray.get_by_role("listitem").nth(0)).to_contain_text("dot.png")
    expect(tray.get_by_role("listitem").nth(1)).to_contain_text("table.csv")
    expect(tray.locator("img.attachment-thumb")).to_have_count(1)
    screenshot(page, "session-undo-attachments")
    box.press("Enter")
    expect(banner(page)).to_have_count(0)
    expect(tray).to_have_count(0)
    reply_done(page)
    assert len(user_ids(sandbox, session_id)) == 1
    assert sent_files(sandbox, session_id) == first

    # Fork from the prompt: the new session's box holds it all, and sends the same.
    prompts(page).first.get_by_role("button", name="Fork from here").click()
    expect(page).not_to_have_url(re.compile(f"/{session_id}$"))
    expect(page).to_have_url(SESSION_URL)
    fork = page.url.rsplit("/", 1)[1]
    expect(box).to_have_value("hi @hello.py please")
    expect(tray.get_by_role("listitem")).to_have_count(2)
    box.press("Enter")
    reply_done(page)
    assert sent_files(sandbox, fork) == first


def test_undo_brings_back_a_shell_command(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A command run in the shell reads as that command in the conversation and in the
    revert banner; undoing it puts it back in the box in shell mode (the server keeps no
    text of it in the prompt), and sent again, the server runs the same command."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    box = page.get_by_label("Prompt")
    shell_badge = page.locator(".shell-badge")
    box.fill("!echo undo-$((2*3))")
    expect(shell_badge).to_be_visible()
    box.press("Enter")
    card = page.locator("details.tool-card").last
    expect(card).to_have_attribute("data-status", "completed", timeout=15_000)
    wait_idle(page)
    first = user_ids(sandbox, session_id)
    assert len(first) == 1
    expect(prompts(page)).to_have_count(1)
    expect(prompts(page).locator(".user-shell")).to_have_text("Shellecho undo-$((2*3))")

    page.get_by_role("button", name="Undo", exact=True).click()
    expect(banner(page)).to_contain_text("1 message reverted")
    banner(page).get_by_role("button", name="Show").click()
    expect(banner(page).get_by_role("list", name="Undone messages")).to_have_text(
        "!echo undo-$((2*3))"
    )
    expect(box).to_have_value("echo undo-$((2*3))")
    expect(shell_badge).to_be_visible()
    expect(page.get_by_role("button", name="Run")).to_be_visible()
    assert revert_point(sandbox, session_id) == first[0]
    screenshot(page, "session-undo-shell")

    box.press("Enter")
    expect(banner(page)).to_have_count(0)
    expect(card).to_have_attribute("data-status", "completed", timeout=15_000)
    wait_idle(page)
    wait_until(page, lambda: revert_point(sandbox, session_id) is None)
    assert len(user_ids(sandbox, session_id)) == 1
    bash = [
        part
        for message in server_messages(sandbox, session_id)
        for part in message["parts"]
        if part["type"] == "tool" and part["tool"] == "bash"
    ]
    assert [part["state"]["input"]["command"] for part in bash] == ["echo undo-$((2*3))"]
    assert bash[0]["state"]["output"].strip() == "undo-6"


def test_subagent_sessions_nested_and_linked(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A task's child session is listed under its parent (folded, with a count), and its
    chat says whose sub-agent it is, linking back."""
    open_chat(context, page, sandbox)
    parent = new_session(page)
    send(page, "Delegate [task:Survey for the test] [title:Parent of agents]")
    reply_done(page)
    children = server_json(sandbox.chat_server.url, f"/session/{parent}/children")
    assert len(children) == 1
    child = children[0]
    assert child["parentID"] == parent

    sessions = page.get_by_role("list", name="Sessions")
    item = sessions.get_by_role("listitem", name="Parent of agents")
    expect(item).to_be_visible()
    expect(sessions.locator(f"a[href$='{child['id']}']")).to_have_count(0)
    toggle = item.get_by_role("button", name="Show 1 sub-agent")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    nested = page.get_by_role("list", name="Sub-agents of Parent of agents")
    expect(nested.get_by_role("listitem")).to_have_count(1)
    expect(nested).to_contain_text(child["title"])
    screenshot(page, "session-subagents-listed")

    nested.locator(f"a[href$='{child['id']}']").click()
    expect(page).to_have_url(re.compile(f"/{child['id']}$"))
    link = page.get_by_role("link", name="Sub-agent of Parent of agents")
    expect(link).to_be_visible()
    # Opened on the child, the parent's list stays open to show where it is.
    expect(nested.get_by_role("listitem", name=child["title"])).to_have_attribute(
        "aria-current", "page"
    )
    screenshot(page, "session-subagent-header")
    link.click()
    expect(page).to_have_url(re.compile(f"/{parent}$"))
    expect(page.get_by_role("heading", name="Parent of agents")).to_be_visible()


def test_todo_checklist_above_the_prompt(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """The agent's todo list shows above the prompt box as it works ("1 of 3 done", the
    item in progress marked, done ones struck through), folds to its head while the agent
    waits for the user (the question keeps the room), unfolds and folds at a click,
    shrinks when finished, and matches the server's list."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    # The question holds the agent between the two todo updates.
    send(page, "Plan it [todo:1] [question:Carry on?|Yes|No] [todo:3] [title:Todo test]")
    dock = page.get_by_role("region", name="Todo list")
    expect(dock).to_contain_text("1 of 3 done", timeout=15_000)
    toggle = dock.get_by_role("button", name=re.compile("1 of 3 done"))
    expect(page.get_by_role("form", name="Question from the agent")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_contain_text(TODOS[1])  # the item in progress, in the folded head
    items = dock.get_by_role("listitem")
    expect(items.first).to_be_hidden()
    toggle.click()
    expect(items).to_have_count(3)
    expect(items.first).to_be_visible()
    expect(items.nth(0)).to_have_attribute("data-status", "completed")
    expect(items.nth(0)).to_contain_text("(done)")
    assert "line-through" in items.nth(0).locator(".todo-text").evaluate(
        "e => getComputedStyle(e).textDecorationLine"
    )
    expect(items.nth(1)).to_have_attribute("data-status", "in_progress")
    expect(items.nth(1)).to_contain_text("(in progress)")
    expect(items.nth(2)).to_have_attribute("data-status", "pending")
    assert [
        t["status"] for t in server_json(sandbox.chat_server.url, f"/session/{session_id}/todo")
    ] == [
        "completed",
        "in_progress",
        "pending",
    ]
    screenshot(page, "session-todo-dock")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(items.first).to_be_hidden()

    card = page.get_by_role("form", name="Question from the agent")
    card.get_by_role("radio", name=re.compile("^Yes")).check()
    card.get_by_role("button", name="Send answer").click()
    expect(dock).to_contain_text("3 of 3 done", timeout=15_000)
    reply_done(page)
    # Finished: folded to its head, until dismissed.
    expect(dock.get_by_role("button", name=re.compile("3 of 3 done"))).to_have_attribute(
        "aria-expanded", "false"
    )
    assert all(
        t["status"] == "completed"
        for t in server_json(sandbox.chat_server.url, f"/session/{session_id}/todo")
    )
    screenshot(page, "session-todo-finished")
    dock.get_by_role("button", name="Hide the todo list").click()
    expect(dock).to_have_count(0)
    # A finished list is old news when the session is opened again.
    page.reload()
    expect(last_reply(page)).to_contain_text(REPLY)
    expect(page.get_by_role("region", name="Todo list")).to_have_count(0)


def test_turn_changes_figures_copy_and_context(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A turn ends with its changed files (each opening its diff), its figures added up
    over every model call, and "Copy reply"; the context panel shows the newest request
    against the model's window."""
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    written = sandbox.chat_server.project / "notes" / "sa-figures.py"
    try:
        open_chat(context, page, sandbox)
        session_id = new_session(page)
        send(page, "Write it [write:notes/sa-figures.py] [markdown] [title:Figures test]")
        reply_done(page, "That is all.")
        assert written.is_file()
        reply = last_reply(page)

        changes = reply.get_by_role("region", name="Changed files")
        expect(changes).to_contain_text("1 changed file")
        expect(changes).to_contain_text("+2")
        file = changes.get_by_role("button", name=re.compile(r"^notes\/sa-figures\.py, added"))
        expect(file).to_have_attribute("aria-expanded", "false")
        file.click()
        expect(file).to_have_attribute("aria-expanded", "true")
        expect(changes).to_contain_text('return f"Hello, {name}!"')
        user_id = user_ids(sandbox, session_id)[0]
        diff = server_json(
            sandbox.chat_server.url, f"/session/{session_id}/diff?messageID={user_id}"
        )
        assert [d["file"] for d in diff] == ["notes/sa-figures.py"]

        # Figures: the turn's two model calls added up.
        infos = [m["info"] for m in server_messages(sandbox, session_id)]
        replies = [info for info in infos if info["role"] == "assistant"]
        assert len(replies) == 2
        total_in = sum(info["tokens"]["input"] for info in replies)
        total_out = sum(info["tokens"]["output"] for info in replies)
        meta = reply.locator(".message-meta")
        expect(meta).to_have_text(
            re.compile(r"^fake-model · [\d.]+ m?s · 2 steps · [\d.]+k? in · \d+ out$")
        )
        expect(meta).to_have_attribute(
            "title", re.compile(f"input {total_in:,}, output {total_out:,}")
        )
        # Only the last message of the turn has the footer.
        expect(messages_list(page).locator(".turn-end")).to_have_count(1)

        # Copy reply: the whole turn's text as markdown.
        actions = reply.get_by_role("group", name="Reply actions")
        actions.get_by_role("button", name="Copy reply").click()
        expect(actions).to_contain_text("Copied")
        expect(page.get_by_role("status").filter(has_text="Copied")).to_have_count(1)
        assert page.evaluate("navigator.clipboard.readText()") == MARKDOWN_REPLY
        screenshot(page, "session-turn-footer")

        # Context: the newest request against the fake model's 128,000-token window.
        last = replies[-1]["tokens"]
        used = last["input"] + last["output"] + last["reasoning"]
        used += last["cache"]["read"] + last["cache"]["write"]
        button = page.get_by_role("button", name=re.compile("^Context"))
        button.click()
        panel = page.get_by_role("dialog", name="Context")
        meter = panel.get_by_role("meter", name="Context window used")
        expect(meter).to_have_attribute(
            "aria-valuetext", re.compile(f"^{used:,} of 128,000 tokens, ")
        )
        expect(panel).to_contain_text("Fake model")
        expect(panel).to_contain_text("128,000 tokens")
        expect(panel).to_contain_text("3 (1 prompt, 2 model calls)")
        expect(panel).to_contain_text("$0.00")
        screenshot(page, "session-context-panel")
        page.keyboard.press("Escape")
        expect(panel).to_have_count(0)
        expect(button).to_be_focused()
    finally:
        written.unlink(missing_ok=True)
