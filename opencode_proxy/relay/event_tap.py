"""An event stream's bytes passed on from inside the upstream connection's data callback.

Event streams are many small writes, each of them urgent (an agent's reply arrives as
one ``message.part.delta`` event per token). Copying them with a task, the way other
bodies are copied (``await readany()`` then ``await write()``), costs a task wake-up and
two coroutine round trips per event; with a thousand streams at ten events a second
that doubled the proxy's latency at the 99th percentile over nginx's (see
``docs/benchmarks.md``). So, on top of aiohttp's own response and its own HTTP parser
(no second client), the upstream connection's protocol calls :meth:`EventTap.forward`
right after each piece of data it parsed, and the tap moves whatever the response's
stream now holds straight to the browser's transport as one HTTP chunk.

Back-pressure is kept: while the browser's transport has more queued than its high-water
mark (the web protocol's ``writing_paused``), the tap stops taking data, so the body
collects in the response's bounded buffer and aiohttp pauses reading from the target;
the relaying task then waits for the browser to drain and attaches the tap again.
No library offers a callback-driven relay on top of aiohttp's client, hence this module.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from enum import Enum

import aiohttp
from aiohttp import web

from .client import AnswerGuard
from .failures import UPSTREAM_ERRORS


class Ended(Enum):
    """Why the tap let go."""

    EOF = "eof"  # the target ended the stream
    UPSTREAM_FAILED = "upstream_failed"  # the target's connection broke mid-stream
    CLIENT_GONE = "client_gone"  # the browser went away
    BACKPRESSURE = "backpressure"  # the browser is not reading: wait, then attach again


class EventTap:
    """Moves one event stream's bytes to the browser from the upstream protocol's callback."""

    __slots__ = (
        "_busy",
        "_content",
        "_ended",
        "_observe",
        "_protocol",
        "_request",
        "bytes_out",
    )

    def __init__(
        self,
        protocol: AnswerGuard,
        upstream: aiohttp.ClientResponse,
        request: web.Request,
        observe: Callable[[bytes], None] | None = None,
    ):
        self._protocol = protocol
        self._content = upstream.content
        self._request = request
        self._observe = observe
        self._ended: asyncio.Future[Ended] | None = None
        self._busy = False
        self.bytes_out = 0

    @classmethod
    def on(
        cls,
        upstream: aiohttp.ClientResponse,
        request: web.Request,
        observe: Callable[[bytes], None] | None = None,
    ) -> EventTap | None:
        """A tap on the response's connection; None when there is none any more (the
        whole body is already in the response's buffer: copy it the ordinary way)."""
        connection = upstream.connection
        protocol = connection.protocol if connection is not None else None
        if not isinstance(protocol, AnswerGuard):
            return None
        return cls(protocol, upstream, request, observe)

    async def run(self) -> Ended:
        """Relay until the stream ends; return how it ended (never BACKPRESSURE)."""
        while True:
            ended = await self._attached()
            if ended is not Ended.BACKPRESSURE:
                return ended
            try:
                await self._request.writer.drain()
            except (ConnectionError, aiohttp.ClientConnectionResetError):
                return Ended.CLIENT_GONE

    async def _attached(self) -> Ended:
        protocol = self._protocol
        self._ended = asyncio.get_running_loop().create_future()
        protocol.tap = self
        try:
            self.forward()  # what arrived while detached
            return await self._ended
        finally:
            protocol.tap = None
            self._ended = None

    def forward(self) -> None:
        """Called by the upstream protocol after it parsed data or lost its connection."""
        ended = self._ended
        if self._busy or ended is None or ended.done():
            return
        # Reading can resume the parser, which calls back in here with more: loop instead.
        self._busy = True
        try:
            why = self._move()
            if why is not None:
                ended.set_result(why)
        finally:
            self._busy = False

    def _move(self) -> Ended | None:
        content = self._content
        transport = self._request.transport
        writing = self._request.protocol
        while True:
            if transport is None or transport.is_closing():
                return Ended.CLIENT_GONE
            if writing.writing_paused:
                return Ended.BACKPRESSURE
            try:
                data = content.read_nowait()
            except UPSTREAM_ERRORS:
                return Ended.UPSTREAM_FAILED
            if not data:
                break
            if self._observe is not None:
                self._observe(data)
            transport.write(b"%x\r\n%b\r\n" % (len(data), data))
            self.bytes_out += len(data)
        if content.exception() is not None:
            return Ended.UPSTREAM_FAILED
        if content.is_eof():
            return Ended.EOF
        if self._protocol.transport is None:
            # The connection closed without the stream's end.
            return Ended.UPSTREAM_FAILED
        return None
