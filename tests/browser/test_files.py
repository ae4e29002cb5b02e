"""The Files panel against the real OpenCode server and the scripted model, through the
proxy: the project's tree (folders first, listed lazily per folder, keyboard navigable,
remembered), git marks that follow what the server reports, the viewer (highlighted
text equal to the file on disk, images from base64 only, binary files said in words,
the path copied), the fuzzy file search, and "Open file" from an edit's card and a
turn's changed files. Every test checks the server or the disk, not only the page."""

from __future__ import annotations

import base64
import re
import struct
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import Sandbox, screenshot, wait_until
from tests.browser.test_chat import last_reply, new_session, open_chat, send, server_json
from tools.fake_model import REPLY
from tools.opencode_server import DEMO_HELLO

pytestmark = pytest.mark.browser

WIDE = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}


def tiny_png() -> bytes:
    """A 2 by 2 PNG: red, green, blue and white pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"\x00\xff\x00\x00\x00\xff\x00" + b"\x00\x00\x00\xff\xff\xff\xff"
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = tiny_png()


@pytest.fixture
def project(sandbox: Sandbox) -> Iterator[Path]:
    """The chat server's project, put back as committed after the test."""
    yield sandbox.chat_server.project
    for args in (["checkout", "-q", "--", "."], ["clean", "-qfd"]):
        subprocess.run(["git", *args], cwd=sandbox.chat_server.project, check=True)
    assert (sandbox.chat_server.project / "hello.py").read_text() == DEMO_HELLO


def open_files(context: BrowserContext, page: Page, sandbox: Sandbox) -> tuple[str, Locator]:
    """A new session with the Files panel open; its ID and the panel."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    page.get_by_role("button", name="Files", exact=True).click()
    panel = page.get_by_role("complementary", name="Files")
    expect(panel).to_be_visible()
    return session_id, panel


def tree(page: Page) -> Locator:
    return page.get_by_role("tree", name="Project files")


def row(page: Page, name: str) -> Locator:
    """A tree row by its file or folder name (its mark, if any, may follow)."""
    return tree(page).get_by_role("treeitem", name=re.compile(rf"^{re.escape(name)}(,|$)"))


def viewer_text(page: Page, path: str) -> str:
    """The viewer's text, line by line, as shown."""
    code = page.get_by_role("region", name=f"Content of {path}")
    return "\n".join(code.locator(".code-text").all_inner_texts())


