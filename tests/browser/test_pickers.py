"""The prompt bar's model and agent pickers against the real OpenCode server and the
scripted model, through the proxy under a prefix: the default model is named, searching and
choosing a model sends the next prompt to it, thinking-effort variants (chosen and cycled
by keyboard) reach the model as ``reasoning_effort``, the agent picker and its shortcuts
switch agents, providers without credentials are shown but never choosable, the choice is
remembered per server (and forgotten when the server no longer has it), and all of it fits
a phone's screen. Assertions are on what the model received and what the server recorded."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import (
    Sandbox,
    open_app,
    screenshot,
    seed_servers,
    user_state,
    wait_until,
)
from tests.browser.test_chat import (
    badge,
    last_reply,
    new_session,
    open_chat,
    send,
    server_json,
)
from tests.support.opencode import FakeModel
from tools.fake_model import REPLY
from tools.opencode_server import OpenCodeServer

pytestmark = pytest.mark.browser


def model_button(page: Page) -> Locator:
    return page.get_by_role("button", name=re.compile(r"^Model: "))


def variant_button(page: Page) -> Locator:
    return page.get_by_role("button", name=re.compile(r"^Thinking effort: "))


def agent_button(page: Page) -> Locator:
    return page.get_by_role("button", name=re.compile(r"^Agent: "))


def model_dialog(page: Page) -> Locator:
    return page.get_by_role("dialog", name="Choose a model")


def marker() -> str:
    """A word no other prompt has, to find this prompt's requests."""
    return f"pick-{uuid.uuid4().hex[:10]}"


def turn_requests(fake_model: FakeModel, word: str) -> list[dict[str, Any]]:
    """The agent's requests (with tools, not the title's) for the prompt holding ``word``."""
    found = []
    for request in fake_model.requests():
        users = [m for m in request.get("messages", []) if m.get("role") == "user"]
        if request.get("tools") and users and word in json.dumps(users[-1]):
            found.append(request)
    return found


def send_and_wait(page: Page, fake_model: FakeModel, text: str) -> dict[str, Any]:
    """Send a prompt, wait for the reply; the model's request for it."""
    word = marker()
    send(page, f"{text} {word}")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    expect(badge(page)).to_have_attribute("aria-label", "Session idle")
    wait_until(page, lambda: bool(turn_requests(fake_model, word)))
    return turn_requests(fake_model, word)[-1]


def last_user(sandbox: Sandbox, session_id: str) -> dict[str, Any]:
    """The info of the session's newest user message, as the server stored it."""
    messages = server_json(sandbox.chat_server.url, f"/session/{session_id}/message")
    users = [m["info"] for m in messages if m["info"]["role"] == "user"]
    return users[-1]


def stored_choice(page: Page) -> dict[str, Any]:
    """The remembered choices, as the proxy keeps them for the page's user: server URL →
    choice."""
    preferences: dict[str, Any] = user_state(page)["preferences"]
    return preferences


