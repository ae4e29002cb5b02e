"""A lean HTTP/1.1 client for proxied requests: pooled keep-alive connections, streamed bodies.

aiohttp's client does a great deal per request that a proxy does not need (cookie jars,
redirects, auto headers, URL requoting, tracing); on a small request it costs several
times what the server side does. This client does one thing: write the request the
proxy built, parse the response with ``httptools`` (llhttp, the parser Node.js uses),
and hand the body over chunk by chunk with flow control in both directions.

Names are resolved with the guarded resolver once per new connection, and the connection
is made to exactly the addresses it returned (see :mod:`.addresses`). Websockets still go
through aiohttp's client, which speaks the websocket protocol.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import cast

import httptools
from aiohttp.abc import AbstractResolver
from multidict import CIMultiDict, CIMultiDictProxy

from .targets import Target

# Pause reading from the target when this much body waits for the browser; resume below LOW.
HIGH_WATER = 256 * 1024
LOW_WATER = 64 * 1024
# How often a relay paused for a slow browser looks whether its buffer has drained.
RELAY_DRAIN_POLL = 0.02
# Shorter than the keep-alive timeouts servers commonly use (Node 5 s, Bun 10 s), so the
# target rarely closes a connection just as the proxy reuses it.
IDLE_TIMEOUT = 4.0
# Methods that may be sent again when a reused connection turns out dead (RFC 9110 9.2.2).
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
MAX_IDLE_PER_TARGET = 64
_NO_BODY = frozenset({204, 304})
# Bodies longer than this skip the parser once their headers are read.
RAW_BODY_MIN = 64 * 1024

Body = bytes | AsyncIterator[bytes] | None


class Relay:
    """Where a relayed body goes: the browser's transport, framed as it expects."""

    __slots__ = ("chunked", "observe", "sent", "transport")

    def __init__(
        self,
        transport: asyncio.Transport,
        chunked: bool,
        observe: Callable[[bytes], None] | None = None,
    ):
        self.transport = transport
        self.chunked = chunked
        self.observe = observe
        self.sent = 0


class UpstreamConnectError(Exception):
    """The target could not be connected to; ``cause`` says why (OSError, TimeoutError...)."""

    def __init__(self, cause: BaseException):
        super().__init__(str(cause))
        self.cause = cause


class UpstreamProtocolError(Exception):
    """The target broke the HTTP exchange (closed early, or answered garbage)."""


class _Stale(Exception):
    """A reused connection died before answering: safe to retry on a fresh one."""


class UpstreamResponse:
    """Status and headers of a target's answer, and its body as a stream of chunks."""

    __slots__ = ("_connection", "content_length", "content_type", "headers", "reason", "status")

    def __init__(
        self, connection: _Connection, status: int, reason: str, headers: CIMultiDict[str]
    ):
        self._connection = connection
        self.status = status
        self.reason = reason
        self.headers = CIMultiDictProxy(headers)
        length = headers.get("Content-Length")
        self.content_length = int(length) if length is not None and length.isdigit() else None
        self.content_type = headers.get("Content-Type", "").partition(";")[0].strip().lower()

    async def read_chunk(self) -> bytes:
        """The next piece of the body, ``b""`` at its end; raises if the body is cut short."""
        return await self._connection.read_chunk()

    async def relay_body(self, relay: Relay) -> bool:
        """Pass the body straight to the browser's transport; True when it ended whole."""
        return await self._connection.relay_body(relay)

    async def read(self) -> bytes:
        """The whole body (for small bodies only)."""
        parts = []
        while chunk := await self._connection.read_chunk():
            parts.append(chunk)
        return b"".join(parts)

    def release(self) -> None:
        """Done with the response: keep the connection if it is whole and reusable."""
        self._connection.finish()

    def close(self) -> None:
        """Abandon the response and its connection (wakes a reader with an error)."""
        self._connection.abort()


