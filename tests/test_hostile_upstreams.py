"""The upstream client against raw targets that send exactly the bytes a hostile sandbox would.

Each target here is a TCP server scripted byte by byte (``tests/support/raw_upstream``):
oversized heads, answers nobody asked for, bodies cut short, protocol switches out of
nowhere. Whatever they send, the proxy answers the browser with the target's answer or
a JSON error, keeps serving everyone else, and never hands one answer to another request.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import psutil
import pytest

from tests.conftest import PREFIX, ProxyClient, ProxyProcess
from tests.support.raw_upstream import OK, RawUpstream, keep_alive

Raw = Callable[..., Awaitable[RawUpstream]]
ProxyFor = Callable[..., Awaitable[ProxyClient]]
MIB = 1 << 20


@pytest.fixture(autouse=True)
async def no_loop_errors() -> AsyncIterator[list[dict[str, object]]]:
    """Fail a test whose hostile bytes made a protocol callback raise into the event loop."""
    loop = asyncio.get_running_loop()
    errors: list[dict[str, object]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: errors.append(context))
    yield errors
    loop.set_exception_handler(previous)
    assert [str(e.get("message")) for e in errors] == []


async def answer_once(answer: bytes) -> Callable[..., Awaitable[None]]:
    """A script that reads one request, writes ``answer`` and closes."""

    async def script(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
    ) -> None:
        await up.read_request(reader)
        writer.write(answer)
        await writer.drain()

    return script


async def status_of(client: ProxyClient, path: str = "/x") -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one GET through the proxy."""
    async with client.request("GET", path) as response:
        return response.status, dict(response.headers), await response.read()


class TestConnections:
    async def test_connections_are_reused(self, raw: Raw, proxy_for: ProxyFor) -> None:
        """Sequential requests to one target share one keep-alive connection."""
        upstream = await raw(keep_alive)
        client = await proxy_for(upstream)
        for _ in range(20):
            async with client.request("GET", "/x") as response:
                assert await response.read() == b"ok"
        assert len(upstream.requests) == 20
        assert upstream.connections == 1

    async def test_idle_connections_are_closed(
        self, raw: Raw, proxy_for: ProxyFor, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A pooled connection left idle past the idle timeout is closed by the proxy."""
        monkeypatch.setattr("opencode_proxy.relay.client.IDLE_TIMEOUT", 0.2)
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
        client = await proxy_for(upstream)
        async with client.request("GET", "/x") as response:
            assert await response.read() == b"ok"
        await asyncio.wait_for(closed.wait(), 3)

    async def test_stale_pooled_connection_is_replaced(self, raw: Raw, proxy_for: ProxyFor) -> None:
        """A pooled connection the target closed while idle is replaced, unseen by the browser."""

        async def one_then_close(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write(OK)
            await writer.drain()
            await asyncio.sleep(0.05)  # keep-alive announced, then closed anyway

        upstream = await raw(one_then_close)
        client = await proxy_for(upstream)
        for _ in range(3):
            async with client.request("GET", "/x") as response:
                assert response.status == 200
                assert await response.read() == b"ok"
            await asyncio.sleep(0.1)
        assert upstream.connections == 3

    @pytest.mark.parametrize("size", [150_000, 200_000, 250_000])
    async def test_connection_not_returned_paused(
        self, raw: Raw, proxy_for: ProxyFor, size: int
    ) -> None:
        """An event stream that ends while the proxy waits for a slow browser leaves the
        target's connection usable: the next request on it is answered.

        The browser pipelines a large download and a short event stream on one
        connection and reads slowly, so the stream's answer meets a full send buffer.
        """
        big = b"b" * (4 * MIB)
        events = b"data: " + b"x" * size + b"\n\n"

        async def serve(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            while True:
                head = await up.read_request(reader)
                if b" /events " in head:
                    kind, body = b"text/event-stream", events
                elif b" /big " in head:
                    kind, body = b"application/octet-stream", big
                else:
                    kind, body = b"text/plain", b"ok"
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: %b\r\nContent-Length: %d\r\n\r\n%b"
                    % (kind, len(body), body)
                )
                await writer.drain()

        upstream = await raw(serve)
        client = await proxy_for(upstream)
        received = await _pipelined_slowly(client, ["/big", "/events"])
        assert received.count(b"HTTP/1.1 200 ") == 2
        assert received.count(b"x") >= size  # the event, whatever its chunk framing
        async with asyncio.timeout(5):
            status, _, answer = await status_of(client)
        assert (status, answer) == (200, b"ok")


async def _pipelined_slowly(client: ProxyClient, paths: list[str]) -> bytes:
    """GET ``paths`` through the proxy in one write on one connection, as a browser with a
    small, fixed receive buffer that is slow to read."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", client.proxy.port))
    reader, writer = await asyncio.open_connection(sock=sock, limit=64 * 1024)
    heads = [
        f"GET {PREFIX}/api/proxy{path} HTTP/1.1\r\nHost: 127.0.0.1:{client.proxy.port}\r\n"
        f"X-Target-Server: {client.target}\r\n\r\n"
        for path in paths
    ]
    writer.write("".join(heads).encode())
    parts = []
    await asyncio.sleep(0.3)
    with contextlib.suppress(TimeoutError):
        while chunk := await asyncio.wait_for(reader.read(64 * 1024), 1):
            parts.append(chunk)
            await asyncio.sleep(0.005)
    writer.close()
    return b"".join(parts)


