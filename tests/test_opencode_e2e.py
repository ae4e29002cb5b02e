"""End to end with the real OpenCode server, all through /notebook/ns/nb/api/proxy/..."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.conftest import PREFIX
from tools.fake_model import REPLY
from tools.opencode_server import OpenCodeServer

pytestmark = pytest.mark.opencode


@pytest.fixture
async def oc_proxy(
    make_proxy: Callable[..., Awaitable[TestServer]], opencode: OpenCodeServer
) -> TestServer:
    """The proxy, allowed to reach the real OpenCode server."""
    return await make_proxy(allow=(f"127.0.0.1:{opencode.port}",))


@pytest.fixture
async def via(
    oc_proxy: TestServer, opencode: OpenCodeServer
) -> AsyncIterator[Callable[[str], str]]:
    """Build proxied URLs for paths on the real OpenCode server."""
    base = f"http://127.0.0.1:{oc_proxy.port}{PREFIX}/api/proxy"

    def url(path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"{base}{path}{separator}target={opencode.url}"

    return url


@pytest.fixture
async def browser(oc_proxy: TestServer) -> AsyncIterator[aiohttp.ClientSession]:
    """A client that, like a browser on the UI's page, sends its Origin and decodes gzip."""
    origin = f"http://127.0.0.1:{oc_proxy.port}"
    async with aiohttp.ClientSession(headers={"Origin": origin}) as client:
        yield client


async def read_events(response: aiohttp.ClientResponse) -> AsyncIterator[dict[str, Any]]:
    """Parse a text/event-stream body into its JSON events."""
    while True:
        line = await response.content.readline()
        if not line:
            return
        if line.startswith(b"data: "):
            yield json.loads(line[6:])


async def test_health(via: Callable[[str], str], browser: aiohttp.ClientSession) -> None:
    """The server's health and version come back through the proxy."""
    async with browser.get(via("/global/health")) as response:
        assert response.status == 200
        assert await response.json() == {"healthy": True, "version": "1.18.33"}


async def test_prompt_streams_deltas_over_proxied_events(
    via: Callable[[str], str], browser: aiohttp.ClientSession
) -> None:
    """A prompt's reply arrives as message.part.delta events on the proxied /event stream."""
    async with browser.post(via("/session"), json={}) as response:
        assert response.status == 200
        session_id = (await response.json())["id"]

    events = await browser.get(via("/event"))
    assert events.headers["Content-Type"].startswith("text/event-stream")
    stream = read_events(events)
    first = await asyncio.wait_for(stream.__anext__(), 10)
    assert first["type"] == "server.connected"

    prompt = {"parts": [{"type": "text", "text": "Say the sentence."}]}
    async with browser.post(via(f"/session/{session_id}/prompt_async"), json=prompt) as response:
        assert response.status in (200, 204)

    deltas: list[str] = []
    async with asyncio.timeout(60):
        async for event in stream:
            properties = event.get("properties", {})
            if properties.get("sessionID") != session_id:
                continue
            if event["type"] == "message.part.delta" and properties.get("field") == "text":
                deltas.append(properties["delta"])
            if event["type"] == "session.idle":
                break
    events.close()
    assert len(deltas) > 3, "the reply should arrive in many pieces"
    assert "".join(deltas) == REPLY

    async with browser.get(via(f"/session/{session_id}/message")) as response:
        messages = await response.json()
    texts = [p["text"] for m in messages for p in m["parts"] if p["type"] == "text"]
    assert REPLY in texts


async def test_terminal_over_proxied_websocket(
    via: Callable[[str], str], browser: aiohttp.ClientSession
) -> None:
    """A PTY runs a command over the proxied websocket and its output comes back."""
    async with browser.post(via("/pty"), json={}) as response:
        assert response.status == 200
        pty_id = (await response.json())["id"]
    try:
        async with browser.ws_connect(via(f"/pty/{pty_id}/connect") + "&cursor=0") as ws:
            await ws.send_str("echo proxied-$((6*7))\r")
            output = ""
            cursor_frame = False
            async with asyncio.timeout(15):
                while "proxied-42" not in output:
                    message = await ws.receive()
                    if message.type is aiohttp.WSMsgType.BINARY and message.data[:1] == b"\x00":
                        cursor_frame = "cursor" in json.loads(message.data[1:])
                    elif message.type is aiohttp.WSMsgType.TEXT:
                        output += message.data
                    else:
                        pytest.fail(f"unexpected frame {message.type}: {message.data!r}")
            assert cursor_frame
    finally:
        async with browser.delete(via(f"/pty/{pty_id}")) as response:
            assert response.status == 200