class _Connection(asyncio.Protocol):
    """One keep-alive connection to a target, carrying one exchange at a time."""

    def __init__(self, pool: UpstreamPool, key: tuple[str, str, int]):
        self.pool = pool
        # Looked up once: asyncio.get_running_loop() calls getpid() on Python 3.11.
        self.loop = asyncio.get_running_loop()
        self.key = key
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.reusable = True
        self.reused = False
        self._head_only = False
        self._headers: CIMultiDict[str] = CIMultiDict()
        self._reason = b""
        self._head: asyncio.Future[UpstreamResponse] | None = None
        self._chunks: deque[bytes] = deque()
        self._buffered = 0
        self._complete = False
        self._bounded = True
        # Body bytes still expected of a large response with a Content-Length; they go
        # straight to the reader without the parser, which would copy them once more.
        self._raw_remaining = 0
        self._keep_alive = True
        self._error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._drain: asyncio.Future[None] | None = None
        self._reading_paused = False
        self.idle_since = 0.0
        self._writer: asyncio.Task[None] | None = None
        self.chunked_body = False
        self._relay: Relay | None = None

    # -- asyncio.Protocol -------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self._raw_remaining:
            self._raw_body(data)
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(UpstreamProtocolError(f"malformed response: {exc}"))
            self.abort()

    def eof_received(self) -> bool | None:
        self._ended()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        self.pool._forget(self)
        if self._drain is not None and not self._drain.done():
            self._drain.set_exception(ConnectionResetError("target closed the connection"))
        self._ended(exc)

    def pause_writing(self) -> None:
        if self._drain is None or self._drain.done():
            self._drain = self.loop.create_future()

    def resume_writing(self) -> None:
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)

    # -- httptools callbacks ----------------------------------------------------------

    def on_message_begin(self) -> None:
        self._headers = CIMultiDict()
        self._reason = b""

    def on_status(self, status: bytes) -> None:
        self._reason += status

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.add(name.decode("latin-1"), value.decode("utf-8", "replace"))

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        if 100 <= status < 200:
            return  # an interim answer (103 Early Hints): the real one follows
        headers = self._headers
        self._bounded = (
            status in _NO_BODY
            or "Content-Length" in headers
            or "chunked" in headers.get("Transfer-Encoding", "").lower()
        )
        response = UpstreamResponse(self, status, self._reason.decode("latin-1"), headers)
        length = response.content_length
        if length is not None and length > RAW_BODY_MIN and not self._head_only:
            self._raw_remaining = length
            self._keep_alive = self.parser.should_keep_alive()
        if self._head_only:
            # httptools cannot be told a HEAD answer has no body: end it here and never
            # reuse the connection, whose parser would wait for the announced body.
            self._complete = True
            self.reusable = False
        if self._head is not None and not self._head.done():
            self._head.set_result(response)

    def on_body(self, body: bytes) -> None:
        if self._raw_remaining:
            self._raw_remaining -= len(body)
        self._push(body)

    def _push(self, body: bytes) -> None:
        if self._relay is not None:
            self._relay_write(body)
            return
        self._chunks.append(body)
        self._buffered += len(body)
        if self._buffered > HIGH_WATER and not self._reading_paused and self.transport is not None:
            self._reading_paused = True
            self.transport.pause_reading()
        self._wake()

    def on_message_complete(self) -> None:
        if 100 <= self.parser.get_status_code() < 200:
            return
        self._raw_remaining = 0
        self._complete = True
        if not self.parser.should_keep_alive():
            self.reusable = False
        self._wake()

    def _raw_body(self, data: bytes) -> None:
        """The rest of a large body, past the parser (which is replaced once it is done)."""
        if len(data) > self._raw_remaining:
            # Bytes after the announced body: nothing was asked for, so the target is broken.
            data = data[: self._raw_remaining]
            self.reusable = False
        self._raw_remaining -= len(data)
        self._push(data)
        if not self._raw_remaining:
            self.parser = httptools.HttpResponseParser(self)
            self._complete = True
            if not self._keep_alive:
                self.reusable = False
            self._wake()

    # -- the exchange -----------------------------------------------------------------

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def _fail(self, error: BaseException) -> None:
        self.reusable = False
        if self._error is None:
            self._error = error
        if self._head is not None and not self._head.done():
            self._head.set_exception(error)
        self._wake()

    def _ended(self, exc: Exception | None = None) -> None:
        """The target closed its side: that ends a body without a length, else it is an error."""
        self.reusable = False
        if self._complete:
            return
        headers_seen = self._head is not None and self._head.done()
        if headers_seen and not self._bounded and exc is None:
            self._complete = True
            self._wake()
        elif headers_seen:
            self._fail(ConnectionResetError("the target closed the connection mid-body"))
        else:
            self._fail(_Stale() if self.reused else UpstreamProtocolError("no answer"))

    async def exchange(
        self, head: bytes, body: Body, chunked: bool, head_only: bool
    ) -> UpstreamResponse:
        """Send a request and wait for the response's status and headers."""
        assert self.transport is not None
        self._head = self.loop.create_future()
        self._head_only = head_only
        self.chunked_body = chunked
        self._complete = False
        self._error = None
        self._chunks.clear()
        self._buffered = 0
        if body is None:
            self.transport.write(head)
        elif isinstance(body, bytes):
            self.transport.write(head + body if len(body) < 65536 else head)
            if len(body) >= 65536:
                self.transport.write(body)
        else:
            self.transport.write(head)
            self._writer = asyncio.ensure_future(self._write_body(body))
        try:
            return await self._head
        except BaseException:
            self._cancel_writer()
            raise

    async def _write_body(self, body: AsyncIterator[bytes]) -> None:
        """Stream a request body (chunked unless the head announced a length)."""
        chunked = self.chunked_body
        try:
            async for chunk in body:
                if not chunk or self.transport is None or self.transport.is_closing():
                    continue
                if chunked:
                    self.transport.write(b"%x\r\n%b\r\n" % (len(chunk), chunk))
                else:
                    self.transport.write(chunk)
                if self._drain is not None and not self._drain.done():
                    await self._drain
            if chunked and self.transport is not None and not self.transport.is_closing():
                self.transport.write(b"0\r\n\r\n")
        except Exception as exc:
            # The browser's upload failed or was refused: the target must not take a
            # short body for a whole one, so this connection is finished.
            self._fail(exc)
            self.abort()

    def _cancel_writer(self) -> None:
        if self._writer is not None and not self._writer.done():
            self._writer.cancel()
            self.reusable = False

    def _relay_write(self, body: bytes) -> None:
        relay = self._relay
        assert relay is not None
        sink = relay.transport
        if sink.is_closing():
            return  # the browser is gone; its handler is being cancelled
        sink.write(b"%x\r\n%b\r\n" % (len(body), body) if relay.chunked else body)
        relay.sent += len(body)
        if relay.observe is not None:
            relay.observe(body)
        if sink.get_write_buffer_size() > HIGH_WATER and self.transport is not None:
            # The browser reads slower than the target writes: stop reading the target
            # until the browser's buffer drains (relay_body watches for that).
            if not self._reading_paused:
                self._reading_paused = True
                self.transport.pause_reading()
            self._wake()

    async def relay_body(self, relay: Relay) -> bool:
        """Pass the rest of the body to ``relay`` as it arrives; True when it ended whole.

        Each piece is written to the browser from the protocol callback that parsed it, so
        an event costs no task switch; the waiting task only sees the end and flow control.
        """
        for chunk in self._chunks:
            self._buffered -= len(chunk)
        queued, self._chunks = list(self._chunks), deque()
        self._relay = relay
        for chunk in queued:
            self._relay_write(chunk)
        try:
            while True:
                if self._complete:
                    return True
                if self._error is not None:
                    return False
                if self._reading_paused:
                    await asyncio.sleep(RELAY_DRAIN_POLL)
                    if relay.transport.get_write_buffer_size() <= LOW_WATER:
                        self._reading_paused = False
                        if self.transport is not None:
                            self.transport.resume_reading()
                    continue
                self._waiter = self.loop.create_future()
                try:
                    await self._waiter
                finally:
                    self._waiter = None
        finally:
            self._relay = None

    async def read_chunk(self) -> bytes:
        while True:
            if self._chunks:
                chunk = self._chunks.popleft()
                self._buffered -= len(chunk)
                if (
                    self._reading_paused
                    and self._buffered < LOW_WATER
                    and self.transport is not None
                ):
                    self._reading_paused = False
                    self.transport.resume_reading()
                return chunk
            if self._complete:
                return b""
            if self._error is not None:
                raise self._error if not isinstance(self._error, _Stale) else ConnectionResetError()
            self._waiter = self.loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    def finish(self) -> None:
        """The caller is done: back to the pool if the exchange ended cleanly."""
        writer_done = self._writer is None or self._writer.done()
        if self._complete and not self._chunks and self.reusable and writer_done:
            self._writer = None
            self.pool._put(self)
        else:
            self.abort()

    def abort(self) -> None:
        self.reusable = False
        self._cancel_writer()
        if self.transport is not None:
            self.transport.close()
        self._fail(ConnectionResetError("connection closed"))


