"""The demo that ``make run`` shows: the scripted model's tour against the real OpenCode
server, with the demo's permission rule (``rm`` asks first) and its git project."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from tests.support.opencode import FakeModel
from tools.fake_model import GREETINGS, PLAIN_REPLY, TODOS, TOUR_REPLY
from tools.opencode_server import DEMO_HELLO, DEMO_PERMISSION, OpenCodeServer

pytestmark = pytest.mark.opencode


@pytest.fixture(scope="module")
def demo_server() -> Iterator[OpenCodeServer]:
    """OpenCode as ``make run`` starts it: the demo model, its rule, a git project."""
    model = FakeModel(demo=True)
    server = OpenCodeServer(model.url, permission=DEMO_PERMISSION)
    server.project.mkdir(parents=True)
    (server.project / "hello.py").write_text(DEMO_HELLO)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "demo"]):
        subprocess.run([*git, *args], cwd=server.project, check=True, capture_output=True)
    try:
        yield server.start()
    finally:
        server.cleanup()
        model.stop()


@pytest.fixture
async def api(demo_server: OpenCodeServer) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=demo_server.url) as session:
        yield session


async def _get(api: aiohttp.ClientSession, path: str) -> Any:
    async with api.get(path) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def _prompt(api: aiohttp.ClientSession, text: str) -> str:
    async with api.post("/session", json={}) as response:
        session_id = str((await response.json())["id"])
    body = {"parts": [{"type": "text", "text": text}]}
    async with api.post(f"/session/{session_id}/prompt_async", json=body) as response:
        assert response.status in (200, 204), await response.text()
    return session_id


async def _wait_idle(api: aiohttp.ClientSession, session_id: str, approve: bool) -> list[str]:
    """Wait for the reply to end, answering permission requests; the commands asked."""
    asked: list[str] = []
    for _ in range(300):
        await asyncio.sleep(0.2)
        for request in await _get(api, "/permission"):
            asked.extend(request["patterns"])
            reply = {"reply": "once" if approve else "reject"}
            async with api.post(f"/permission/{request['id']}/reply", json=reply):
                pass
        if session_id in await _get(api, "/session/status"):
            continue
        last = (await _get(api, f"/session/{session_id}/message"))[-1]["info"]
        finished = last["role"] == "assistant" and last["time"].get("completed")
        if finished and (last.get("finish") != "tool-calls" or last.get("error")):
            return asked
    raise AssertionError("the reply did not finish in time")


def _tools(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (part["tool"], part["state"]["status"])
        for message in messages
        for part in message["parts"]
        if part["type"] == "tool"
    ]


async def test_the_tour_plans_explores_runs_asks_edits_and_answers(
    api: aiohttp.ClientSession, demo_server: OpenCodeServer
) -> None:
    """A task prompt gets the whole tour, and the edit really lands on disk."""
    before = (demo_server.project / "hello.py").read_text()
    session_id = await _prompt(api, "Please improve the greeting in hello.py")
    asked = await _wait_idle(api, session_id, approve=True)
    assert asked == ["rm -rf __pycache__"]
    messages = await _get(api, f"/session/{session_id}/message")
    assert _tools(messages) == [
        ("todowrite", "completed"),
        ("glob", "completed"),
        ("grep", "completed"),
        ("read", "completed"),
        ("bash", "completed"),
        ("todowrite", "completed"),
        ("bash", "completed"),
        ("edit", "completed"),
        ("todowrite", "completed"),
    ]
    text = [p["text"] for m in messages for p in m["parts"] if p["type"] == "text"]
    assert text[-1] == TOUR_REPLY
    after = (demo_server.project / "hello.py").read_text()
    assert after == before.replace(GREETINGS[0], GREETINGS[1])
    todos = await _get(api, f"/session/{session_id}/todo")
    assert [(t["content"], t["status"]) for t in todos] == [(c, "completed") for c in TODOS]

    # A second tour flips the greeting back, so the demo can be run again and again.
    second = await _prompt(api, "Please improve the greeting in hello.py")
    await _wait_idle(api, second, approve=True)
    assert (demo_server.project / "hello.py").read_text() == before


async def test_plain_chat_gets_a_plain_answer(api: aiohttp.ClientSession) -> None:
    """A greeting calls no tool and gets the demo's introduction."""
    session_id = await _prompt(api, "Hello there!")
    await _wait_idle(api, session_id, approve=False)
    messages = await _get(api, f"/session/{session_id}/message")
    assert _tools(messages) == []
    assert [p["text"] for m in messages for p in m["parts"] if p["type"] == "text"][
        -1
    ] == PLAIN_REPLY
