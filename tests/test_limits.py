"""Rate limits, stream caps, size limits, and clients that are slow or never read."""

from __future__ import annotations

import asyncio
import io
import json
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import psutil
import pytest
from aiohttp.test_utils import TestServer

from tests.conftest import PREFIX, ProxyClient, ProxyProcess
from tests.support.fake_upstream import Seen
from tests.test_events import next_event


@pytest.fixture
async def limited(
    make_proxy: Callable[..., Awaitable[TestServer]],
    session: aiohttp.ClientSession,
    upstream: TestServer,
) -> ProxyClient:
    proxy = await make_proxy(rate_limit=5, rate_burst=5, max_streams=2, max_body_size=1000)
    return ProxyClient(session, proxy, f"http://127.0.0.1:{upstream.port}")


class TestRequestRate:
    async def test_over_the_rate_is_429_with_retry_after(
        self, limited: ProxyClient, seen: Seen
    ) -> None:
        """Past the burst, requests get 429 and an integer Retry-After, and go nowhere."""
        statuses = []
        for _ in range(8):
            async with limited.request("GET", "/x") as response:
                statuses.append(response.status)
                if response.status == 429:
                    retry_after = response.headers["Retry-After"]
                    body = await response.json()
        assert statuses == [200] * 5 + [429] * 3
        assert retry_after.isdigit()
        assert 1 <= int(retry_after) <= 1
        assert body["error"] == "rate_limited"
        assert len(seen.requests) == 5

    async def test_limits_are_per_user(self, limited: ProxyClient) -> None:
        """Each user the ingress names has their own budget; X-Forwarded-For changes nothing."""
        for _ in range(5):
            async with limited.request(
                "GET", "/x", headers={"kubeflow-userid": "alice"}
            ) as response:
                assert response.status == 200
        async with limited.request(
            "GET", "/x", headers={"kubeflow-userid": "alice", "X-Forwarded-For": "1.2.3.4"}
        ) as response:
            assert response.status == 429
        async with limited.request("GET", "/x", headers={"kubeflow-userid": "bob"}) as response:
            assert response.status == 200

    async def test_budget_refills(self, limited: ProxyClient) -> None:
        """After the window passes, requests are accepted again."""
        for _ in range(6):
            async with limited.request("GET", "/x") as response:
                pass
        assert response.status == 429
        await asyncio.sleep(1.1)
        async with limited.request("GET", "/x") as response:
            assert response.status == 200


EVENTSOURCE = {"Accept": "text/event-stream"}


class TestStreamCap:
    async def test_event_streams_capped(self, limited: ProxyClient, seen: Seen) -> None:
        """A client's third concurrent stream gets 503 with Retry-After; closing one frees a slot."""
        first = await limited.request("GET", "/events", headers=EVENTSOURCE).__aenter__()
        ws = await limited.session.ws_connect(
            limited.url(f"/api/proxy/ws?target={limited.target}"),
            headers={"Origin": f"http://127.0.0.1:{limited.proxy.port}"},
        )
        async with limited.request("GET", "/events", headers=EVENTSOURCE) as third:
            assert third.status == 503
            assert third.headers["Retry-After"].isdigit()
            assert (await third.json())["error"] == "too_many_streams"
        with pytest.raises(aiohttp.WSServerHandshakeError) as info:
            await limited.session.ws_connect(
                limited.url(f"/api/proxy/ws?target={limited.target}"),
                headers={"Origin": f"http://127.0.0.1:{limited.proxy.port}"},
            )
        assert info.value.status == 503
        assert len(seen.requests) == 2, "refused streams never reach the target"
        await ws.close()
        await asyncio.sleep(0.1)
        async with limited.request("GET", "/events", headers=EVENTSOURCE) as again:
            assert again.status == 200
            first.close()
            await asyncio.wait_for(seen.sse_closed.wait(), 3)
            await seen.sse_gate.put("still works")
            assert await next_event(again) == {"word": "still works"}


class TestBodySize:
    async def test_declared_length_over_limit(self, limited: ProxyClient, seen: Seen) -> None:
        """A body whose Content-Length is over the limit is refused before connecting."""
        async with limited.request("POST", "/upload", data=io.BytesIO(b"x" * 2000)) as response:
            assert response.status == 413
            assert (await response.json())["error"] == "body_too_large"
        assert seen.requests == []

    async def test_streamed_body_over_limit(self, limited: ProxyClient) -> None:
        """A chunked body that grows past the limit is cut off with 413."""

        async def body() -> AsyncIterator[bytes]:
            for _ in range(10):
                yield b"y" * 300

        async with limited.request("POST", "/upload", data=body()) as response:
            assert response.status == 413

    async def test_under_limit_passes(self, limited: ProxyClient) -> None:
        """Bodies within the limit pass as usual."""
        async with limited.request("POST", "/upload", data=b"z" * 900) as response:
            assert (await response.json())["length"] == 900


