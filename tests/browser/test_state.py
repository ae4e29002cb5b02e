"""The user's servers and choices kept by the proxy (``api/state``), in real browsers:
a second browser of the same user (the ingress's ``kubeflow-userid``) sees the list and
the chosen model, another user sees none of it; a list kept in localStorage the old way is
handed to the proxy on first load, once; other tabs follow a change; when the proxy cannot
give the list, the browser's copy is shown and saving says it failed; a proxy that keeps
the list in memory says so, and gets this browser's copy back after it restarts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, expect

from tests.browser.conftest import (
    UI_DIR,
    PageWatch,
    Sandbox,
    add_server,
    fresh_user,
    open_app,
    screenshot,
    seed_servers,
    server_row,
    user_state,
    wait_until,
)
from tests.browser.test_chat import CHAT, new_session
from tests.browser.test_pickers import agent_button, model_button, model_dialog
from tests.conftest import ProxyProcess

pytestmark = pytest.mark.browser

LEGACY_CHOICE_KEY = "opencode-proxy.model-choice.v1"
SYNC_KEY = "opencode-proxy.state.v1"
STATE_ROUTE = "**/api/state**"


@contextmanager
def browser_for(
    browser: Browser, base: str, headers: dict[str, str], width: int = 1200
) -> Iterator[tuple[BrowserContext, Page]]:
    """A browser of its own (fresh storage and cookies) for the user in ``headers``; fails
    on page errors and CSP violations."""
    context = browser.new_context(
        base_url=base,
        color_scheme="light",
        viewport={"width": width, "height": 800},
        extra_http_headers=headers,
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        watch = PageWatch(base)
        watch.attach(page)
        yield context, page
        assert watch.problems == []
    finally:
        context.close()


def sync_problem(page: Page) -> Locator:
    """The notice that the list is this browser's copy, or that a change was not kept."""
    return page.get_by_role("alert").filter(has_text="Could not")


def test_a_second_browser_of_the_same_user_sees_the_list_and_the_model(
    browser: Browser, sandbox: Sandbox
) -> None:
    """Servers added, the default set and a model chosen in one browser are what a second
    browser of the same user shows; a third browser, another user's, shows none of it."""
    alice = fresh_user()
    with browser_for(browser, sandbox.base, alice) as (_, page):
        open_app(page, sandbox)
        add_server(page, sandbox.open_url, name="Open sandbox")
        expect(server_row(page, "Open sandbox")).to_be_visible()
        add_server(page, sandbox.chat_url, name=CHAT)
        server_row(page, CHAT).get_by_role("button", name="Set as default").click()
        expect(server_row(page, CHAT)).to_contain_text("Default")
        page.goto(sandbox.base + "#/")
        expect(page.get_by_role("heading", name=f"Connected to {CHAT}")).to_be_visible()
        new_session(page)
        model_button(page).click()
        search = model_dialog(page).get_by_role("combobox", name="Search models")
        expect(search).to_be_focused()
        page.keyboard.type("two")
        expect(model_dialog(page).get_by_role("option")).to_have_count(1)
        page.keyboard.press("Enter")
        expect(model_dialog(page)).to_be_hidden()
        expect(model_button(page)).to_have_accessible_name("Model: Fake model two")
        wait_until(
            page,
            lambda: (
                user_state(page)["preferences"].get(sandbox.chat_url)
                == {"model": "fake/fake-model-2"}
            ),
        )
        state = user_state(page)
        assert state["user"] == alice["kubeflow-userid"]
        assert state["servers"] == [
            {"url": sandbox.open_url, "name": "Open sandbox"},
            {"url": sandbox.chat_url, "name": CHAT},
        ]
        assert state["default_url"] == sandbox.chat_url

    with browser_for(browser, sandbox.base, alice) as (_, page):
        open_app(page, sandbox)
        # The default of the other browser is the server in use here.
        expect(page.get_by_role("heading", name=f"Connected to {CHAT}")).to_be_visible()
        new_session(page)
        expect(model_button(page)).to_have_accessible_name("Model: Fake model two")
        page.goto(sandbox.base + "#/settings/servers")
        expect(server_row(page, "Open sandbox")).to_be_visible()
        expect(server_row(page, CHAT)).to_contain_text("Default")
        expect(
            page.get_by_text(f"Saved by the notebook for {alice['kubeflow-userid']}")
        ).to_be_visible()

    with browser_for(browser, sandbox.base, fresh_user()) as (_, page):
        open_app(page, sandbox)
        expect(page.get_by_role("heading", name="No servers yet")).to_be_visible()
        expect(server_row(page, "Open sandbox")).to_have_count(0)
        state = user_state(page)
        assert state["servers"] == []
        assert state["default_url"] is None
        assert state["preferences"] == {}


