"""Server-sent event streams: a timed fan-out, and many idle streams held open.

Every stream first gets an ``open`` event from the upstream, which proves the whole path
is established. The fan-out then starts all streams together (``/go`` on the upstream,
called directly) and compares each event's send time with its arrival; "lost" is what
the upstream wrote minus what arrived.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import aiohttp

from ..stats import summary

OPENING = 200
_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=30)


class _Stream:
    """One event stream: waits for its ``open`` event, then reads until ``end``."""

    def __init__(self, session: aiohttp.ClientSession, url: str, headers: dict[str, str]):
        self.session = session
        self.url = url
        self.headers = {**headers, "Accept": "text/event-stream"}
        self.opened = asyncio.get_running_loop().create_future()
        self.latencies: list[int] = []
        self.received = 0
        self.ended = False
        self.error: str | None = None

    async def run(self, gate: asyncio.Semaphore) -> None:
        try:
            async with gate:
                response = await self.session.get(self.url, headers=self.headers)
            try:
                if response.status != 200:
                    raise RuntimeError(f"HTTP {response.status}")
                await self._read(response.content)
            finally:
                response.release()
        except (aiohttp.ClientError, OSError, RuntimeError, TimeoutError) as exc:
            self.error = type(exc).__name__ if not isinstance(exc, RuntimeError) else str(exc)
        finally:
            if not self.opened.done():
                self.opened.set_result(False)

    async def _read(self, content: aiohttp.StreamReader) -> None:
        name = b""
        latencies = self.latencies
        while True:
            line = await content.readline()
            now = time.monotonic_ns()
            if not line:
                return
            if line.startswith(b"data: "):
                if name == b"open":
                    self.opened.set_result(True)
                elif name == b"end":
                    self.ended = True
                    return
                else:
                    fields = line.split(b" ", 3)
                    latencies.append(now - int(fields[2]))
                    self.received += 1
            elif line.startswith(b"event: "):
                name = line[7:].strip()
            elif line == b"\n":
                name = b""


async def _open_all(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str], count: int, timeout: float
) -> tuple[list[_Stream], list[asyncio.Task[None]], int]:
    gate = asyncio.Semaphore(OPENING)
    streams = [_Stream(session, url, headers) for _ in range(count)]
    tasks = [asyncio.ensure_future(s.run(gate)) for s in streams]
    done, _ = await asyncio.wait([s.opened for s in streams], timeout=timeout)
    opened = sum(1 for f in done if f.result())
    return streams, tasks, opened


async def _control(session: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    async with session.get(url) as response:
        return await response.json(content_type=None)  # type: ignore[no-any-return]


def _errors(streams: list[_Stream]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for stream in streams:
        if stream.error:
            counts[stream.error] = counts.get(stream.error, 0) + 1
    return counts


async def fanout(spec: dict[str, Any]) -> dict[str, Any]:
    """Open ``streams`` streams, start them, measure every event's latency."""
    count, events, run = spec["streams"], spec["events"], spec["run"]
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(connector=connector, timeout=_TIMEOUT) as session:
        url = f"{spec['url']}?run={run}&n={events}"
        streams, tasks, opened = await _open_all(session, url, spec["headers"], count, 60)
        await _control(session, f"{spec['control']}/go?run={run}")
        started = time.monotonic()
        await asyncio.wait(tasks, timeout=events * 0.1 + 30)
        seconds = time.monotonic() - started
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        stats = await _control(session, f"{spec['control']}/stats?run={run}")
    latencies = [ns / 1e6 for s in streams for ns in s.latencies]
    received = sum(s.received for s in streams)
    return {
        "streams": count,
        "opened": opened,
        "ended": sum(1 for s in streams if s.ended),
        "sent": stats["sent"],
        "received": received,
        "lost": stats["sent"] - received,
        "seconds": seconds,
        "latency_ms": summary(latencies),
        "errors": _errors(streams),
    }


async def idle(spec: dict[str, Any]) -> dict[str, Any]:
    """Open ``streams`` idle streams, report, hold them until told, let the upstream end them."""
    count, run = spec["streams"], spec["run"]
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector, timeout=_TIMEOUT) as session:
        url = f"{spec['url']}?run={run}&idle=1"
        streams, tasks, opened = await _open_all(session, url, spec["headers"], count, 120)
        open_seconds = time.monotonic() - started
        ready = {"event": "ready", "opened": opened, "seconds": open_seconds}
        print(json.dumps(ready), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        await _control(session, f"{spec['control']}/release?run={run}")
        await asyncio.wait(tasks, timeout=60)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "streams": count,
        "opened": opened,
        "open_seconds": open_seconds,
        "ended": sum(1 for s in streams if s.ended),
        "errors": _errors(streams),
    }