def _raw_request(port: int, head: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


class TestMisbehavingClients:
    async def test_oversized_headers_get_json_431(
        self, proxy_process: Callable[..., ProxyProcess], upstream: TestServer
    ) -> None:
        """Headers over the limit get a JSON 431, not a crash or plain text."""
        proxy = proxy_process("--allow", f"127.0.0.1:{upstream.port}")
        head = f"GET {PREFIX}/healthz HTTP/1.1\r\nHost: x\r\nX-Big: {'a' * 40000}\r\n\r\n".encode()
        answer = await asyncio.to_thread(_raw_request, proxy.port, head)
        status_line, _, rest = answer.partition(b"\r\n")
        assert b" 431 " in status_line
        assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["error"] == "headers_too_large"

    async def test_slow_headers_time_out_while_others_flow(
        self,
        proxy_process: Callable[..., ProxyProcess],
        upstream: TestServer,
        seen: Seen,
        session: aiohttp.ClientSession,
    ) -> None:
        """A client dribbling its headers is cut off after the header timeout; a stream keeps flowing meanwhile."""
        proxy = proxy_process("--allow", f"127.0.0.1:{upstream.port}", "--header-timeout", "1")
        events = await session.get(
            proxy.base + "/api/proxy/events",
            headers={"X-Target-Server": f"http://127.0.0.1:{upstream.port}"},
        )

        def dribble() -> tuple[float, bool]:
            started = time.monotonic()
            with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
                try:
                    for byte in b"GET /notebook/ns/nb/healthz HTTP/1.1\r\nHost: slow\r\n":
                        sock.sendall(bytes([byte]))
                        time.sleep(0.05)
                    return time.monotonic() - started, False
                except OSError:
                    return time.monotonic() - started, True

        dribbler = asyncio.ensure_future(asyncio.to_thread(dribble))
        for word in ("a", "b", "c", "d"):
            await seen.sse_gate.put(word)
            started = time.monotonic()
            assert await next_event(events, timeout=1) == {"word": word}
            assert time.monotonic() - started < 0.5
            await asyncio.sleep(0.2)
        elapsed, cut_off = await dribbler
        assert cut_off, "the slow client should have been disconnected"
        assert elapsed < 3
        events.close()

    async def test_event_stream_reader_that_stalls_is_back_pressured(
        self,
        proxy_process: Callable[..., ProxyProcess],
        upstream: TestServer,
        seen: Seen,
        session: aiohttp.ClientSession,
    ) -> None:
        """An event stream whose browser stops reading pauses its target; memory stays flat."""
        proxy = proxy_process("--allow", f"127.0.0.1:{upstream.port}")
        assert proxy.process is not None
        rss = psutil.Process(proxy.process.pid)
        baseline = rss.memory_info().rss
        stalled = await session.get(
            proxy.base + "/api/proxy/events",
            headers={"X-Target-Server": f"http://127.0.0.1:{upstream.port}"},
            read_bufsize=2**16,
        )
        await seen.sse_gate.put("flood:2000")  # 128 MiB of events, never read
        await asyncio.sleep(2)
        growth = rss.memory_info().rss - baseline
        assert growth < 32 * 2**20, f"proxy grew by {growth / 2**20:.1f} MiB"
        # Reading again resumes the flow where it stopped.
        received = 0
        async with asyncio.timeout(30):
            while received < 2000 * 65536:
                chunk = await stalled.content.read(2**20)
                assert chunk
                received += chunk.count(b"x")
        stalled.close()

    async def test_client_that_never_reads_is_back_pressured(
        self,
        proxy_process: Callable[..., ProxyProcess],
        upstream: TestServer,
        seen: Seen,
        session: aiohttp.ClientSession,
    ) -> None:
        """A client that never reads a huge download holds no memory, and others keep flowing."""
        proxy = proxy_process("--allow", f"127.0.0.1:{upstream.port}")
        assert proxy.process is not None
        rss = psutil.Process(proxy.process.pid)
        baseline = rss.memory_info().rss
        stalled = await session.get(
            proxy.base + f"/api/proxy/bytes/{1 << 30}",
            headers={"X-Target-Server": f"http://127.0.0.1:{upstream.port}"},
            read_bufsize=2**16,
        )
        events = await session.get(
            proxy.base + "/api/proxy/events",
            headers={"X-Target-Server": f"http://127.0.0.1:{upstream.port}"},
        )
        for word in ("one", "two", "three"):
            await seen.sse_gate.put(word)
            assert await next_event(events, timeout=1) == {"word": word}
            await asyncio.sleep(0.5)
        growth = rss.memory_info().rss - baseline
        assert growth < 32 * 2**20, f"proxy grew by {growth / 2**20:.1f} MiB"
        stalled.close()
        events.close()


def _dribble_after_one_request(port: int, timeout: float) -> tuple[float, bool]:
    """Send one whole request, read its answer, then dribble the next request's head.

    Returns how long the dribbling lasted and whether the proxy cut the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(f"GET {PREFIX}/healthz HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        answer = b""
        while b'"ok"' not in answer:
            answer += sock.recv(65536)
        started = time.monotonic()
        try:
            slow_head = f"GET {PREFIX}/healthz HTTP/1.1\r\nHost: slow\r\nX-Pad: " + "p" * 400
            for byte in slow_head.encode():
                sock.sendall(bytes([byte]))
                time.sleep(0.05)
                if time.monotonic() - started > timeout:
                    return time.monotonic() - started, False
            return time.monotonic() - started, False
        except OSError:
            return time.monotonic() - started, True


def _stalled_upload(port: int, head: str, sent: bytes, timeout: float) -> tuple[float, bytes]:
    """Send a request head and part of its body, then nothing; return the wait and answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.encode() + sent)
        started = time.monotonic()
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except OSError:
            pass
        return time.monotonic() - started, b"".join(chunks)