def request_head(method: str, path: str, headers: CIMultiDict[str]) -> bytes:
    """The request line and headers, ready for the wire."""
    lines = [f"{method} {path} HTTP/1.1"]
    lines.extend(f"{name}: {value}" for name, value in headers.items())
    text = "\r\n".join(lines) + "\r\n\r\n"
    # Browsers' header values arrive decoded as UTF-8 (with escapes for invalid bytes).
    return text.encode("utf-8", "surrogateescape")


class UpstreamPool:
    """Keep-alive connections by target, reused most-recently-used first."""

    def __init__(
        self,
        resolver: AbstractResolver,
        connect_timeout: float,
        ssl_context: ssl.SSLContext | None = None,
    ):
        self.resolver = resolver
        self.connect_timeout = connect_timeout
        self.ssl_context = ssl_context
        # Idle connections by target, oldest first; a sweep closes those idle too long.
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._sweep_handle: asyncio.TimerHandle | None = None
        self._all: set[_Connection] = set()

    async def request(
        self,
        target: Target,
        method: str,
        path: str,
        headers: CIMultiDict[str],
        body: Body = None,
    ) -> UpstreamResponse:
        """Send one request to the target; the response's body is read from the result."""
        chunked = False
        if isinstance(body, bytes):
            headers["Content-Length"] = str(len(body))
        elif body is not None and "Content-Length" not in headers:
            headers["Transfer-Encoding"] = "chunked"
            chunked = True
        head = request_head(method, path, headers)
        key = (target.scheme, target.host, target.port)
        replayable = body is None or isinstance(body, bytes)
        connection = self._take(key) if replayable else None
        if connection is None:
            connection = await self._connect(target, key)
        try:
            try:
                return await connection.exchange(head, body, chunked, method == "HEAD")
            except _Stale:
                # The target closed an idle connection just as it was reused; a fresh one
                # gets the same request again, which is safe for idempotent methods only.
                if method not in _IDEMPOTENT:
                    raise UpstreamProtocolError("the target closed the connection") from None
                connection = await self._connect(target, key)
                return await connection.exchange(head, body, chunked, method == "HEAD")
        except asyncio.CancelledError:
            connection.abort()
            raise

    def _take(self, key: tuple[str, str, int]) -> _Connection | None:
        idle = self._idle.get(key)
        while idle:
            connection = idle.pop()
            if connection.loop.time() - connection.idle_since > IDLE_TIMEOUT:
                connection.abort()  # idle too long: the sweep had not come round yet
                continue
            if connection.transport is not None and not connection.transport.is_closing():
                connection.reused = True
                return connection
        return None

    def _put(self, connection: _Connection) -> None:
        idle = self._idle.setdefault(connection.key, [])
        if len(idle) >= MAX_IDLE_PER_TARGET:
            connection.abort()
            return
        loop = connection.loop
        connection.idle_since = loop.time()
        idle.append(connection)
        if self._sweep_handle is None:
            # One timer for the pool rather than one per returned connection.
            self._sweep_handle = loop.call_later(IDLE_TIMEOUT, self._sweep, loop)

    def _sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        """Close connections idle longer than IDLE_TIMEOUT; come back while any are left."""
        self._sweep_handle = None
        stale_before = loop.time() - IDLE_TIMEOUT
        for idle in list(self._idle.values()):
            while idle and idle[0].idle_since <= stale_before:
                idle.pop(0).abort()
        if any(self._idle.values()):
            self._sweep_handle = loop.call_later(IDLE_TIMEOUT / 2, self._sweep, loop)

    def _forget(self, connection: _Connection) -> None:
        self._all.discard(connection)
        idle = self._idle.get(connection.key)
        if idle and connection in idle:
            idle.remove(connection)

    async def _connect(self, target: Target, key: tuple[str, str, int]) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.connect_timeout):
                addresses = await self._addresses(target)
                error: BaseException | None = None
                for address in addresses:
                    try:
                        _, protocol = await loop.create_connection(
                            lambda: _Connection(self, key),
                            address,
                            target.port,
                            ssl=self._ssl(target),
                            server_hostname=target.host if target.scheme == "https" else None,
                        )
                        break
                    except OSError as exc:
                        error = exc
                else:
                    raise error or OSError("no address to connect to")
        except (OSError, TimeoutError) as exc:
            raise UpstreamConnectError(exc) from None
        self._all.add(protocol)
        return protocol

    async def _addresses(self, target: Target) -> list[str]:
        if target.ip is not None:
            return [target.host]
        results = await self.resolver.resolve(target.host, target.port, socket.AF_UNSPEC)
        return [result["host"] for result in results]

    def _ssl(self, target: Target) -> ssl.SSLContext | None:
        if target.scheme != "https":
            return None
        if self.ssl_context is None:
            self.ssl_context = ssl.create_default_context()
        return self.ssl_context

    async def close(self) -> None:
        """Close every connection."""
        for connection in list(self._all):
            connection.abort()
        self._idle.clear()
        if self._sweep_handle is not None:
            self._sweep_handle.cancel()
            self._sweep_handle = None
        await asyncio.sleep(0)
