"""Fast upstreams, each run in its own process: ``python -m bench.servers KIND --port N``.

- ``events``: server-sent events on raw asyncio, so 1,000 streams at 10 events/s (or
  10,000 idle ones) cost the upstream almost nothing. ``GET /events?run=R&n=N`` opens a
  stream that sends an ``open`` event at once, then, after ``GET /go?run=R``, one event
  every 100 ms carrying its sequence number and send time (``time.monotonic_ns``, the
  same clock in every process), then an ``end`` event; ``&idle=1`` streams stay silent
  until ``GET /release?run=R``. ``GET /stats?run=R`` counts the events written.
  The upstream ends every stream and closes the connection itself, so the many short
  TIME_WAIT sockets land on its side, not on a proxy's ephemeral ports.
- ``sink``: ``POST /upload`` reads and discards the body, answers the byte count.
- ``echo``: a websocket at ``/echo`` that sends every message back.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import parse_qs, urlsplit

from aiohttp import WSMsgType, web

from opencode_proxy.serve.supervisor import new_event_loop

INTERVAL = 0.1
SLOTS = 10
PAD = b"x" * 96
_HEAD_END = b"\r\n\r\n"
_STREAM_HEAD = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/event-stream\r\n"
    b"Cache-Control: no-cache\r\n"
    b"X-Accel-Buffering: no\r\n"
    b"Transfer-Encoding: chunked\r\n"
    b"Connection: close\r\n\r\n"
)


def _chunk(payload: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(payload), payload)


@dataclass
class _Run:
    sent: int = 0
    opened: int = 0
    started: bool = False
    waiting: list[_Stream] = field(default_factory=list)
    idle: set[_Stream] = field(default_factory=set)


class _Stream:
    __slots__ = ("limit", "run", "seq", "transport")

    def __init__(self, transport: asyncio.Transport, run: _Run, limit: int):
        self.transport = transport
        self.run = run
        self.limit = limit
        self.seq = 0


class _Hub:
    """All streams, in ten slots; every 10 ms one slot gets its next event."""

    def __init__(self) -> None:
        self.runs: dict[str, _Run] = defaultdict(_Run)
        self.slots: list[set[_Stream]] = [set() for _ in range(SLOTS)]
        self._next_slot = itertools.cycle(range(SLOTS))
        self._tick = 0
        self._loop = asyncio.get_running_loop()
        self._start = self._loop.time()
        self._loop.call_at(self._start, self._on_tick)

    def schedule(self, stream: _Stream) -> None:
        self.slots[next(self._next_slot)].add(stream)

    def _on_tick(self) -> None:
        slot = self.slots[self._tick % SLOTS]
        done = []
        for stream in slot:
            if stream.transport.is_closing():
                done.append(stream)
                continue
            stream.seq += 1
            line = b"data: %d %d %s\n\n" % (stream.seq, time.monotonic_ns(), PAD)
            stream.transport.write(_chunk(line))
            stream.run.sent += 1
            if stream.seq >= stream.limit:
                _finish(stream.transport, stream.seq)
                done.append(stream)
        for stream in done:
            slot.discard(stream)
        self._tick += 1
        # Absolute deadlines: a slow tick does not shift every later one.
        self._loop.call_at(self._start + self._tick * INTERVAL / SLOTS, self._on_tick)


def _finish(transport: asyncio.Transport, count: int) -> None:
    transport.write(_chunk(b"event: end\ndata: %d\n\n" % count) + b"0\r\n\r\n")
    transport.close()


def _json(status: str, body: object) -> bytes:
    data = json.dumps(body).encode()
    return b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        status.encode(),
        len(data),
        data,
    )


class _EventsProtocol(asyncio.Protocol):
    def __init__(self, hub: _Hub):
        self.hub = hub
        self.buffer = b""
        self.streaming = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports do not subclass asyncio.Transport, but they have its methods.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self.streaming:
            return
        self.buffer += data
        while not self.streaming and _HEAD_END in self.buffer:
            head, self.buffer = self.buffer.split(_HEAD_END, 1)
            self._handle(head.split(b"\r\n", 1)[0].decode("latin-1"))

    def _handle(self, request_line: str) -> None:
        assert self.transport is not None
        parts = request_line.split(" ")
        target = urlsplit(parts[1] if len(parts) > 1 else "/")
        query = {k: v[0] for k, v in parse_qs(target.query).items()}
        run = self.hub.runs[query.get("run", "")]
        path = target.path.rsplit("/", 1)[-1]
        if path == "events":
            self.streaming = True
            self.transport.write(_STREAM_HEAD + _chunk(b"event: open\ndata: 0\n\n"))
            run.opened += 1
            stream = _Stream(self.transport, run, int(query.get("n", "0")))
            if "idle" in query:
                run.idle.add(stream)
            elif run.started:
                self.hub.schedule(stream)
            else:
                run.waiting.append(stream)
        elif path == "go":
            run.started = True
            for stream in run.waiting:
                self.hub.schedule(stream)
            count = len(run.waiting)
            run.waiting.clear()
            self.transport.write(_json("200 OK", {"streams": count}))
        elif path == "release":
            count = len(run.idle)
            for stream in run.idle:
                if not stream.transport.is_closing():
                    _finish(stream.transport, 0)
            run.idle.clear()
            self.transport.write(_json("200 OK", {"released": count}))
        elif path == "stats":
            self.transport.write(_json("200 OK", {"sent": run.sent, "opened": run.opened}))
        else:
            self.transport.write(_json("404 Not Found", {"error": "not_found"}))


async def _serve_events(port: int) -> None:
    hub = _Hub()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: _EventsProtocol(hub), "127.0.0.1", port, backlog=4096, reuse_address=True
    )
    async with server:
        await server.serve_forever()


async def _upload(request: web.Request) -> web.Response:
    received = 0
    content = request.content
    while chunk := await content.readany():
        received += len(chunk)
    return web.json_response({"received": received})


async def _echo(request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse(max_msg_size=0)
    await socket.prepare(request)
    async for message in socket:
        if message.type is WSMsgType.TEXT:
            await socket.send_str(message.data)
        elif message.type is WSMsgType.BINARY:
            await socket.send_bytes(message.data)
    return socket


def _aiohttp_app(kind: str) -> web.Application:
    app = web.Application()
    if kind == "sink":
        app.router.add_post("/upload", _upload)
    else:
        app.router.add_get("/echo", _echo)
    app.router.add_get("/health", _health)
    return app


async def _health(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def main() -> None:
    """Run one upstream until killed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=("events", "sink", "echo"))
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    if args.kind == "events":
        loop.run_until_complete(_serve_events(args.port))
    else:
        web.run_app(
            _aiohttp_app(args.kind),
            host="127.0.0.1",
            port=args.port,
            print=None,
            access_log=None,
            backlog=4096,
            loop=loop,
        )


if __name__ == "__main__":
    main()
