"""The proxy's own HTTP/1.1 client against raw upstreams that misbehave in exact ways."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.conftest import ProxyClient

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter, "RawUpstream"], Awaitable[None]]


@dataclass
class RawUpstream:
    """A TCP server on loopback that answers each connection with a script."""

    script: Script
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)
    server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])

    async def read_request(self, reader: asyncio.StreamReader) -> bytes:
        head = await reader.readuntil(b"\r\n\r\n")
        self.requests.append(head)
        return head

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.script(reader, writer, self)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def raw() -> AsyncIterator[Callable[[Script], Awaitable[RawUpstream]]]:
    started: list[RawUpstream] = []

    async def start(script: Script) -> RawUpstream:
        upstream = RawUpstream(script)
        upstream.server = await asyncio.start_server(upstream._handle, "127.0.0.1", 0)
        started.append(upstream)
        return upstream

    yield start
    for upstream in started:
        assert upstream.server is not None
        upstream.server.close()


async def client_for(
    make_proxy: Callable[..., Awaitable[TestServer]],
    session: aiohttp.ClientSession,
    upstream: RawUpstream,
) -> ProxyClient:
    proxy = await make_proxy(allow=(f"127.0.0.1:{upstream.port}",))
    return ProxyClient(session, proxy, f"http://127.0.0.1:{upstream.port}")


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


async def keep_alive(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
) -> None:
    while True:
        await up.read_request(reader)
        writer.write(OK)
        await writer.drain()


class TestConnections:
    async def test_connections_are_reused(self, raw, make_proxy, session) -> None:  # type: ignore[no-untyped-def]
        """Sequential requests to one target share one keep-alive connection."""
        upstream = await raw(keep_alive)
        client = await client_for(make_proxy, session, upstream)
        for _ in range(20):
            async with client.request("GET", "/x") as response:
                assert await response.read() == b"ok"
        assert len(upstream.requests) == 20
        assert upstream.connections == 1

    async def test_idle_connections_are_closed(self, raw, make_proxy, session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        """A pooled connection left idle past the idle timeout is closed by the proxy."""
        monkeypatch.setattr("opencode_proxy.upstream.IDLE_TIMEOUT", 0.2)
        closed = asyncio.Event()

        async def watch_close(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write(OK)
            await writer.drain()
            assert await reader.read() == b""  # the proxy's end of the connection closed
            closed.set()

        upstream = await raw(watch_close)
        client = await client_for(make_proxy, session, upstream)
        async with client.request("GET", "/x") as response:
            assert await response.read() == b"ok"
        await asyncio.wait_for(closed.wait(), 3)

    async def test_stale_pooled_connection_is_retried(self, raw, make_proxy, session) -> None:  # type: ignore[no-untyped-def]
        """A pooled connection the target closed while idle is replaced, unseen by the browser."""

        async def one_then_close(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write(OK)
            await writer.drain()
            await asyncio.sleep(0.05)  # keep-alive announced, then closed anyway

        upstream = await raw(one_then_close)
        client = await client_for(make_proxy, session, upstream)
        for _ in range(3):
            async with client.request("GET", "/x") as response:
                assert response.status == 200
                assert await response.read() == b"ok"
            await asyncio.sleep(0.1)
        assert upstream.connections == 3


class TestLargeBodies:
    async def test_connection_reused_after_a_large_body(self, raw, make_proxy, session) -> None:  # type: ignore[no-untyped-def]
        """A large body (read past the parser) leaves the connection ready for the next answer."""
        big = bytes(range(256)) * 1024  # 256 KiB

        async def alternate(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            while True:
                request = await up.read_request(reader)
                body = big if b" /big " in request else b"small"
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body))
                # Arrives in pieces, so most of it comes after the headers were parsed.
                for start in range(0, len(body), 10_000):
                    writer.write(body[start : start + 10_000])
                    await writer.drain()

        upstream = await raw(alternate)
        client = await client_for(make_proxy, session, upstream)
        for _ in range(3):
            async with client.request("GET", "/big") as response:
                assert await response.read() == big
            async with client.request("GET", "/small") as response:
                assert await response.read() == b"small"
        assert upstream.connections == 1

    async def test_bytes_past_the_body_end_the_connection(self, raw, make_proxy, session) -> None:  # type: ignore[no-untyped-def]
        """Bytes beyond the announced length are dropped and the connection not reused."""
        body = b"y" * 100_000

        async def overlong(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            while True:
                await up.read_request(reader)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body))
                await writer.drain()
                await asyncio.sleep(0.01)
                writer.write(body + b"GARBAGE")
                await writer.drain()

        upstream = await raw(overlong)
        client = await client_for(make_proxy, session, upstream)
        for _ in range(2):
            async with client.request("GET", "/x") as response:
                assert await response.read() == body
        assert upstream.connections == 2


class TestResponses:
    async def test_head_with_length(self, raw, make_proxy, session) -> None:  # type: ignore[no-untyped-def]
        """A HEAD answer announcing a body length does not make the proxy wait for one."""

        async def head(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            while True:
                request = await up.read_request(reader)
                if request.startswith(b"HEAD"):
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nX-Kind: head\r\n\r\n")
                else:
                    writer.write(OK)
                await writer.drain()

        upstream = await raw(head)
        client = await client_for(make_proxy, session, upstream)
        async with asyncio.timeout(3):
            async with client.request("HEAD", "/x") as response:
                assert response.status == 200
                assert response.headers["X-Kind"] == "head"
                assert response.headers["Content-Length"] == "1000"
            async with client.request("GET", "/x") as response:
                assert await response.read() == b"ok"

    async def test_body_until_close(self, raw, make_proxy, session) -> None:  # type: ignore[no-untyped-def]
        """A body with neither length nor chunking ends when the target closes."""

        async def until_close(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
            for part in (b"first ", b"second ", b"third"):
                writer.write(part)
                await writer.drain()
                await asyncio.sleep(0.02)

        upstream = await raw(until_close)
        client = await client_for(make_proxy, session, upstream)
        async with client.request("GET", "/x") as response:
            assert await response.read() == b"first second third"

    async def test_interim_answer_skipped(self, raw, make_proxy, session) -> None:  # type: ignore[no-untyped-def]
        """A 103 Early Hints before the answer is skipped; the real answer is relayed."""

        async def hints(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n")
            writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone")
            await writer.drain()

        upstream = await raw(hints)
        client = await client_for(make_proxy, session, upstream)
        async with client.request("GET", "/x") as response:
            assert response.status == 201
            assert await response.read() == b"done"

    async def test_utf8_header_value(self, raw, make_proxy, session) -> None:  # type: ignore[no-untyped-def]
        """Header values in UTF-8 pass through intact."""

        async def utf8(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write("HTTP/1.1 200 OK\r\nX-Name: café\r\nContent-Length: 0\r\n\r\n".encode())
            await writer.drain()

        upstream = await raw(utf8)
        client = await client_for(make_proxy, session, upstream)
        async with client.request("GET", "/x") as response:
            assert response.headers["X-Name"] == "café"

    @pytest.mark.parametrize(
        "answer",
        [b"", b"NOT HTTP AT ALL\r\n\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"],
        ids=["silence", "garbage", "bad-length"],
    )
    async def test_broken_answers_are_502(self, raw, make_proxy, session, answer: bytes) -> None:  # type: ignore[no-untyped-def]
        """A target that closes without answering, or answers garbage, is a 502 JSON error."""

        async def broken(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write(answer)
            await writer.drain()

        upstream = await raw(broken)
        client = await client_for(make_proxy, session, upstream)
        async with client.request("GET", "/x") as response:
            assert response.status == 502
            assert (await response.json())["error"] == "upstream_error"

    async def test_early_answer_to_an_upload(self, raw, make_proxy, session) -> None:  # type: ignore[no-untyped-def]
        """A target that refuses an upload before reading it is answered through, without hanging."""

        async def refuse(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write(
                b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbig"
            )
            await writer.drain()
            await asyncio.sleep(0.5)

        upstream = await raw(refuse)
        client = await client_for(make_proxy, session, upstream)
        async with asyncio.timeout(5):
            async with client.request(
                "PUT", "/x", data=io.BytesIO(b"z" * (8 * 1024 * 1024))
            ) as response:
                assert response.status == 413
                assert await response.read() == b"big"

    async def test_request_as_sent(self, raw, make_proxy, session) -> None:  # type: ignore[no-untyped-def]
        """The request line keeps the path and query exactly; Host names the target."""
        upstream = await raw(keep_alive)
        client = await client_for(make_proxy, session, upstream)
        async with client.request("GET", "/a%2Fb/c?x=%20y&target=z") as response:
            await response.read()
        head = upstream.requests[0].decode()
        assert head.startswith("GET /a%2Fb/c?x=%20y HTTP/1.1\r\n")
        assert f"\r\nHost: 127.0.0.1:{upstream.port}\r\n" in head
