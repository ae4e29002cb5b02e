"""Server-sent events pass through unbuffered and end when either side ends."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from opencode_proxy.app import proxy_of
from tests.conftest import PREFIX, ProxyClient
from tests.support.fake_upstream import Seen
from tests.support.raw_upstream import RawUpstream

Raw = Callable[..., Awaitable[RawUpstream]]
ProxyFor = Callable[..., Awaitable[ProxyClient]]


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


SSE_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
)


def _chunk(payload: bytes) -> bytes:
    return b"%x\r\n%b\r\n" % (len(payload), payload)


class TestEventBytes:
    """The bytes of an event stream, however a target frames and times them."""

    async def test_bytes_arrive_exactly_however_the_target_splits_them(
        self, raw: Raw, proxy_for: ProxyFor
    ) -> None:
        """Events split across TCP writes and HTTP chunks, or packed many to one, arrive as sent."""
        events = [b"event: e%d\ndata: %s\n\n" % (i, b"y" * (i * 37 % 500)) for i in range(60)]
        body = b"".join(events)

        async def script(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write(SSE_HEAD)
            pieces = [body[i : i + 97] for i in range(0, len(body), 97)]  # splits mid-line
            for index, piece in enumerate(pieces):
                framed = _chunk(piece)
                if index % 3 == 0:  # one HTTP chunk over three TCP writes
                    for part in (framed[:2], framed[2:9], framed[9:]):
                        writer.write(part)
                        await writer.drain()
                        await asyncio.sleep(0.002)
                else:
                    writer.write(framed)
            writer.write(b"0\r\n\r\n")
            await writer.drain()

        client = await proxy_for(await raw(script))
        async with client.request("GET", "/events") as response:
            assert response.status == 200
            assert await response.read() == body

    async def test_headers_reach_the_browser_before_the_first_event(
        self, raw: Raw, proxy_for: ProxyFor
    ) -> None:
        """The browser's EventSource opens as soon as the target answers, not at its first event."""
        release = asyncio.Event()

        async def script(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write(SSE_HEAD)
            await writer.drain()
            await release.wait()
            writer.write(_chunk(b"data: late\n\n") + b"0\r\n\r\n")
            await writer.drain()

        client = await proxy_for(await raw(script))
        async with asyncio.timeout(5):
            response = await client.request("GET", "/events").__aenter__()
        try:
            assert response.status == 200
            assert response.headers["Content-Type"] == "text/event-stream"
            release.set()
            assert await response.read() == b"data: late\n\n"
        finally:
            response.close()

    async def test_a_stream_cut_by_the_target_does_not_end_cleanly(
        self, raw: Raw, proxy_for: ProxyFor
    ) -> None:
        """A target that dies mid-stream leaves the browser a broken body, never a clean end."""

        async def script(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write(SSE_HEAD + _chunk(b'data: {"word": "one"}\n\n') + b"40\r\ndata: half")
            await writer.drain()

        client = await proxy_for(await raw(script))
        async with client.request("GET", "/events") as response:
            assert await next_event(response) == {"word": "one"}
            with pytest.raises(aiohttp.ClientPayloadError):
                await response.read()

    async def test_an_http10_browser_gets_the_stream_unchunked(
        self, raw: Raw, proxy_for: ProxyFor
    ) -> None:
        """An HTTP/1.0 client cannot read chunks: it gets the bare events, then the close."""

        async def script(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write(SSE_HEAD + _chunk(b"data: a\n\n") + _chunk(b"data: b\n\n") + b"0\r\n\r\n")
            await writer.drain()

        client = await proxy_for(await raw(script))
        reader, writer = await asyncio.open_connection("127.0.0.1", client.proxy.port)
        writer.write(
            f"GET {PREFIX}/api/proxy/events HTTP/1.0\r\nHost: x\r\n"
            f"Accept: text/event-stream\r\nX-Target-Server: {client.target}\r\n\r\n".encode()
        )
        async with asyncio.timeout(5):
            answer = await reader.read()  # to the close
        writer.close()
        head, _, rest = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 200") or head.startswith(b"HTTP/1.1 200")
        assert b"transfer-encoding" not in head.lower()
        assert rest == b"data: a\n\ndata: b\n\n"
