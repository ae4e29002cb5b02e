"""Server-sent events pass through unbuffered and end when either side ends."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from opencode_proxy.app import proxy_of
from tests.conftest import ProxyClient
from tests.support.fake_upstream import Seen


async def next_event(response: aiohttp.ClientResponse, timeout: float = 3.0) -> dict[str, str]:
    """Read lines until one event's data arrives."""
    async with asyncio.timeout(timeout):
        while True:
            line = await response.content.readline()
            if not line:
                raise EOFError("stream ended")
            if line.startswith(b"data: "):
                return json.loads(line[6:])  # type: ignore[no-any-return]


class TestEventStream:
    async def test_each_event_arrives_before_the_next_is_sent(
        self, client: ProxyClient, seen: Seen
    ) -> None:
        """The upstream sends an event only after the previous one reached the browser."""
        async with client.request(
            "GET", "/events", headers={"Accept-Encoding": "gzip"}
        ) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "text/event-stream"
            assert response.headers["Cache-Control"] == "no-cache"
            assert response.headers["X-Accel-Buffering"] == "no"
            assert "Content-Encoding" not in response.headers
            for word in ("one", "two", "three", "four", "five"):
                await seen.sse_gate.put(word)
                assert await next_event(response) == {"word": word}
            await seen.sse_gate.put("end")
            assert (await response.content.read()).strip() == b""

    async def test_browser_leaving_releases_upstream(
        self, client: ProxyClient, seen: Seen, proxy: TestServer
    ) -> None:
        """When the browser goes away, the upstream request is cancelled at once."""
        response = await client.request("GET", "/events").__aenter__()
        await seen.sse_gate.put("hello")
        assert await next_event(response) == {"word": "hello"}
        assert len(proxy_of(proxy.app).streams) == 1
        response.close()
        await asyncio.wait_for(seen.sse_closed.wait(), 3)
        for _ in range(50):
            if len(proxy_of(proxy.app).streams) == 0:
                break
            await asyncio.sleep(0.02)
        assert len(proxy_of(proxy.app).streams) == 0

    async def test_upstream_death_ends_browser_stream(
        self, client: ProxyClient, seen: Seen
    ) -> None:
        """When the upstream dies, the browser's stream ends too (EventSource then reconnects)."""
        async with client.request("GET", "/events") as response:
            await seen.sse_gate.put("last")
            assert await next_event(response) == {"word": "last"}
            await seen.sse_gate.put("die")
            with pytest.raises((EOFError, aiohttp.ClientPayloadError)):
                await next_event(response)

    async def test_shutdown_ends_streams_cleanly(
        self, client: ProxyClient, seen: Seen, proxy: TestServer
    ) -> None:
        """Shutting down ends every open event stream with a clean end of body."""
        async with client.request("GET", "/events") as response:
            await seen.sse_gate.put("before")
            assert await next_event(response) == {"word": "before"}
            await proxy_of(proxy.app).streams.shutdown()
            async with asyncio.timeout(3):
                assert (await response.content.read()).strip() == b""