def test_default_is_named_and_a_searched_model_gets_the_next_prompt(
    context: BrowserContext, page: Page, sandbox: Sandbox, fake_model: FakeModel
) -> None:
    """The button names the model the server will use; searching and choosing "Fake model
    two" by keyboard sends the next prompt to it; the choice survives a reload."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    expect(model_button(page)).to_have_accessible_name("Model: Fake model (default)")
    expect(model_button(page)).to_contain_text("Fake model")
    expect(page.locator(".prompt-bar")).not_to_contain_text("Default model")
    first = send_and_wait(page, fake_model, "First prompt")
    assert first["model"] == "fake-model"
    assert "reasoning_effort" not in first
    assert last_user(sandbox, session_id)["model"] == {
        "providerID": "fake",
        "modelID": "fake-model",
    }

    model_button(page).click()
    dialog = model_dialog(page)
    expect(dialog).to_be_visible()
    search = dialog.get_by_role("combobox", name="Search models")
    expect(search).to_be_focused()
    listbox = dialog.get_by_role("listbox", name="Models")
    expect(listbox.get_by_role("group", name="Fake")).to_be_visible()
    default = listbox.get_by_role("option", name="Fake model (default)", exact=True)
    expect(default).to_have_attribute("aria-selected", "true")
    expect(listbox.get_by_role("option", name="Fake model two", exact=True)).to_be_visible()
    screenshot(page, "pickers-model-open")
    page.keyboard.type("two")
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(search).to_have_attribute("aria-activedescendant", re.compile("fake%2Ffake-model-2$"))
    screenshot(page, "pickers-model-search")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(model_button(page)).to_have_accessible_name("Model: Fake model two")
    expect(page.get_by_label("Prompt")).to_be_focused()
    # Fake model two has no variants: the effort control goes away with it.
    expect(variant_button(page)).to_have_count(0)

    second = send_and_wait(page, fake_model, "Second prompt")
    assert second["model"] == "fake-model-2"
    assert last_user(sandbox, session_id)["model"]["modelID"] == "fake-model-2"
    wait_until(
        page,
        lambda: (
            [choice.get("model") for choice in stored_choice(page).values()]
            == ["fake/fake-model-2"]
        ),
    )

    page.reload()
    expect(model_button(page)).to_have_accessible_name("Model: Fake model two")
    # Choosing the default again goes back to following the server.
    page.get_by_label("Prompt").press("Control+'")
    expect(model_dialog(page)).to_be_visible()
    page.keyboard.type("fake model")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(model_button(page)).to_have_accessible_name("Model: Fake model (default)")
    wait_until(page, lambda: stored_choice(page) == {})
    third = send_and_wait(page, fake_model, "Third prompt")
    # Named explicitly, so the session's last model (two) is not reused.
    assert third["model"] == "fake-model"


def test_keys_typed_right_after_the_shortcut_go_to_the_search(
    context: BrowserContext, page: Page, sandbox: Sandbox, fake_model: FakeModel
) -> None:
    """The shortcut opens the picker with its search focused before the next key is
    handled (the browser's "toggle" event comes a task later): what a fast typist types
    searches, and the model found gets the prompt, none of it lands in the prompt box."""
    open_chat(context, page, sandbox)
    new_session(page)
    expect(model_button(page)).to_have_accessible_name("Model: Fake model (default)")
    focused = page.get_by_label("Prompt", exact=True).evaluate(
        """(box) => {
            box.focus();
            const init = { key: "'", code: "Quote", ctrlKey: true, bubbles: true };
            box.dispatchEvent(new KeyboardEvent("keydown", { ...init, cancelable: true }));
            const search = document.querySelector('[role="dialog"][aria-label="Choose a model"] input');
            return search !== null && document.activeElement === search;
        }"""
    )
    assert focused, "the search was not focused when the shortcut's keydown was handled"
    page.keyboard.type("two")
    page.keyboard.press("Enter")
    expect(model_button(page)).to_have_accessible_name("Model: Fake model two")
    expect(page.get_by_label("Prompt")).to_have_value("")
    request = send_and_wait(page, fake_model, "After a fast pick")
    assert request["model"] == "fake-model-2"


def test_variant_choice_and_keyboard_cycle_reach_the_model(
    context: BrowserContext, page: Page, sandbox: Sandbox, fake_model: FakeModel
) -> None:
    """The thinking-effort menu's "high" reaches the model as reasoning_effort, and
    Ctrl+Shift+D cycles high → default → low, which reaches it too."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    button = variant_button(page)
    expect(button).to_have_accessible_name("Thinking effort: default")
    expect(button).to_have_attribute("title", re.compile(r"Ctrl\+Shift\+D"))
    button.click()
    menu = page.get_by_role("menu", name="Thinking effort")
    expect(menu).to_be_visible()
    items = menu.get_by_role("menuitemradio")
    expect(items).to_have_text([re.compile("^default"), "low", "high"])
    expect(items.first).to_have_attribute("aria-checked", "true")
    expect(items.first).to_be_focused()
    screenshot(page, "pickers-variant-menu")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitemradio", name="high")).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_be_hidden()
    expect(button).to_have_accessible_name("Thinking effort: high")

    high = send_and_wait(page, fake_model, "Think hard")
    assert high["model"] == "fake-model"
    assert high["reasoning_effort"] == "high"
    assert last_user(sandbox, session_id)["model"] == {
        "providerID": "fake",
        "modelID": "fake-model",
        "variant": "high",
    }

    prompt = page.get_by_label("Prompt")
    prompt.press("Control+Shift+D")
    expect(button).to_have_accessible_name("Thinking effort: default")
    plain = send_and_wait(page, fake_model, "Think as usual")
    assert "reasoning_effort" not in plain
    assert "variant" not in last_user(sandbox, session_id)["model"]
    prompt.press("Control+Shift+D")
    expect(button).to_have_accessible_name("Thinking effort: low")
    expect(page.get_by_role("status").filter(has_text="Thinking effort: low")).to_have_count(1)
    low = send_and_wait(page, fake_model, "Think a little")
    assert low["reasoning_effort"] == "low"
    assert last_user(sandbox, session_id)["model"]["variant"] == "low"
    # Remembered per server.
    wait_until(page, lambda: list(stored_choice(page).values()) == [{"variant": "low"}])


def test_agent_picker_and_shortcuts_switch_to_plan(
    context: BrowserContext, page: Page, sandbox: Sandbox, fake_model: FakeModel
) -> None:
    """The agent picker lists the primary agents with their descriptions; choosing "plan"
    by keyboard makes the server run the prompt as plan; Ctrl+. and Tab in an empty prompt
    cycle the agents."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    button = agent_button(page)
    expect(button).to_have_accessible_name("Agent: build")
    button.click()
    menu = page.get_by_role("menu", name="Agents")
    expect(menu).to_be_visible()
    items = menu.get_by_role("menuitemradio")
    # Primary agents only: no sub-agents (explore, general), no hidden ones (title, ...).
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_have_accessible_name("build (default)")
    expect(items.nth(1)).to_have_accessible_name("plan")
    expect(items.nth(1)).to_contain_text("Plan mode")
    expect(items.nth(0)).to_be_focused()
    screenshot(page, "pickers-agent-menu")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(menu).to_be_hidden()
    expect(button).to_have_accessible_name("Agent: plan")
    expect(page.get_by_label("Prompt")).to_be_focused()

    send_and_wait(page, fake_model, "Plan it")
    assert last_user(sandbox, session_id)["agent"] == "plan"
    messages = server_json(sandbox.chat_server.url, f"/session/{session_id}/message")
    assert messages[-1]["info"]["role"] == "assistant"
    assert messages[-1]["info"]["agent"] == "plan"

    prompt = page.get_by_label("Prompt")
    prompt.press("Control+.")
    expect(button).to_have_accessible_name("Agent: build")
    expect(page.get_by_role("status").filter(has_text="Agent: build")).to_have_count(1)
    prompt.press("Control+Shift+.")
    expect(button).to_have_accessible_name("Agent: plan")
    prompt.press("Control+Shift+.")
    expect(button).to_have_accessible_name("Agent: build")
    # Tab in an empty prompt, as upstream (the prompt box calls cycleAgent).
    prompt.press("Tab")
    expect(button).to_have_accessible_name("Agent: plan")
    send_and_wait(page, fake_model, "Plan again")
    assert last_user(sandbox, session_id)["agent"] == "plan"
    prompt.press("Shift+Tab")
    expect(button).to_have_accessible_name("Agent: build")
    send_and_wait(page, fake_model, "Build now")
    assert last_user(sandbox, session_id)["agent"] == "build"


def test_a_remembered_choice_the_server_no_longer_has_is_dropped(
    context: BrowserContext, page: Page, sandbox: Sandbox, fake_model: FakeModel
) -> None:
    """A stored model, agent or variant the server does not offer (any more) is forgotten:
    the pickers show the server's defaults and the prompt goes to them."""
    open_chat(context, page, sandbox)
    session_id = new_session(page)
    agent_button(page).click()
    page.get_by_role("menu", name="Agents").get_by_role("menuitemradio", name="plan").click()
    wait_until(page, lambda: list(stored_choice(page).values()) == [{"agent": "plan"}])
    server = next(iter(stored_choice(page)))
    # Another browser chose what this server does not offer.
    stale = {"model": "fake/retired-model", "agent": "retired-agent", "variant": "extreme"}
    status = page.evaluate(
        """([url, set]) => fetch('api/state/preferences', {
            method: 'PATCH',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({url, set}),
        }).then((response) => response.status)""",
        [server, stale],
    )
    assert status == 200
    page.reload()
    expect(model_button(page)).to_have_accessible_name("Model: Fake model (default)")
    expect(agent_button(page)).to_have_accessible_name("Agent: build")
    expect(variant_button(page)).to_have_accessible_name("Thinking effort: default")
    wait_until(page, lambda: stored_choice(page) == {})
    request = send_and_wait(page, fake_model, "After the cleanup")
    assert request["model"] == "fake-model"
    assert "reasoning_effort" not in request
    assert last_user(sandbox, session_id)["agent"] == "build"


@pytest.fixture
def catalogue_server(sandbox: Sandbox, fake_model: FakeModel) -> Iterator[OpenCodeServer]:
    """A server on the spare port that lists OpenCode's whole provider catalogue (offline,
    so none but the fake provider and OpenCode Zen's free tier count as connected)."""
    server = OpenCodeServer(fake_model.url, port=sandbox.spare_port, all_providers=True)
    server.start()
    try:
        yield server
    finally:
        server.cleanup()


def test_providers_without_credentials_are_shown_but_not_choosable(
    context: BrowserContext,
    page: Page,
    sandbox: Sandbox,
    fake_model: FakeModel,
    catalogue_server: OpenCodeServer,
) -> None:
    """On a server with the whole catalogue, providers without credentials come last
    under "Not connected", with what would connect them, as disabled options that neither
    a click nor Enter can choose; the prompt still goes to the default."""
    catalogue = server_json(catalogue_server.url, "/provider")
    assert "anthropic" not in catalogue["connected"]
    seed_servers(context, [{"url": sandbox.spare_url, "name": "Catalogue"}], None)
    open_app(page, sandbox)
    expect(page.get_by_role("heading", name="Connected to Catalogue")).to_be_visible()
    new_session(page)
    expect(model_button(page)).to_have_accessible_name("Model: Fake model (default)")
    model_button(page).click()
    dialog = model_dialog(page)
    listbox = dialog.get_by_role("listbox", name="Models")
    # Without a search, the unconnected providers are one folded line, not 8000 options.
    folded = dialog.locator("details.picker-offline")
    # The whole catalogue (about 8,000 models) takes a while to load on a busy machine.
    expect(folded.locator("summary")).to_contain_text(
        re.compile(r"Not connected · \d+ providers"), timeout=30_000
    )
    expect(listbox.locator("[aria-disabled=true]")).to_have_count(0)
    folded.locator("summary").click()
    anthropic = folded.get_by_role("listitem").filter(has_text="Anthropic")
    expect(anthropic.first).to_contain_text(re.compile(r"\d+ models · ANTHROPIC_API_KEY"))
    screenshot(page, "pickers-not-connected-folded")

    dialog.get_by_role("combobox", name="Search models").fill("claude sonnet 4.5")
    group = listbox.get_by_role("group", name="Anthropic (not connected)")
    expect(group).to_be_visible()
    expect(group).to_contain_text("No credentials on the server (ANTHROPIC_API_KEY)")
    expect(dialog).to_contain_text("No connected model matches “claude sonnet 4.5”")
    option = group.get_by_role("option").first
    expect(option).to_have_attribute("aria-disabled", "true")
    assert listbox.locator("[role=option]:not([aria-disabled=true])").count() == 0
    screenshot(page, "pickers-not-connected-search")
    expect(option).to_be_disabled()
    # Clicked anyway (past Playwright's own refusal), it stays unchosen.
    option.click(force=True)
    expect(dialog).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(model_button(page)).to_have_accessible_name("Model: Fake model (default)")
    expect(model_button(page)).to_be_focused()

    word = marker()
    send(page, f"Still the fake one {word}")
    expect(last_reply(page)).to_contain_text(REPLY, timeout=20_000)
    wait_until(page, lambda: bool(turn_requests(fake_model, word)))
    assert turn_requests(fake_model, word)[-1]["model"] == "fake-model"


def assert_on_screen(element: Locator, width: int = 390, height: int = 760) -> None:
    """The element lies wholly inside the phone's screen."""
    box = element.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["y"] >= 0
    assert box["x"] + box["width"] <= width
    assert box["y"] + box["height"] <= height


def test_pickers_fit_a_phone(
    context: BrowserContext, page: Page, sandbox: Sandbox, fake_model: FakeModel
) -> None:
    """At 390 px the bar wraps, the popovers stay on the screen, and the page does not
    scroll sideways; a choice made there still reaches the model."""
    open_chat(context, page, sandbox)
    new_session(page)
    page.set_viewport_size({"width": 390, "height": 760})
    for button in (agent_button(page), model_button(page), variant_button(page)):
        expect(button).to_be_visible()
        assert_on_screen(button)
    # Its keys' hints would wrap the box: a phone gets the words alone.
    expect(page.get_by_label("Prompt", exact=True)).to_have_attribute(
        "placeholder", "Ask anything…"
    )
    # One row: the model button drops its "(default)" hint there (its name keeps it).
    expect(model_button(page)).to_have_accessible_name("Model: Fake model (default)")
    bar = [agent_button(page), model_button(page), variant_button(page)]
    bar.append(page.get_by_role("button", name="Attach files", exact=True))
    bar.append(page.get_by_role("button", name="Send", exact=True))
    screenshot(page, "pickers-phone-bar")
    boxes = [box for b in bar if (box := b.bounding_box())]
    tops = {round(box["y"] + box["height"] / 2) for box in boxes}
    assert max(tops) - min(tops) <= 2, boxes
    model_button(page).click()
    dialog = model_dialog(page)
    expect(dialog).to_be_visible()
    assert_on_screen(dialog)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "pickers-phone-model")
    dialog.get_by_role("option", name="Fake model two", exact=True).click()
    expect(model_button(page)).to_have_accessible_name("Model: Fake model two")
    agent_button(page).click()
    menu = page.get_by_role("menu", name="Agents")
    assert_on_screen(menu)
    screenshot(page, "pickers-phone-agent")
    menu.get_by_role("menuitemradio", name="plan").click()
    expect(agent_button(page)).to_have_accessible_name("Agent: plan")
    request = send_and_wait(page, fake_model, "From the phone")
    assert request["model"] == "fake-model-2"