class TestDeadlines:
    async def test_header_deadline_for_each_kept_alive_request(
        self, proxy_process: Callable[..., ProxyProcess], upstream: TestServer
    ) -> None:
        """The header deadline starts again with each request on a kept-alive connection."""
        proxy = proxy_process("--allow", f"127.0.0.1:{upstream.port}", "--header-timeout", "1")
        elapsed, cut_off = await asyncio.to_thread(_dribble_after_one_request, proxy.port, 6)
        assert cut_off, "the second request's slow headers should have been cut off"
        assert elapsed < 2.5

    @pytest.mark.parametrize("length", [1000, 4 * 1024 * 1024])
    async def test_stalled_body_is_answered_408(
        self,
        proxy_process: Callable[..., ProxyProcess],
        upstream: TestServer,
        seen: Seen,
        length: int,
    ) -> None:
        """A request body that stops arriving gets 408 body_timeout after the body timeout."""
        proxy = proxy_process(
            "--allow", f"127.0.0.1:{upstream.port}", "--body-timeout", "1", "--log-level", "warning"
        )
        head = (
            f"POST {PREFIX}/api/proxy/upload HTTP/1.1\r\nHost: 127.0.0.1:{proxy.port}\r\n"
            f"Origin: http://127.0.0.1:{proxy.port}\r\n"
            f"X-Target-Server: http://127.0.0.1:{upstream.port}\r\n"
            f"Content-Length: {length}\r\n\r\n"
        )
        elapsed, answer = await asyncio.to_thread(_stalled_upload, proxy.port, head, b"z" * 100, 8)
        status_line, _, rest = answer.partition(b"\r\n")
        assert b" 408 " in status_line, answer[:200]
        assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["error"] == "body_timeout"
        assert 0.9 < elapsed < 3
        assert seen.uploads == []  # the target never took the short body for a whole one

    async def test_slow_but_steady_body_is_not_cut(
        self,
        proxy_process: Callable[..., ProxyProcess],
        upstream: TestServer,
        session: aiohttp.ClientSession,
    ) -> None:
        """A body that keeps arriving, however slowly, is not given up."""
        proxy = proxy_process(
            "--allow", f"127.0.0.1:{upstream.port}", "--body-timeout", "1", "--log-level", "warning"
        )

        async def body() -> AsyncIterator[bytes]:
            for _ in range(6):
                yield b"s" * 1024
                await asyncio.sleep(0.5)

        headers = {
            "X-Target-Server": f"http://127.0.0.1:{upstream.port}",
            "Origin": f"http://127.0.0.1:{proxy.port}",
        }
        async with session.post(
            proxy.base + "/api/proxy/upload", data=body(), headers=headers
        ) as response:
            assert response.status == 200
            assert (await response.json())["length"] == 6 * 1024
