"""Tool calls read as what they did, against the real OpenCode server and the scripted
model through the proxy: each family's card (its verb, key argument, counts, state and
body), the "Explored" group, failures in plain sight, and the task card's way into its
child session. Every test also checks what the server or the model actually did."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import Sandbox, screenshot, wait_until
from tests.browser.test_chat import last_reply, new_session, open_chat, send, server_json
from tools.fake_model import REPLY
from tools.fake_model.script import TODOS, WRITE_CONTENT
from tools.opencode_server import DEMO_HELLO

pytestmark = pytest.mark.browser

WIDE = {"width": 1400, "height": 900}


@pytest.fixture
def project(sandbox: Sandbox) -> Iterator[Path]:
    """The chat server's project, put back as committed after the test."""
    yield sandbox.chat_server.project
    for args in (["checkout", "-q", "--", "."], ["clean", "-qfd"]):
        subprocess.run(["git", *args], cwd=sandbox.chat_server.project, check=True)


def card(page: Page, name: str | re.Pattern[str]) -> Locator:
    """A tool card (or the Explored group) by its accessible name."""
    return page.get_by_role("list", name="Messages").get_by_role("group", name=name, exact=True)


def head(found: Locator) -> Locator:
    """A card's own heading (not the folds inside it)."""
    return found.locator(":scope > summary")


def tool_parts(sandbox: Sandbox, session_id: str, tool: str) -> list[dict[str, Any]]:
    """The session's tool parts of one tool, as the server stored them."""
    messages = server_json(sandbox.chat_server.url, f"/session/{session_id}/message")
    return [
        part
        for message in messages
        for part in message["parts"]
        if part["type"] == "tool" and part["tool"] == tool
    ]


def start(context: BrowserContext, page: Page, sandbox: Sandbox) -> str:
    page.set_viewport_size(WIDE)
    open_chat(context, page, sandbox)
    return new_session(page)