def seed_legacy_choice(context: BrowserContext, choices: dict[str, object]) -> None:
    """Put model choices into localStorage the way the app kept them before (once per tab)."""
    data = json.dumps({"version": 1, "servers": choices})
    context.add_init_script(
        "try { if (!sessionStorage.getItem('seeded-choice')) {"
        f" localStorage.setItem({json.dumps(LEGACY_CHOICE_KEY)}, {json.dumps(data)});"
        " sessionStorage.setItem('seeded-choice', '1'); } } catch (e) {}"
    )


def test_a_list_kept_the_old_way_is_handed_to_the_proxy_on_first_load(
    browser: Browser, sandbox: Sandbox
) -> None:
    """A browser's old localStorage list (and its model choices) ends up on the proxy on
    first load, where another browser finds it; handed over once: a server removed
    elsewhere does not come back from the old browser's copy."""
    bob = fresh_user()
    with browser_for(browser, sandbox.base, bob) as (old_context, old_page):
        seed_servers(
            old_context,
            [
                {"url": sandbox.open_url, "name": "Old open"},
                {"url": sandbox.chat_url, "name": "Old chat", "username": "opencode"},
            ],
            sandbox.chat_url,
        )
        seed_legacy_choice(old_context, {sandbox.chat_url: {"agent": "plan"}})
        open_app(old_page, sandbox)
        expect(old_page.get_by_role("heading", name="Connected to Old chat")).to_be_visible()
        new_session(old_page)
        expect(agent_button(old_page)).to_have_accessible_name("Agent: plan")
        state = user_state(old_page)
        assert state["servers"] == [
            {"url": sandbox.open_url, "name": "Old open"},
            {"url": sandbox.chat_url, "name": "Old chat", "username": "opencode"},
        ]
        assert state["default_url"] == sandbox.chat_url
        assert state["preferences"] == {sandbox.chat_url: {"agent": "plan"}}
        # The old choices are gone from the browser; the copy is marked as the proxy's.
        assert old_page.evaluate(f"localStorage.getItem({LEGACY_CHOICE_KEY!r})") is None
        marker = json.loads(old_page.evaluate(f"localStorage.getItem({SYNC_KEY!r})"))
        assert marker["user"] == bob["kubeflow-userid"]
        assert marker["revision"] == state["revision"]

        with browser_for(browser, sandbox.base, bob) as (_, page):
            open_app(page, sandbox, "/settings/servers")
            expect(server_row(page, "Old chat")).to_contain_text("Default")
            server_row(page, "Old open").get_by_role("button", name="Remove").click()
            page.get_by_role("dialog").get_by_role("button", name="Remove").click()
            expect(server_row(page, "Old open")).to_have_count(0)

        old_page.goto(sandbox.base + "#/settings/servers")
        old_page.reload()
        expect(server_row(old_page, "Old chat")).to_be_visible()
        expect(server_row(old_page, "Old open")).to_have_count(0)
        assert [server["url"] for server in user_state(old_page)["servers"]] == [sandbox.chat_url]


def test_servers_the_proxy_refuses_on_hand_over_are_named_not_dropped_silently(
    browser: Browser, sandbox: Sandbox
) -> None:
    """A server kept the old way that the notebook's policy now refuses is not added, and
    the servers page says which one and why, instead of it simply vanishing."""
    refused = "http://elsewhere.example.com:4096"
    with browser_for(browser, sandbox.base, fresh_user()) as (context, page):
        seed_servers(
            context,
            [{"url": refused, "name": "Refused"}, {"url": sandbox.chat_url, "name": "Kept"}],
            None,
        )
        open_app(page, sandbox, "/settings/servers")
        notice = page.get_by_role("alert").filter(has_text="was not added")
        expect(notice).to_contain_text(refused)
        expect(notice).to_contain_text("not allowed by this notebook's policy")
        expect(server_row(page, "Kept")).to_be_visible()
        assert [server["url"] for server in user_state(page)["servers"]] == [sandbox.chat_url]
        screenshot(page, "state-refused-on-import")


def test_other_tabs_follow_a_change(context: BrowserContext, page: Page, sandbox: Sandbox) -> None:
    """A server added in one tab appears in the other, and a default set there shows here,
    without a reload."""
    open_app(page, sandbox, "/settings/servers")
    other = context.new_page()
    PageWatch(sandbox.base).attach(other)
    other.goto(sandbox.base + "#/settings/servers")
    expect(other.get_by_role("heading", name="No servers yet")).to_be_visible()

    add_server(page, sandbox.open_url, name="First")
    expect(server_row(other, "First")).to_contain_text("Default")
    add_server(page, sandbox.chat_url, name="Second")
    expect(server_row(other, "Second")).to_be_visible()
    server_row(other, "Second").get_by_role("button", name="Set as default").click()
    expect(server_row(other, "Second")).to_contain_text("Default")
    expect(server_row(page, "Second")).to_contain_text("Default")
    expect(server_row(page, "First").get_by_role("button", name="Set as default")).to_be_visible()
    assert user_state(page)["default_url"] == sandbox.chat_url


