"""The Servers view against the real proxy and real OpenCode servers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import (
    PASSWORD,
    STORAGE_KEY,
    Sandbox,
    add_server,
    open_app,
    screenshot,
    seed_servers,
    server_row,
    user_state,
)

pytestmark = pytest.mark.browser

EXAMPLE = "http://sandbox.my-namespace.svc.cluster.local:4096"


def test_no_servers_opens_the_servers_view(page: Page, sandbox: Sandbox) -> None:
    """With nothing configured the app opens Settings → Servers with one sentence to act on."""
    open_app(page, sandbox)
    expect(page).to_have_url(re.compile(r"#/settings/servers$"))
    expect(page.get_by_role("heading", name="No servers yet")).to_be_visible()
    expect(page.get_by_text(EXAMPLE)).to_be_visible()
    screenshot(page, "servers-empty")
    add_server(page, "", submit=False)
    expect(page.get_by_label("Server URL", exact=True)).to_have_attribute("placeholder", EXAMPLE)
    expect(page.get_by_label("Server URL", exact=True)).to_be_focused()


def test_add_open_server_shows_health_version_and_round_trip(page: Page, sandbox: Sandbox) -> None:
    """A server without a password is checked, saved, listed healthy with its version."""
    open_app(page, sandbox)
    add_server(page, f"  127.0.0.1:{sandbox.open_server.port}/  ", name="Open sandbox")
    expect(page).to_have_url(re.compile(r"#/settings/servers$"))
    row = server_row(page, "Open sandbox")
    expect(row.get_by_role("img", name="healthy", exact=True)).to_be_visible()
    expect(row).to_contain_text(f"v{sandbox.version}")
    expect(row).to_contain_text(re.compile(r"\d+ ms"))
    # The round trip is the network's (request sent to first byte), not the fetch's time,
    # which while the page loads includes waiting for a connection and the main thread.
    shown = int(re.findall(r"(\d+) ms", row.inner_text())[0])
    timed = page.evaluate(
        "performance.getEntriesByType('resource')"
        ".filter((e) => e.name.endsWith('/global/health'))"
        ".map((e) => Math.round(e.responseStart - e.requestStart))"
    )
    assert shown in timed, (shown, timed)
    expect(row).to_contain_text(f"127.0.0.1:{sandbox.open_server.port}")
    expect(row).to_contain_text("no password stored")
    # The first server is the default and the one in use.
    expect(row).to_contain_text("Default")
    expect(row).to_have_attribute("aria-current", "true")


def test_add_both_servers_and_survive_a_reload(page: Page, sandbox: Sandbox) -> None:
    """Both servers, one with a password, end up healthy; a reload loses nothing."""
    open_app(page, sandbox)
    add_server(page, sandbox.open_url, name="Open sandbox")
    expect(server_row(page, "Open sandbox")).to_be_visible()
    add_server(page, sandbox.locked_url, name="Locked sandbox", password=PASSWORD)
    for name in ("Open sandbox", "Locked sandbox"):
        row = server_row(page, name)
        expect(row.get_by_role("img", name="healthy", exact=True)).to_be_visible()
        expect(row).to_contain_text(f"v{sandbox.version}")
    locked = server_row(page, "Locked sandbox")
    expect(locked).to_contain_text("opencode")
    expect(locked).to_contain_text("password stored")
    screenshot(page, "servers-both-healthy")

    stored = page.evaluate(f"localStorage.getItem({STORAGE_KEY!r})")
    assert PASSWORD not in stored
    assert "Locked sandbox" in stored

    page.reload()
    for name in ("Open sandbox", "Locked sandbox"):
        expect(
            server_row(page, name).get_by_role("img", name="healthy", exact=True)
        ).to_be_visible()
    expect(server_row(page, "Locked sandbox")).to_contain_text("password stored")
    expect(server_row(page, "Open sandbox")).to_have_attribute("aria-current", "true")


def test_wrong_password_is_refused(page: Page, sandbox: Sandbox) -> None:
    """Save refuses a password-protected server with a wrong or missing password, and says so."""
    open_app(page, sandbox)
    add_server(page, sandbox.locked_url, name="Locked sandbox", password="wrong")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Wrong username or password")
    expect(page).to_have_url(re.compile(r"#/settings/servers/new$"))

    page.get_by_label("Password", exact=True).fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("needs a password")

    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("heading", name="No servers yet")).to_be_visible()
    assert page.evaluate(f"localStorage.getItem({STORAGE_KEY!r})") is None


def test_refused_url_says_why_before_any_request(page: Page, sandbox: Sandbox) -> None:
    """A URL outside the allow patterns is refused by the form itself, with the reason."""
    proxied: list[str] = []
    page.on("request", lambda r: proxied.append(r.url) if "/api/proxy/" in r.url else None)
    open_app(page, sandbox)
    add_server(page, "http://evil.example:4096")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Not allowed by this notebook's policy")
    expect(alert).to_contain_text("evil.example:4096")
    expect(alert).to_contain_text(f"127.0.0.1:{sandbox.open_server.port}")
    expect(page.get_by_label("Server URL", exact=True)).to_have_attribute("aria-invalid", "true")
    screenshot(page, "add-form-policy-error")

    page.get_by_label("Server URL", exact=True).fill("http://127.0.0.1:1")
    page.get_by_role("button", name="Save").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Not allowed by this notebook's policy")
    expect(alert).to_contain_text("127.0.0.1 is allowed only on port")

    page.get_by_label("Server URL", exact=True).fill("http://user:pw@127.0.0.1:1")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Username and Password fields")
    assert proxied == []


def test_unreachable_server_is_refused(page: Page, sandbox: Sandbox) -> None:
    """An allowed address where nothing listens cannot be saved: "Could not connect"."""
    open_app(page, sandbox)
    add_server(page, sandbox.dead_url)
    expect(page.get_by_role("alert")).to_contain_text("Could not connect")
    screenshot(page, "add-form-unreachable")


def test_keyboard_enter_saves_and_escape_goes_back(page: Page, sandbox: Sandbox) -> None:
    """Enter in the form saves; Escape leaves the form, then Settings."""
    open_app(page, sandbox)
    page.get_by_role("button", name="Add server").click()
    page.get_by_label("Server URL", exact=True).fill(sandbox.open_url)
    page.get_by_label("Server URL", exact=True).press("Enter")
    expect(server_row(page, f"127.0.0.1:{sandbox.open_server.port}")).to_be_visible()

    page.get_by_role("button", name="Add server").click()
    page.get_by_label("Name", exact=True).press("Escape")
    expect(page).to_have_url(re.compile(r"#/settings/servers$"))
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"#/$"))
    expect(page.get_by_role("heading", name=re.compile("Connected to"))).to_be_visible()


def test_edit_renames_a_server(page: Page, sandbox: Sandbox) -> None:
    """Edit changes the name and keeps the server."""
    open_app(page, sandbox)
    add_server(page, sandbox.open_url, name="Before")
    server_row(page, "Before").get_by_role("button", name="Edit").click()
    expect(page.get_by_role("heading", name="Edit server")).to_be_visible()
    expect(page.get_by_label("Server URL", exact=True)).to_have_value(sandbox.open_url)
    page.get_by_label("Name", exact=True).fill("After")
    page.get_by_role("button", name="Save").click()
    expect(server_row(page, "After")).to_be_visible()
    expect(server_row(page, "Before")).to_have_count(0)
    page.reload()
    expect(server_row(page, "After")).to_contain_text(f"v{sandbox.version}")


def test_new_address_keeps_the_servers_place_and_default(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """Editing a server's URL keeps it where it was in the list and as the default, in
    one change the proxy stores; the old address is gone."""
    seed_servers(
        context,
        [{"url": sandbox.open_url, "name": "First"}, {"url": sandbox.spare_url, "name": "Second"}],
        sandbox.open_url,
    )
    open_app(page, sandbox, "/settings/servers")
    expect(server_row(page, "First")).to_contain_text("Default")
    server_row(page, "First").get_by_role("button", name="Edit").click()
    page.get_by_label("Server URL", exact=True).fill(sandbox.chat_url)
    page.get_by_role("button", name="Save").click()
    rows = page.get_by_role("list", name="Servers").get_by_role("listitem")
    expect(rows.first).to_have_accessible_name("First")
    expect(rows.first).to_contain_text(sandbox.chat_url.removeprefix("http://"))
    expect(server_row(page, "First")).to_contain_text("Default")
    kept = user_state(page)
    urls = [server["url"].rstrip("/") for server in kept["servers"]]
    assert urls == [sandbox.chat_url.rstrip("/"), sandbox.spare_url.rstrip("/")]
    assert kept["default_url"].rstrip("/") == sandbox.chat_url.rstrip("/")
    page.reload()
    expect(rows.first).to_have_accessible_name("First")
    expect(rows).to_have_count(2)


def test_remove_asks_first(page: Page, sandbox: Sandbox) -> None:
    """Remove asks for confirmation; Cancel keeps the server, Remove drops it for good."""
    open_app(page, sandbox)
    add_server(page, sandbox.open_url, name="Doomed")
    server_row(page, "Doomed").get_by_role("button", name="Remove").click()
    dialog = page.get_by_role("dialog", name="Remove Doomed?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(server_row(page, "Doomed")).to_be_visible()

    server_row(page, "Doomed").get_by_role("button", name="Remove").click()
    page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    expect(server_row(page, "Doomed")).to_have_count(0)
    expect(page.get_by_role("heading", name="No servers yet")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="No servers yet")).to_be_visible()


def test_set_default_survives_a_reload(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """The default is the server in use after a reload."""
    seed_servers(
        context,
        [{"url": sandbox.open_url, "name": "First"}, {"url": sandbox.spare_url, "name": "Second"}],
        sandbox.open_url,
    )
    open_app(page, sandbox, "/settings/servers")
    first, second = server_row(page, "First"), server_row(page, "Second")
    expect(first).to_contain_text("Default")
    expect(first).to_have_attribute("aria-current", "true")
    second.get_by_role("button", name="Set as default").click()
    expect(second).to_contain_text("Default")
    expect(first.get_by_role("button", name="Set as default")).to_be_visible()
    page.reload()
    expect(second).to_contain_text("Default")
    expect(second).to_have_attribute("aria-current", "true")
    expect(first).not_to_have_attribute("aria-current", "true")


def test_changes_show_up_in_another_tab(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """A server added in one tab appears in the other without a reload."""
    other = context.new_page()
    open_app(other, sandbox, "/settings/servers")
    open_app(page, sandbox)
    add_server(page, sandbox.open_url, name="Shared")
    expect(server_row(other, "Shared")).to_be_visible()
    server_row(page, "Shared").get_by_role("button", name="Remove").click()
    page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    expect(server_row(other, "Shared")).to_have_count(0)
    other.close()


def test_search_appears_with_many_servers(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """More than a few servers bring a search box that filters the list."""
    servers = [
        {"url": f"http://127.0.0.1:{sandbox.dead_port}/s{i}", "name": f"Box {i}"} for i in range(5)
    ]
    servers.append({"url": sandbox.open_url, "name": "The open one"})
    seed_servers(context, servers, sandbox.open_url)
    open_app(page, sandbox, "/settings/servers")
    search = page.get_by_role("searchbox", name="Search servers")
    search.fill("open")
    expect(page.get_by_role("list", name="Servers").get_by_role("listitem")).to_have_count(1)
    expect(server_row(page, "The open one")).to_be_visible()
    # Unreachable rows are marked unhealthy and cannot be chosen.
    search.fill("box 3")
    row = server_row(page, "Box 3")
    expect(row.get_by_role("img", name="unhealthy", exact=True)).to_be_visible()
    expect(row).to_contain_text("Unreachable")


def test_wrong_password_on_edit_keeps_the_working_one(page: Page, sandbox: Sandbox) -> None:
    """A mistyped password on Edit is refused by the server and the stored one stays."""
    open_app(page, sandbox)
    add_server(page, sandbox.locked_url, name="Locked sandbox", password=PASSWORD)
    row = server_row(page, "Locked sandbox")
    expect(row.get_by_role("img", name="healthy", exact=True)).to_be_visible()
    row.get_by_role("button", name="Edit").click()
    page.get_by_label("Password", exact=True).fill("a typo")
    page.get_by_role("button", name="Save").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Wrong username or password")
    expect(alert).to_contain_text("The password stored before is kept.")
    page.get_by_role("button", name="Cancel").click()
    # The stored password still works: a reload checks the server with it.
    page.reload()
    row = server_row(page, "Locked sandbox")
    expect(row.get_by_role("img", name="healthy", exact=True)).to_be_visible()
    expect(row).to_contain_text("password stored")


def test_changing_only_the_username_asks_for_the_password(page: Page, sandbox: Sandbox) -> None:
    """A new username with the old stored password is not saved silently: the form asks."""
    open_app(page, sandbox)
    add_server(page, sandbox.locked_url, name="Locked sandbox", password=PASSWORD)
    server_row(page, "Locked sandbox").get_by_role("button", name="Edit").click()
    page.get_by_label("Username", exact=True).fill("someone-else")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the password for the new username")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    expect(page).to_have_url(re.compile(r"/edit/"))
    page.get_by_label("Username", exact=True).fill("opencode")
    page.get_by_role("button", name="Save").click()
    expect(server_row(page, "Locked sandbox")).to_contain_text("password stored")
