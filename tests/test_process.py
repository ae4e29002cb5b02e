"""The service as a process: graceful shutdown and flat memory under gigabyte bodies."""

from __future__ import annotations

import asyncio
import hashlib
import json
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import psutil
import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestServer

from tests.conftest import ProxyProcess
from tests.support.fake_upstream import CHUNK, Seen, pattern_digest
from tests.support.raw_upstream import OK, RawUpstream, silent
from tests.test_events import next_event

GIB = 1 << 30


class TestShutdown:
    async def test_sigterm_ends_streams_and_exits(
        self,
        proxy_process: Callable[..., ProxyProcess],
        upstream: TestServer,
        seen: Seen,
        session: aiohttp.ClientSession,
    ) -> None:
        """On SIGTERM open event streams end, websockets close with 1001, and it exits in time."""
        proxy = proxy_process("--allow", f"127.0.0.1:{upstream.port}", "--shutdown-timeout", "5")
        target = f"http://127.0.0.1:{upstream.port}"
        events = await session.get(
            proxy.base + "/api/proxy/events", headers={"X-Target-Server": target}
        )
        await seen.sse_gate.put("first")
        assert await next_event(events) == {"word": "first"}
        ws = await session.ws_connect(
            proxy.base + f"/api/proxy/ws?target={target}",
            headers={"Origin": f"http://127.0.0.1:{proxy.port}"},
        )
        await ws.send_str("hi")
        assert await ws.receive_str(timeout=3) == "echo:hi"

        assert proxy.process is not None
        started = time.monotonic()
        proxy.process.send_signal(signal.SIGTERM)
        message = await ws.receive(timeout=5)
        assert (message.type, message.data) == (WSMsgType.CLOSE, 1001)
        async with asyncio.timeout(5):
            assert (await events.content.read()).strip() == b""
        await asyncio.get_running_loop().run_in_executor(None, proxy.process.wait, 10)
        elapsed = time.monotonic() - started
        assert proxy.process.returncode == 0
        assert elapsed < 5
        events.release()
        await ws.close()
        log = [json.loads(line) for line in proxy.stop().splitlines() if line.startswith("{")]
        assert {"server.started", "stream.open", "stream.close", "server.stopped"} <= {
            e["event"] for e in log
        }