def refuse(route: Route) -> None:
    """What the proxy answers when its database cannot be used."""
    route.fulfill(
        status=503,
        headers={"Content-Type": "application/json", "X-Proxy-Error": "state_unavailable"},
        body=json.dumps(
            {
                "error": "state_unavailable",
                "message": "The proxy's database could not be used just now, so nothing was "
                "kept: retry.",
            }
        ),
    )


def test_when_the_proxy_cannot_give_the_list_the_copy_is_shown_and_saving_says_so(
    context: BrowserContext, page: Page, sandbox: Sandbox
) -> None:
    """With api/state answering 503 or not at all, a reload still shows this browser's
    copy and says so; a change is refused plainly and the list stays as it was; once the
    proxy answers, "Try again" brings the proxy's list back."""
    open_app(page, sandbox, "/settings/servers")
    add_server(page, sandbox.open_url, name="First")
    expect(server_row(page, "First")).to_contain_text("Default")
    add_server(page, sandbox.chat_url, name="Second")
    expect(server_row(page, "Second")).to_be_visible()
    expect(sync_problem(page)).to_have_count(0)

    page.route(STATE_ROUTE, refuse)
    page.reload()
    expect(server_row(page, "First")).to_contain_text("Default")
    expect(server_row(page, "Second")).to_be_visible()
    notice = sync_problem(page)
    expect(notice).to_contain_text("Could not load your servers")
    expect(notice).to_contain_text("copy kept in this browser")
    expect(notice).to_contain_text("database could not be used")

    server_row(page, "Second").get_by_role("button", name="Set as default").click()
    expect(notice).to_contain_text(
        "Could not save the change, and this list is the copy kept in this browser."
    )
    expect(notice.get_by_role("button", name="Try again")).to_be_visible()
    expect(server_row(page, "First")).to_contain_text("Default")
    expect(server_row(page, "Second").get_by_role("button", name="Set as default")).to_be_visible()
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 860})
        screenshot(page, f"state-could-not-save-{width}")
    page.set_viewport_size({"width": 1200, "height": 760})

    # Not answering at all: the copy again, and why.
    page.unroute(STATE_ROUTE)
    page.route(STATE_ROUTE, lambda route: route.abort("connectionrefused"))
    page.reload()
    expect(server_row(page, "Second")).to_be_visible()
    expect(sync_problem(page)).to_contain_text("did not answer")

    page.unroute(STATE_ROUTE)
    sync_problem(page).get_by_role("button", name="Try again").click()
    expect(sync_problem(page)).to_have_count(0)
    server_row(page, "Second").get_by_role("button", name="Set as default").click()
    expect(server_row(page, "Second")).to_contain_text("Default")
    assert user_state(page)["default_url"] == sandbox.chat_url


def test_a_proxy_that_keeps_the_list_in_memory_says_so_and_gets_it_back(
    browser: Browser, sandbox: Sandbox
) -> None:
    """With ``--state-dir ''`` the Servers view says the list lasts until a restart; while
    the proxy is down a removal is refused and the list stays; after the restart (its
    memory empty) this browser hands its copy back."""
    proxy = ProxyProcess(
        "--allow",
        f"127.0.0.1:{sandbox.open_server.port}",
        "--ui-dir",
        str(UI_DIR),
        "--state-dir",
        "",
        "--log-level",
        "warning",
    ).start()
    try:
        base = proxy.base + "/"
        with browser_for(browser, base, fresh_user()) as (_, page):
            page.goto(base + "#/settings/servers")
            add_server(page, sandbox.open_url, name="In memory")
            expect(server_row(page, "In memory")).to_contain_text("Default")
            expect(page.get_by_text("only until its service restarts")).to_be_visible()
            screenshot(page, "state-in-memory")

            proxy.stop()
            server_row(page, "In memory").get_by_role("button", name="Remove").click()
            page.get_by_role("dialog").get_by_role("button", name="Remove").click()
            expect(sync_problem(page)).to_contain_text("Could not save the change.")
            expect(sync_problem(page)).to_contain_text("did not answer")
            # The list shown is still the proxy's: nothing to fetch again.
            expect(sync_problem(page).get_by_role("button", name="Try again")).to_have_count(0)
            expect(server_row(page, "In memory")).to_be_visible()

            proxy.start()
            page.reload()
            expect(server_row(page, "In memory")).to_contain_text("Default")
            expect(sync_problem(page)).to_have_count(0)
            state = user_state(page)
            assert state["servers"] == [{"url": sandbox.open_url, "name": "In memory"}]
            assert state["persistent"] is False
    finally:
        proxy.stop()