def test_tree_lists_the_project_folders_first_lazily_and_remembers(
    context: BrowserContext, page: Page, sandbox: Sandbox, project: Path
) -> None:
    """The tree lists README.md and hello.py after the folders; a folder is listed only
    when opened (by click or by the keyboard, as a tree), and what was open survives a
    reload."""
    (project / "docs" / "notes").mkdir(parents=True)
    (project / "docs" / "notes" / "todo.txt").write_text("write the docs\n")
    (project / "docs" / "guide.md").write_text("# Guide\n")
    listed: list[str] = []
    page.on(
        "request",
        lambda request: listed.append(request.url) if "/api/proxy/file?" in request.url else None,
    )
    page.set_viewport_size(WIDE)
    open_files(context, page, sandbox)
    expect(row(page, "README.md")).to_be_visible()
    expect(row(page, "hello.py")).to_be_visible()
    names = tree(page).get_by_role("treeitem").all_inner_texts()
    top = [name.split("\n")[0].strip() for name in names]
    assert top.index("docs") < top.index("hello.py") < top.index("README.md")
    # What the tree shows is what the server lists.
    on_server = {node["name"] for node in server_json(sandbox.chat_server.url, "/file?path=")}
    assert {"docs", "hello.py", "README.md"} <= on_server
    docs = row(page, "docs")
    expect(docs).to_have_attribute("aria-expanded", "false")
    assert not any("path=docs" in url for url in listed), "a closed folder was listed"

    docs.click()
    expect(docs).to_have_attribute("aria-expanded", "true")
    expect(row(page, "notes")).to_be_visible()
    expect(row(page, "guide.md")).to_have_attribute("aria-level", "2")
    assert any(url.endswith("path=docs") for url in listed)
    assert not any("notes" in url for url in listed)

    # The keyboard: Down to "notes", Right opens it, Right again enters it.
    docs.focus()
    page.keyboard.press("ArrowDown")
    expect(row(page, "notes")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(row(page, "notes")).to_have_attribute("aria-expanded", "true")
    todo = row(page, "todo.txt")
    expect(todo).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(todo).to_be_focused()
    expect(todo).to_have_attribute("aria-level", "3")
    page.keyboard.press("ArrowLeft")
    expect(row(page, "notes")).to_be_focused()
    page.keyboard.press("Enter")
    expect(row(page, "todo.txt")).to_have_count(0)
    page.keyboard.press("Enter")
    expect(row(page, "todo.txt")).to_be_visible()
    screenshot(page, "files-tree")

    page.reload()
    page.get_by_role("button", name="Files", exact=True).click()
    expect(row(page, "todo.txt")).to_be_visible()
    expect(row(page, "docs")).to_have_attribute("aria-expanded", "true")


def test_git_marks_follow_what_the_server_reports(
    context: BrowserContext, page: Page, sandbox: Sandbox, project: Path
) -> None:
    """A file changed on disk carries its git mark; an edit by the agent marks hello.py
    without a reload (the server reports it), and editing it back clears the mark."""
    (project / "README.md").write_text("# A throw-away project for tests\n\nMore.\n")
    (project / "new.txt").write_text("fresh\n")
    page.set_viewport_size(WIDE)
    open_files(context, page, sandbox)
    readme = row(page, "README.md")
    expect(readme).to_have_accessible_name("README.md, modified")
    expect(readme).to_have_attribute("data-status", "modified")
    expect(row(page, "new.txt")).to_have_accessible_name("new.txt, added")
    expect(row(page, "hello.py")).to_have_accessible_name("hello.py")
    status = {
        entry["file"]: entry["status"]
        for entry in server_json(sandbox.chat_server.url, "/vcs/status")
    }
    assert status == {"README.md": "modified", "new.txt": "added"}

    send(page, "Change it [edit:hello.py:Hello, world!=>Hello, files!]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    expect(row(page, "hello.py")).to_have_accessible_name("hello.py, modified")
    assert 'print("Hello, files!")' in (project / "hello.py").read_text()
    screenshot(page, "files-marks")

    send(page, "Back [edit:hello.py:Hello, files!=>Hello, world!]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    expect(row(page, "hello.py")).to_have_accessible_name("hello.py")
    assert (project / "hello.py").read_text() == DEMO_HELLO
    status = {entry["file"] for entry in server_json(sandbox.chat_server.url, "/vcs/status")}
    assert "hello.py" not in status


def test_viewer_shows_the_file_highlighted_images_and_binaries(
    context: BrowserContext, page: Page, sandbox: Sandbox, project: Path
) -> None:
    """hello.py opens highlighted, its text equal to the file on disk, its path copied by
    its button; an image shows from the server's base64 content as a data: URL, and a
    binary file is said in words."""
    (project / "pixel.png").write_bytes(PNG)
    (project / "blob.bin").write_bytes(bytes(range(256)) * 4)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size(WIDE)
    open_files(context, page, sandbox)
    row(page, "hello.py").click()
    viewer = page.get_by_role("region", name="File hello.py")
    code = viewer.get_by_role("region", name="Content of hello.py")
    expect(code).to_have_attribute("data-highlighted", "true")
    expect(code).to_have_attribute("data-language", "python")
    assert viewer_text(page, "hello.py") == DEMO_HELLO.rstrip("\n")
    expect(code.locator(".code-num")).to_have_count(len(DEMO_HELLO.splitlines()))
    expect(row(page, "hello.py")).to_have_attribute("aria-selected", "true")
    viewer.get_by_role("button", name="Copy path").click()
    expect(viewer.get_by_role("button", name="Copy path")).to_contain_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "hello.py"
    screenshot(page, "files-viewer")

    row(page, "pixel.png").click()
    image = page.get_by_role("region", name="File pixel.png").get_by_role("img")
    expect(image).to_be_visible()
    src = image.get_attribute("src") or ""
    assert src == "data:image/png;base64," + base64.b64encode(PNG).decode()
    wait_until(page, lambda: image.evaluate("img => img.naturalWidth") == 2)
    served = server_json(sandbox.chat_server.url, "/file/content?path=pixel.png")
    assert served["encoding"] == "base64"
    assert served["mimeType"] == "image/png"

    row(page, "blob.bin").click()
    expect(page.get_by_role("region", name="File blob.bin")).to_contain_text(
        "A binary file (application/octet-stream, 1.0 KB): not shown as text."
    )


def test_fuzzy_search_finds_hello_from_hlo(
    context: BrowserContext, page: Page, sandbox: Sandbox, project: Path
) -> None:
    """ "hlo" finds hello.py (the server's search, ranked and marked here); Enter opens it."""
    page.set_viewport_size(WIDE)
    open_files(context, page, sandbox)
    box = page.get_by_role("combobox", name="Search files")
    box.fill("hlo")
    results = page.get_by_role("listbox", name="Matching files")
    option = results.get_by_role("option", name=re.compile("^hello.py"))
    expect(option).to_be_visible()
    expect(option.locator("mark")).to_have_text(["h", "l", "o"])
    assert "hello.py" in server_json(sandbox.chat_server.url, "/find/file?query=hlo")
    expect(results.get_by_role("option", name=re.compile("^README"))).to_have_count(0)
    screenshot(page, "files-search")
    box.press("Enter")
    expect(page.get_by_role("region", name="Content of hello.py")).to_contain_text("Hello, world!")
    box.press("Escape")
    expect(box).to_have_value("")
    expect(row(page, "hello.py")).to_be_visible()


def test_open_file_from_an_edit_card_and_the_turns_changed_files(
    context: BrowserContext, page: Page, sandbox: Sandbox, project: Path
) -> None:
    """An edit card's "Open file" shows the viewer on that file at the changed line, as
    it is on disk now; the turn's changed file opens it too."""
    page.set_viewport_size(WIDE)
    open_chat(context, page, sandbox)
    new_session(page)
    send(page, "Look and change [read:hello.py] [edit:hello.py:Hello, world!=>Hello, files!]")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    edit = page.get_by_role("list", name="Messages").get_by_role(
        "group", name="Edited hello.py", exact=True
    )
    expect(edit).to_have_attribute("open", "")
    edit.get_by_role("button", name="Open file").click()
    panel = page.get_by_role("complementary", name="Files")
    expect(panel).to_be_visible()
    code = panel.get_by_role("region", name="Content of hello.py")
    expect(code).to_contain_text('print("Hello, files!")')
    on_disk = (project / "hello.py").read_text()
    assert 'print("Hello, files!")' in on_disk
    assert viewer_text(page, "hello.py") == on_disk.rstrip("\n")
    changed = on_disk.splitlines().index('    print("Hello, files!")') + 1
    target = code.locator(".code-line.target-line")
    expect(target).to_have_count(1)
    expect(target.locator(".code-num")).to_have_text(str(changed))
    expect(panel.get_by_text(f"line {changed}")).to_be_visible()
    screenshot(page, "files-open-from-edit")

    # The turn's changed files open it too (after the panel was closed).
    panel.get_by_role("button", name="Close files").click()
    expect(panel).to_have_count(0)
    turn = page.get_by_role("region", name="Changed files").last
    turn.get_by_role("button", name="Open hello.py").click()
    expect(page.get_by_role("region", name="Content of hello.py")).to_contain_text("Hello, files!")

    # hello.py back as the demo has it.
    (project / "hello.py").write_text(DEMO_HELLO)


def test_files_panel_fits_a_phone(
    context: BrowserContext, page: Page, sandbox: Sandbox, project: Path
) -> None:
    """At 390 px the panel covers the chat, its tree and viewer scroll inside it, and the
    page does not scroll sideways."""
    page.set_viewport_size(WIDE)
    open_chat(context, page, sandbox)
    new_session(page)
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Files", exact=True).click()
    row(page, "hello.py").click()
    expect(page.get_by_role("region", name="Content of hello.py")).to_have_attribute(
        "data-highlighted", "true"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    box = page.get_by_role("complementary", name="Files").bounding_box()
    assert box is not None
    assert box["width"] <= PHONE["width"]
    screenshot(page, "files-phone")
    page.emulate_media(color_scheme="dark")
    expect(row(page, "hello.py")).to_be_visible()
    screenshot(page, "files-phone-dark")


def test_open_file_from_a_mention_chip(
    context: BrowserContext, page: Page, sandbox: Sandbox, project: Path
) -> None:
    """A file mentioned with @ shows as a chip in the sent message; its button opens the
    file in the viewer."""
    page.set_viewport_size(WIDE)
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    box = page.get_by_label("Prompt")
    box.press_sequentially("Look at @hel")
    expect(page.get_by_role("option").filter(has_text="hello.py").first).to_be_visible()
    box.press("Enter")
    box.press_sequentially("please [describe]")
    box.press("Enter")
    expect(last_reply(page)).to_contain_text("I received: hello.py.", timeout=15_000)
    messages = server_json(sandbox.chat_server.url, f"/session/{session_id}/message")
    mentioned = [
        part["source"]["path"]
        for message in messages
        for part in message["parts"]
        if part["type"] == "file" and "source" in part
    ]
    assert mentioned == ["hello.py"]
    chip = page.get_by_role("listitem", name="You").last.locator(".file-chip")
    chip.get_by_role("button", name="Open hello.py").click()
    expect(page.get_by_role("region", name="Content of hello.py")).to_contain_text("Hello, world!")
    expect(row(page, "hello.py")).to_have_attribute("aria-selected", "true")
    screenshot(page, "files-open-from-mention")