class TestDrain:
    async def test_cut_requests_get_a_status_within_the_timeout(
        self,
        proxy_process: Callable[..., ProxyProcess],
        raw: Callable[..., Awaitable[RawUpstream]],
        session: aiohttp.ClientSession,
    ) -> None:
        """SIGTERM with a request its target never answers: the process exits within
        --shutdown-timeout (not twice that), and the request is answered 503 shutting_down."""
        upstream = await raw(silent)
        proxy = proxy_process("--allow", f"127.0.0.1:{upstream.port}", "--shutdown-timeout", "2")
        assert proxy.process is not None
        pending = asyncio.ensure_future(
            session.get(proxy.base + "/api/proxy/x", headers={"X-Target-Server": upstream.url})
        )
        while not upstream.requests:
            await asyncio.sleep(0.02)
        started = time.monotonic()
        proxy.process.send_signal(signal.SIGTERM)
        response = await asyncio.wait_for(pending, 10)
        assert response.status == 503
        assert response.headers["X-Proxy-Error"] == "shutting_down"
        assert (await response.json())["error"] == "shutting_down"
        await asyncio.get_running_loop().run_in_executor(None, proxy.process.wait, 10)
        elapsed = time.monotonic() - started
        assert proxy.process.returncode == 0
        assert 1.5 < elapsed < 2.8, f"stopped after {elapsed:.2f} s"

    async def test_requests_that_finish_in_time_finish(
        self,
        proxy_process: Callable[..., ProxyProcess],
        raw: Callable[..., Awaitable[RawUpstream]],
        session: aiohttp.ClientSession,
    ) -> None:
        """A request its target answers within the shutdown timeout gets its answer."""

        async def slow_ok(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            await asyncio.sleep(1)
            writer.write(OK)
            await writer.drain()

        upstream = await raw(slow_ok)
        proxy = proxy_process("--allow", f"127.0.0.1:{upstream.port}", "--shutdown-timeout", "4")
        assert proxy.process is not None
        pending = asyncio.ensure_future(
            session.get(proxy.base + "/api/proxy/x", headers={"X-Target-Server": upstream.url})
        )
        while not upstream.requests:
            await asyncio.sleep(0.02)
        started = time.monotonic()
        proxy.process.send_signal(signal.SIGTERM)
        response = await asyncio.wait_for(pending, 10)
        assert response.status == 200
        assert await response.read() == b"ok"
        await asyncio.get_running_loop().run_in_executor(None, proxy.process.wait, 10)
        assert time.monotonic() - started < 2.5  # it stopped once the request was done


async def _sample_rss(pid: int, peak: list[int], stop: asyncio.Event) -> None:
    process = psutil.Process(pid)
    while not stop.is_set():
        peak[0] = max(peak[0], process.memory_info().rss)
        await asyncio.sleep(0.05)


@pytest.mark.slow
class TestMemory:
    @pytest.fixture
    async def measured(
        self, proxy_process: Callable[..., ProxyProcess], upstream: TestServer
    ) -> AsyncIterator[tuple[ProxyProcess, list[int]]]:
        proxy = proxy_process("--allow", f"127.0.0.1:{upstream.port}", "--log-level", "warning")
        assert proxy.process is not None
        peak = [psutil.Process(proxy.process.pid).memory_info().rss]
        stop = asyncio.Event()
        sampler = asyncio.ensure_future(_sample_rss(proxy.process.pid, peak, stop))
        baseline = peak[0]
        yield proxy, peak
        stop.set()
        await sampler
        growth = peak[0] - baseline
        print(f"proxy RSS: baseline {baseline / 2**20:.1f} MiB, growth {growth / 2**20:.1f} MiB")
        assert growth < 64 * 2**20

    async def test_gigabyte_download(
        self,
        measured: tuple[ProxyProcess, list[int]],
        upstream: TestServer,
        session: aiohttp.ClientSession,
    ) -> None:
        """1 GiB streams through with the proxy's memory flat, and arrives intact."""
        proxy, _ = measured
        digest = hashlib.sha256()
        total = 0
        headers = {"X-Target-Server": f"http://127.0.0.1:{upstream.port}"}
        async with session.get(proxy.base + f"/api/proxy/bytes/{GIB}", headers=headers) as response:
            assert response.status == 200
            async for chunk in response.content.iter_chunked(1 << 20):
                digest.update(chunk)
                total += len(chunk)
        assert total == GIB
        assert digest.hexdigest() == pattern_digest(GIB)

    async def test_gigabyte_upload(
        self,
        measured: tuple[ProxyProcess, list[int]],
        upstream: TestServer,
        session: aiohttp.ClientSession,
    ) -> None:
        """1 GiB uploads through with the proxy's memory flat, and arrives intact."""
        proxy, _ = measured

        async def body() -> AsyncIterator[bytes]:
            block = CHUNK * 16
            for _ in range(GIB // len(block)):
                yield block

        headers = {
            "X-Target-Server": f"http://127.0.0.1:{upstream.port}",
            "Content-Length": str(GIB),
            "Origin": f"http://127.0.0.1:{proxy.port}",
        }
        async with session.post(
            proxy.base + "/api/proxy/upload", data=body(), headers=headers
        ) as response:
            info = await response.json()
        assert info["length"] == GIB
        assert info["sha256"] == pattern_digest(GIB)
        assert info["content_length"] == str(GIB)


class TestWorkers:
    async def test_two_workers_share_the_port_and_stop_together(
        self, proxy_process: Callable[..., ProxyProcess], upstream: TestServer
    ) -> None:
        """--workers 2 runs two processes on one port; both serve, and SIGTERM stops all."""
        proxy = proxy_process("--allow", f"127.0.0.1:{upstream.port}", "--workers", "2")
        assert proxy.process is not None
        parent = psutil.Process(proxy.process.pid)
        for _ in range(50):
            if len(parent.children()) == 2:
                break
            await asyncio.sleep(0.1)
        workers = parent.children()
        assert len(workers) == 2
        headers = {"X-Target-Server": f"http://127.0.0.1:{upstream.port}"}
        serving = set()
        for _ in range(30):
            # A new connection each time, so the kernel spreads them over the workers; a
            # fresh request id starts with its process's own random prefix.
            async with (
                aiohttp.ClientSession() as fresh,
                fresh.get(proxy.base + "/api/proxy/x", headers=headers) as response,
            ):
                assert response.status == 200
                serving.add(response.headers["X-Request-Id"][:8])
        assert len(serving) == 2
        proxy.process.send_signal(signal.SIGTERM)
        await asyncio.get_running_loop().run_in_executor(None, proxy.process.wait, 10)
        assert proxy.process.returncode == 0
        assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)