def test_exploration_is_grouped_and_each_call_reads_as_what_it_found(
    context: BrowserContext, page: Page, sandbox: Sandbox, project: Path
) -> None:
    """Consecutive glob, grep and read calls fold into one "Explored 1 read · 2 searches"
    row that opens to each call: the files glob found, grep's lines per file, and the file
    read, highlighted, with its line range."""
    session_id = start(context, page, sandbox)
    send(page, "Look around [glob:*.py] [grep:def ] [read:hello.py]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    group = card(page, "Explored 1 read · 2 searches")
    expect(group).to_be_visible()
    expect(group).not_to_have_attribute("open", "")
    head(group).click()

    [glob] = tool_parts(sandbox, session_id, "glob")
    assert glob["state"]["status"] == "completed"
    found = glob["state"]["metadata"]["count"]
    glob_card = group.get_by_role("group", name="Searched *.py")
    expect(head(glob_card)).to_contain_text(f"{found} file")
    head(glob_card).click()
    files = glob_card.get_by_role("list", name="Matching files")
    expect(files.get_by_text("hello.py", exact=True)).to_have_count(1)
    # Paths are shown relative to the project, never as the server's absolute path.
    assert str(project) in glob["state"]["output"]
    expect(files).not_to_contain_text(str(project))

    [grep] = tool_parts(sandbox, session_id, "grep")
    matches = grep["state"]["metadata"]["matches"]
    grep_card = group.get_by_role("group", name="Searched def")
    expect(head(grep_card)).to_contain_text(f"{matches} matches")
    head(grep_card).click()
    lines = grep_card.get_by_role("list", name="Matches")
    expect(lines).to_contain_text("hello.py")
    expect(lines).to_contain_text("def greeting() -> str:")
    expect(lines).to_contain_text("def main() -> None:")

    total = len(DEMO_HELLO.splitlines())
    read_card = group.get_by_role("group", name="Read hello.py")
    expect(head(read_card)).to_contain_text(f"lines 1–{total} of {total}")
    head(read_card).click()
    code = read_card.get_by_role("region", name=f"Content of hello.py, lines 1–{total} of {total}")
    expect(code).to_contain_text('print("Hello, world!")')
    expect(code).to_have_attribute("data-highlighted", "true")
    expect(code.locator(".code-num").first).to_have_text("1")
    expect(code.locator(".code-num")).to_have_count(total)
    [read] = tool_parts(sandbox, session_id, "read")
    assert read["state"]["metadata"]["display"]["totalLines"] == total
    # The model was sent what the tools found.
    assert "Hello, world!" in read["state"]["output"]
    screenshot(page, "tools-explored")


def test_write_shows_its_content_and_the_file_is_written(
    context: BrowserContext, page: Page, sandbox: Sandbox, project: Path
) -> None:
    """A write opens by default on the content it wrote, highlighted, with its line count;
    the file is on disk with that content."""
    start(context, page, sandbox)
    send(page, "Write it [write:notes.py]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    write = card(page, "Wrote notes.py")
    expect(write).to_have_attribute("open", "")
    lines = len(WRITE_CONTENT.splitlines())
    expect(head(write)).to_contain_text(f"+{lines}")
    expect(head(write)).to_contain_text("new file")
    code = write.get_by_role("region", name="Content of notes.py")
    expect(code).to_contain_text("def greet(name: str) -> str:")
    expect(code).to_have_attribute("data-highlighted", "true")
    assert (project / "notes.py").read_text() == WRITE_CONTENT
    screenshot(page, "tools-write")


def test_edit_shows_its_diff_and_the_file_changes(
    context: BrowserContext, page: Page, sandbox: Sandbox, project: Path
) -> None:
    """An edit opens by default on its diff (the deleted and the added line marked
    apart), its counts in the heading, the file named relative to the project; the file
    on disk has changed."""
    session_id = start(context, page, sandbox)
    send(page, "Change it [edit:hello.py:Hello, world!=>Hello, tools!]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    edit = card(page, "Edited hello.py")
    expect(edit).to_have_attribute("open", "")
    summary = head(edit)
    expect(summary.get_by_label("1 line added, 1 line deleted")).to_have_text("+1 −1")
    expect(edit.get_by_label(re.compile(r'^deleted:\s+print\("Hello, world!"\)$'))).to_be_visible()
    expect(edit.get_by_label(re.compile(r'^added:\s+print\("Hello, tools!"\)$'))).to_be_visible()
    expect(edit.get_by_role("table", name="Diff of hello.py")).to_be_visible()
    text = (project / "hello.py").read_text()
    assert 'print("Hello, tools!")' in text
    assert 'print("Hello, world!")' not in text
    [part] = tool_parts(sandbox, session_id, "edit")
    assert part["state"]["metadata"]["filediff"]["additions"] == 1
    screenshot(page, "tools-edit")


def test_todo_card_is_a_checklist(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """A todo list reads as "Planned 3 todos · 1 of 3 done" and opens to a checklist:
    done struck through, the one in progress marked."""
    session_id = start(context, page, sandbox)
    send(page, "Plan it [todo:1]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    todo = card(page, "Planned 3 todos")
    expect(head(todo)).to_contain_text("1 of 3 done")
    head(todo).click()
    items = todo.get_by_role("list", name="Todos").get_by_role("listitem")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text(TODOS[0])
    expect(items.nth(0)).to_have_attribute("data-status", "completed")
    struck = (
        items.nth(0)
        .locator(".todo-content")
        .evaluate("el => getComputedStyle(el).textDecorationLine")
    )
    assert struck == "line-through"
    expect(items.nth(1)).to_contain_text("In progress")
    expect(items.nth(2)).to_have_attribute("data-status", "pending")
    stored = server_json(sandbox.chat_server.url, f"/session/{session_id}/todo")
    assert [t["status"] for t in stored] == ["completed", "in_progress", "pending"]
    screenshot(page, "tools-todo")


def test_task_card_opens_the_child_session(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A task names its sub-agent and description, shows its answer, and links into the
    child session the server made for it (a session whose parent is this one)."""
    session_id = start(context, page, sandbox)
    send(page, "Delegate [task:Survey the project]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=30_000)
    task = card(page, "Delegated Survey the project")
    expect(head(task)).to_contain_text("general agent")
    expect(task.get_by_role("group", name="Sub-agent's answer")).to_contain_text(REPLY)
    [part] = tool_parts(sandbox, session_id, "task")
    child_id = part["state"]["metadata"]["sessionId"]
    children = [s for s in server_json(sandbox.chat_server.url, "/session") if s["id"] == child_id]
    assert [child["parentID"] for child in children] == [session_id]
    screenshot(page, "tools-task")
    link = task.get_by_role("link", name="Open sub-agent session")
    assert (link.get_attribute("href") or "").endswith(f"/{child_id}")
    link.click()
    expect(page).to_have_url(re.compile(f"/{child_id}$"))
    expect(last_reply(page)).to_contain_text(REPLY)


def child_of(sandbox: Sandbox, session_id: str) -> dict[str, Any]:
    """The one sub-agent session the server made for this session."""
    [child] = server_json(sandbox.chat_server.url, f"/session/{session_id}/children")
    return child


def pending_permission(page: Page, sandbox: Sandbox, child_id: str) -> dict[str, Any]:
    """The server's pending permission request of the sub-agent's session, once it asks."""
    found: list[dict[str, Any]] = []

    def pending() -> bool:
        found[:] = [
            r
            for r in server_json(sandbox.chat_server.url, "/permission")
            if r["sessionID"] == child_id
        ]
        return len(found) == 1

    wait_until(page, pending, timeout=30)
    return found[0]


def test_a_sub_agent_asks_for_permission_in_the_parent(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A sub-agent's command waiting for approval shows in the parent's chat, naming the
    sub-agent; the parent reads "waiting for you" (badge, list and task card) and "Allow
    once" there lets the sub-agent's command run on the server."""
    session_id = start(context, page, sandbox)
    command = "echo from-child-$((6*7))"
    send(page, f"Delegate [task:Check the files=>tool:bash:{command}] [title:Parent asks]")
    wait_until(
        page,
        lambda: bool(server_json(sandbox.chat_server.url, f"/session/{session_id}/children")),
        timeout=30,
    )
    child = child_of(sandbox, session_id)
    asked = pending_permission(page, sandbox, child["id"])

    request = page.get_by_role(
        "group", name="Permission needed: the general sub-agent wants to run a command"
    )
    expect(request).to_be_visible(timeout=15_000)
    expect(request).to_contain_text(command)
    origin = request.get_by_role("link", name=child["title"])
    assert (origin.get_attribute("href") or "").endswith(f"/{child['id']}")
    expect(page.get_by_role("status", name="Session waiting for you")).to_have_text(
        "Waiting for you"
    )
    row = page.get_by_role("list", name="Sessions").get_by_role("listitem", name="Parent asks")
    expect(row.get_by_role("img", name="waiting for you")).to_be_visible()
    task = page.locator("details.tool-card", has_text="Check the files")
    expect(head(task)).to_contain_text("Waiting for you")
    screenshot(page, "tools-subagent-permission")

    request.get_by_role("button", name="Allow once").click()
    expect(request).to_have_count(0)
    assert [
        r for r in server_json(sandbox.chat_server.url, "/permission") if r["id"] == asked["id"]
    ] == []
    expect(last_reply(page)).to_contain_text(REPLY, timeout=30_000)
    [bash] = tool_parts(sandbox, child["id"], "bash")
    assert bash["state"]["status"] == "completed"
    assert "from-child-42" in bash["state"]["output"]
    expect(row.get_by_role("img", name="idle")).to_be_visible()


def test_webfetch_failure_is_plain(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """A failed fetch says so in its heading and shows the server's error without a click;
    its URL is a link that opens apart from the app."""
    session_id = start(context, page, sandbox)
    send(page, "Fetch it [webfetch:http://127.0.0.1:9/nothing]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    fetch = card(page, "Fetch http://127.0.0.1:9/nothing, failed")
    expect(head(fetch)).to_contain_text("Failed")
    [part] = tool_parts(sandbox, session_id, "webfetch")
    assert part["state"]["status"] == "error"
    error = fetch.get_by_role("region", name="Error")
    expect(error).to_be_visible()
    expect(error).to_have_text(part["state"]["error"])
    link = fetch.get_by_role("link", name="http://127.0.0.1:9/nothing")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("href", "http://127.0.0.1:9/nothing")
    screenshot(page, "tools-webfetch-failed")


def test_bash_streams_its_output_and_shows_a_failing_exit(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A command waits for approval, shows its output while it runs, then its exit code
    when it is not 0 (and opens to show it), with the command as a `$` line."""
    session_id = start(context, page, sandbox)
    command = "echo first-line; sleep 2; echo second-line; exit 3"
    send(page, f"Run it [tool:bash:{command}]")
    running = card(page, f"Running {command}")
    expect(head(running)).to_contain_text("Waiting for approval", timeout=20_000)
    permission = page.get_by_role("group", name=re.compile("^Permission needed"))
    permission.get_by_role("button", name="Allow once").click()
    expect(head(running)).to_contain_text("Running")
    head(running).click()
    streamed = running.get_by_role("region", name="Output")
    expect(streamed).to_contain_text("first-line")
    assert "second-line" not in streamed.inner_text()
    bash = card(page, f"Ran {command}")
    expect(head(bash)).to_contain_text("exit 3", timeout=15_000)
    expect(bash).to_have_attribute("open", "")
    expect(bash.get_by_label("Command")).to_have_text(f"$ {command}")
    output = bash.get_by_role("region", name="Output")
    expect(output).to_have_text(re.compile(r"^first-line\s+second-line\s*$"))
    expect(bash).to_contain_text("Exited with code 3")
    [part] = tool_parts(sandbox, session_id, "bash")
    assert part["state"]["metadata"]["exit"] == 3
    expect(last_reply(page)).to_contain_text(REPLY, timeout=15_000)
    screenshot(page, "tools-bash-exit")


def test_question_card_shows_the_answer_given(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """After the user answers, the question's card lists the options with the chosen one
    marked and the answer, as the server recorded it."""
    session_id = start(context, page, sandbox)
    send(page, "Ask me [question:Which colour?|Red|Blue]")
    form = page.get_by_role("form", name="Question from the agent")
    form.get_by_role("radio", name=re.compile("^Blue")).check(timeout=20_000)
    form.get_by_role("button", name="Send answer").click()
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    question = card(page, "Asked Which colour?")
    expect(head(question)).to_contain_text("answered")
    expect(question).to_have_attribute("open", "")
    expect(question.locator("li[data-chosen='true']")).to_contain_text("Blue")
    expect(question.locator("li[data-chosen='false']")).to_contain_text("Red")
    expect(question).to_contain_text("Answer Blue")
    [part] = tool_parts(sandbox, session_id, "question")
    assert part["state"]["metadata"]["answers"] == [["Blue"]]
    screenshot(page, "tools-question")


def test_a_whole_turn_never_shows_raw_json(
    context: BrowserContext, page: Page, sandbox: Sandbox, project: Path
) -> None:
    """A turn with every kind of call, each card opened: no raw tool input anywhere on
    the page, wide and at 390 px, where headings cut long arguments short and nothing
    in the conversation scrolls sideways."""
    start(context, page, sandbox)
    send(
        page,
        "Everything [todo:1] [glob:*.py] [grep:def ] [read:hello.py] [write:notes.py] "
        "[edit:hello.py:Hello, world!=>Hello, tools!] [webfetch:http://127.0.0.1:9/nothing] "
        "[task:Survey the project]",
    )
    expect(last_reply(page)).to_contain_text(REPLY, timeout=40_000)
    messages = page.get_by_role("list", name="Messages")
    expect(card(page, "Explored 1 read · 2 searches")).to_be_visible()
    for name in ("Planned 3 todos", "Wrote notes.py", "Edited hello.py"):
        expect(card(page, name)).to_be_visible()
    # Open every fold, so every body is drawn.
    closed = messages.locator("details:not([open]) > summary:visible")
    for _ in range(40):
        if closed.count() == 0:
            break
        closed.first.click()
    expect(messages.locator("details.tool-card:not([open])")).to_have_count(0)
    html = messages.evaluate("el => el.outerHTML")
    text = messages.evaluate("el => el.textContent")
    for raw in ("filePath", "oldString", '{"'):
        assert raw not in text
        assert raw not in html
    screenshot(page, "tools-turn-1400")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    # The conversation does not scroll sideways: bodies scroll inside themselves.
    assert messages.evaluate("el => el.scrollWidth - el.clientWidth") <= 0
    rights = messages.locator("details.tool-card, details.tool-group").evaluate_all(
        "cards => cards.map(card => card.getBoundingClientRect().right)"
    )
    assert max(rights) <= 390
    subject = card(page, "Fetch http://127.0.0.1:9/nothing, failed").locator(".tool-subject")
    assert subject.evaluate("el => getComputedStyle(el).textOverflow") == "ellipsis"
    subject.scroll_into_view_if_needed()
    screenshot(page, "tools-turn-390")