class TestHeads:
    @pytest.mark.slow
    async def test_huge_header_block_does_not_balloon_memory(
        self, raw: Raw, proxy_process: Callable[..., ProxyProcess], session: aiohttp.ClientSession
    ) -> None:
        """A 16 MiB block of headers is refused with a 502; the proxy's memory stays flat."""
        line = b"X-Pad: " + b"p" * 248 + b"\r\n"
        block = b"HTTP/1.1 200 OK\r\n" + line * (16 * MIB // len(line)) + b"\r\n"
        upstream = await raw(await answer_once(block))
        proxy = proxy_process("--allow", f"127.0.0.1:{upstream.port}", "--log-level", "warning")
        assert proxy.process is not None
        rss = psutil.Process(proxy.process.pid)
        baseline = rss.memory_info().rss
        headers = {"X-Target-Server": upstream.url}
        async with session.get(proxy.base + "/api/proxy/x", headers=headers) as response:
            assert response.status == 502
            assert (await response.json())["error"] == "upstream_error"
        growth = rss.memory_info().rss - baseline
        assert growth < 32 * MIB, f"proxy grew by {growth / MIB:.1f} MiB"

    @pytest.mark.slow
    async def test_giant_header_does_not_stall_others(
        self, raw: Raw, proxy_process: Callable[..., ProxyProcess], session: aiohttp.ClientSession
    ) -> None:
        """One 256 MiB header is refused at once, and other requests are served meanwhile."""

        async def giant(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nX-Big: ")
            piece = b"a" * MIB
            for _ in range(256):
                writer.write(piece)
                await writer.drain()
            writer.write(b"\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()

        upstream = await raw(giant)
        proxy = proxy_process("--allow", f"127.0.0.1:{upstream.port}", "--log-level", "warning")
        headers = {"X-Target-Server": upstream.url}
        slowest = 0.0

        async def poll() -> None:
            nonlocal slowest
            while True:
                started = time.monotonic()
                async with session.get(proxy.base + "/healthz") as response:
                    assert response.status == 200
                slowest = max(slowest, time.monotonic() - started)
                await asyncio.sleep(0.02)

        poller = asyncio.ensure_future(poll())
        try:
            async with (
                asyncio.timeout(10),
                session.get(proxy.base + "/api/proxy/x", headers=headers) as response,
            ):
                assert response.status == 502
                assert (await response.json())["error"] == "upstream_error"
            await asyncio.sleep(0.2)
        finally:
            poller.cancel()
        assert slowest < 0.5, f"a health check waited {slowest:.2f} s"

    @pytest.mark.parametrize(
        "answer",
        [
            b"HTTP/1.1 200 O\x01K\r\nContent-Length: 2\r\n\r\nok",
            b"HTTP/1.1 200 OK\r\nX-Bad: a\x00b\r\nContent-Length: 2\r\n\r\nok",
            b"HTTP/1.1 200 " + b"R" * 20000 + b"\r\nContent-Length: 2\r\n\r\nok",
        ],
        ids=["control-byte-in-reason", "nul-in-header", "huge-reason"],
    )
    async def test_bad_status_lines_get_an_answer(
        self, raw: Raw, proxy_for: ProxyFor, answer: bytes
    ) -> None:
        """A status line or header no browser may see is never relayed: the browser gets JSON."""
        client = await proxy_for(await raw(await answer_once(answer)))
        async with asyncio.timeout(5):
            status, headers, body = await status_of(client)
        if status == 200:
            # Accepted, then the reason phrase is the proxy's own: nothing of the target's.
            assert body == b"ok"
        else:
            assert status == 502
            assert headers["X-Proxy-Error"] == "upstream_error"

    @pytest.mark.parametrize(
        "answer",
        [
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\n\r\n\x81\x02hi",
            b"HTTP/1.1 101 Switching Protocols\r\n\r\n",
            b"HTTP/1.1 101 Switching Protocols\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        ],
        ids=["with-upgrade", "bare", "then-200"],
    )
    async def test_unasked_protocol_switch_is_502(
        self, raw: Raw, proxy_for: ProxyFor, answer: bytes
    ) -> None:
        """A 101 answer to a plain request is a 502, not a crash or a hung request."""
        client = await proxy_for(await raw(await answer_once(answer)))
        async with asyncio.timeout(5):
            status, headers, _ = await status_of(client)
        assert status == 502
        assert headers["X-Proxy-Error"] == "upstream_error"
        # And the proxy still serves.
        async with client.session.get(client.url("/healthz")) as response:
            assert response.status == 200


class TestBodies:
    async def test_connection_reused_after_a_large_body(
        self, raw: Raw, proxy_for: ProxyFor
    ) -> None:
        """A large body leaves the connection ready for the next answer."""
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
        client = await proxy_for(upstream)
        for _ in range(3):
            async with client.request("GET", "/big") as response:
                assert await response.read() == big
            async with client.request("GET", "/small") as response:
                assert await response.read() == b"small"
        assert upstream.connections == 1

    async def test_bytes_past_the_body_are_dropped(self, raw: Raw, proxy_for: ProxyFor) -> None:
        """Bytes beyond the announced length never reach the browser, now or in a later answer."""
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
        client = await proxy_for(upstream)
        for _ in range(2):
            async with client.request("GET", "/x") as response:
                assert await response.read() == body

    @pytest.mark.parametrize(
        ("early", "rest"),
        [
            (b"HTTP/1.1 200 OK\r\nX-Opencode-Injected: yes\r\nContent-Length: 4\r\n", b"\r\nevil"),
            (b"HTTP/1.1 200 OK\r\nX-Opencode-Injected: yes\r\nContent-Length: 4\r\n\r\nevil", b""),
        ],
        ids=["part-of-an-answer", "a-whole-answer"],
    )
    async def test_idle_bytes_never_reach_the_next_answer(
        self, raw: Raw, proxy_for: ProxyFor, early: bytes, rest: bytes
    ) -> None:
        """What a target sends on an idle pooled connection is no part of the next answer."""
        first_done = asyncio.Event()

        async def pre_answer(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            if up.connections > 1:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ngood")
                await writer.drain()
                return
            writer.write(OK)
            await writer.drain()
            await first_done.wait()
            writer.write(early)  # nobody asked
            await writer.drain()
            await up.read_request(reader)
            writer.write(rest or b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext")
            await writer.drain()

        upstream = await raw(pre_answer)
        client = await proxy_for(upstream)
        assert (await status_of(client, "/first"))[2] == b"ok"
        first_done.set()
        await asyncio.sleep(0.2)
        async with asyncio.timeout(5):
            status, headers, body = await status_of(client, "/second")
        assert "X-Opencode-Injected" not in headers
        assert body != b"evil"
        assert status == 200

    async def test_cut_small_body_is_a_clean_502(self, raw: Raw, proxy_for: ProxyFor) -> None:
        """A small answer cut short before its announced end is a 502 JSON error, not a 500."""
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it"
        client = await proxy_for(await raw(await answer_once(answer)))
        status, headers, body = await status_of(client)
        assert status == 502
        assert headers["X-Proxy-Error"] == "upstream_error"
        assert b"only part" not in body

    async def test_head_with_length(self, raw: Raw, proxy_for: ProxyFor) -> None:
        """A HEAD answer announcing a body length does not make the proxy wait for one."""

        async def head(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            while True:
                request = await up.read_request(reader)
                if request.startswith(b"HEAD"):
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nX-Opencode-Kind: head\r\n\r\n"
                    )
                else:
                    writer.write(OK)
                await writer.drain()

        client = await proxy_for(await raw(head))
        async with asyncio.timeout(3):
            async with client.request("HEAD", "/x") as response:
                assert response.status == 200
                assert response.headers["X-Opencode-Kind"] == "head"
                assert response.headers["Content-Length"] == "1000"
            async with client.request("GET", "/x") as response:
                assert await response.read() == b"ok"

    async def test_body_until_close(self, raw: Raw, proxy_for: ProxyFor) -> None:
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

        client = await proxy_for(await raw(until_close))
        async with client.request("GET", "/x") as response:
            assert await response.read() == b"first second third"

    async def test_interim_answer_skipped(self, raw: Raw, proxy_for: ProxyFor) -> None:
        """A 103 Early Hints before the answer is skipped; the real answer is relayed."""
        answer = (
            b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
            b"HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone"
        )
        client = await proxy_for(await raw(await answer_once(answer)))
        async with client.request("GET", "/x") as response:
            assert response.status == 201
            assert await response.read() == b"done"

    async def test_utf8_header_value(self, raw: Raw, proxy_for: ProxyFor) -> None:
        """Header values in UTF-8 pass through intact."""
        answer = "HTTP/1.1 200 OK\r\nContent-Disposition: café\r\nContent-Length: 0\r\n\r\n"
        client = await proxy_for(await raw(await answer_once(answer.encode())))
        async with client.request("GET", "/x") as response:
            assert response.headers["Content-Disposition"] == "café"

    @pytest.mark.parametrize(
        "answer",
        [b"", b"NOT HTTP AT ALL\r\n\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"],
        ids=["silence", "garbage", "bad-length"],
    )
    async def test_broken_answers_are_502(
        self, raw: Raw, proxy_for: ProxyFor, answer: bytes
    ) -> None:
        """A target that closes without answering, or answers garbage, is a 502 JSON error."""
        client = await proxy_for(await raw(await answer_once(answer)))
        async with client.request("GET", "/x") as response:
            assert response.status == 502
            assert (await response.json())["error"] == "upstream_error"

    async def test_early_answer_to_an_upload(self, raw: Raw, proxy_for: ProxyFor) -> None:
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

        client = await proxy_for(await raw(refuse))
        async with asyncio.timeout(5):
            async with client.request(
                "PUT", "/x", data=io.BytesIO(b"z" * (8 * 1024 * 1024))
            ) as response:
                assert response.status == 413
                assert await response.read() == b"big"

    async def test_request_as_sent(self, raw: Raw, proxy_for: ProxyFor) -> None:
        """The request line keeps the path and query exactly; Host names the target."""
        upstream = await raw(keep_alive)
        client = await proxy_for(upstream)
        async with client.request("GET", "/a%2Fb/c?x=%20y&target=z") as response:
            await response.read()
        head = upstream.requests[0].decode()
        assert head.startswith("GET /a%2Fb/c?x=%20y HTTP/1.1\r\n")
        assert f"\r\nHost: 127.0.0.1:{upstream.port}\r\n" in head
