"""Forward an admitted HTTP request (event streams included) to its target, streaming both ways.

Small bodies are read whole in one call each way (cheaper than a streaming loop); larger
ones and event streams are copied chunk by chunk with awaited writes, which is the
back-pressure: a browser that stops reading stops the target, through the client's
bounded read buffer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp
import structlog
from aiohttp import web
from multidict import istr
from yarl import URL

from ..edge.errors import BodyTooLarge, ProxyError, UpstreamError, UpstreamRedirect
from ..logs import ACCESS
from ..policy.gate import Admission
from ..target.parse import upstream_url
from .event_tap import Ended, EventTap
from .failures import UPSTREAM_ERRORS, upstream_failure
from .headers import REDIRECT_HEADER, browser_headers

if TYPE_CHECKING:
    from ..proxy import Proxy

log = structlog.get_logger("opencode_proxy.proxy")

# Bodies up to this size are read whole in one call: cheaper than a streaming loop.
SMALL_BODY = 64 * 1024
EVENT_STREAM = "text/event-stream"
_ACCEPT = istr("Accept")
_NO_BODY_STATUSES = frozenset({204, 304})
# The statuses a browser follows. Even without a Location header, a fetch with
# redirect: "manual" hides such an answer entirely, so the UI could not say where it led.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(slots=True)
class Exchange:
    """What happened to one proxied request, for its log line and metrics."""

    bytes_in: int = 0
    bytes_out: int = 0
    status: int = 0
    outcome: str = "ok"
    # Why the browser's upload was given up (too large, stalled), raised in the upload.
    body_error: ProxyError | None = None


class HttpRelay:
    """Relays admitted requests; one per application."""

    def __init__(self, proxy: Proxy):
        self.upstream = proxy.upstream
        self.metrics = proxy.metrics
        self.activity = proxy.activity
        self.stream_cap = proxy.stream_cap
        self.streams = proxy.streams
        self.vault = proxy.vault
        self.guard = proxy.guard
        self.rules = proxy.header_rules
        self.max_body = proxy.settings.max_body_size
        self.access_log = proxy.settings.access_log

    async def relay(
        self, request: web.Request, admission: Admission, tail: str, query: str, request_id: str
    ) -> web.StreamResponse:
        """Forward one request and relay its answer."""
        target = admission.target
        url = upstream_url(target, tail, query)
        exchange = Exchange()
        events = EVENT_STREAM in request.headers.get(_ACCEPT, "")
        # Event streams reconnect by themselves; only their content can be activity.
        active = not events and self.activity.request_started("/" + tail)
        started = time.monotonic()
        try:
            if not events:
                return await self._forward(request, admission, url, exchange, request_id, False)
            # EventSource announces itself: count the stream against the cap before
            # connecting, so a client over its cap costs the target nothing.
            with self.stream_cap.holding(admission.client):
                return await self._forward(request, admission, url, exchange, request_id, True)
        except asyncio.CancelledError:
            exchange.outcome = "client_gone"
            raise
        finally:
            if active:
                self.activity.request_ended()
            self._account(request, admission, url.raw_path, exchange, started, request_id)

    def _account(
        self,
        request: web.Request,
        admission: Admission,
        path: str,
        exchange: Exchange,
        started: float,
        request_id: str,
    ) -> None:
        metrics = self.metrics
        host_port = admission.target.host_port
        if exchange.status:
            metrics.count_request(request.method, exchange.status, host_port)
        if exchange.outcome == "upstream_failed":
            metrics.upstream_errors.labels("failed_mid_body").inc()
        metrics.bytes_in += exchange.bytes_in
        metrics.bytes_out += exchange.bytes_out
        if self.access_log:
            ACCESS(
                request_id=request_id,
                method=request.method,
                target=host_port,
                path=path,
                status=exchange.status,
                outcome=exchange.outcome,
                bytes_in=exchange.bytes_in,
                bytes_out=exchange.bytes_out,
                duration_ms=round((time.monotonic() - started) * 1000, 2),
            )

    async def _forward(
        self,
        request: web.Request,
        admission: Admission,
        url: URL,
        exchange: Exchange,
        request_id: str,
        counted: bool,
    ) -> web.StreamResponse:
        target = admission.target
        limit = self.max_body
        length = request.content_length
        if limit and length is not None and length > limit:
            raise BodyTooLarge.over(limit)
        headers = self.rules.upstream(
            request, target, request_id, await self.vault.authorization_for(request, target)
        )
        data: bytes | AsyncIterator[bytes] | None = None
        if request.body_exists:
            if length is not None and length <= SMALL_BODY:
                data = await request.read()
                exchange.bytes_in = len(data)
            else:
                if length is not None:
                    headers["Content-Length"] = str(length)
                data = self._upload(request, exchange, limit)
        sent = time.monotonic()
        try:
            upstream = await self.upstream.request(target, request.method, url, headers, data)
        except UPSTREAM_ERRORS as exc:
            exchange.outcome = "unreachable"
            raise exchange.body_error or upstream_failure(exc, target) from None
        try:
            self.metrics.observe_latency(target.host_port, time.monotonic() - sent)
            if upstream.status == 101:
                # Nothing asked to switch protocols; what follows is not HTTP any more.
                exchange.outcome = "protocol_switched"
                raise UpstreamError(
                    f"The server {target.host_port} switched protocols without being asked."
                )
            exchange.status = upstream.status
            if upstream.status in REDIRECT_STATUSES:
                exchange.outcome = "redirect_refused"
                raise _redirect(upstream, target.host_port)
            return await self._answer(request, upstream, exchange, admission, request_id, counted)
        finally:
            upstream.release()

    async def _upload(
        self, request: web.Request, exchange: Exchange, limit: int
    ) -> AsyncIterator[bytes]:
        content = request.content
        try:
            while chunk := await content.readany():
                exchange.bytes_in += len(chunk)
                if limit and exchange.bytes_in > limit:
                    raise BodyTooLarge.over(limit)
                yield chunk
        except ProxyError as exc:
            # The upstream client reports a failed upload as a lost connection; keep the
            # reason, so the browser hears it (413, 408) rather than a 502.
            exchange.body_error = exc
            raise

    async def _answer(
        self,
        request: web.Request,
        upstream: aiohttp.ClientResponse,
        exchange: Exchange,
        admission: Admission,
        request_id: str,
        counted: bool,
    ) -> web.StreamResponse:
        status = upstream.status
        body_allowed = request.method != "HEAD" and status not in _NO_BODY_STATUSES
        is_event_stream = upstream.content_type == EVENT_STREAM
        length = upstream.content_length
        if body_allowed and not is_event_stream and length is not None and length <= SMALL_BODY:
            try:
                body = await upstream.read()
            except UPSTREAM_ERRORS as exc:
                exchange.outcome = "upstream_failed"
                raise upstream_failure(exc, admission.target) from None
            exchange.bytes_out = len(body)
            answer = web.Response(status=status, body=body)
            _give_headers(answer, upstream, request_id)
            return answer
        if is_event_stream and body_allowed:
            return await self._relay_events(
                request, upstream, exchange, admission.client, request_id, counted
            )

        response = web.StreamResponse(status=status)
        _give_headers(response, upstream, request_id)
        if length is not None:
            response.content_length = length
        self.guard.answering(request, response)
        await response.prepare(request)
        if body_allowed and not await _copy_body(upstream, response, exchange):
            # The body is incomplete: end the connection without the terminating chunk, so
            # the browser sees a failed download instead of a short one that looks whole.
            _abort(request)
            return response
        await response.write_eof()
        return response

    async def _relay_events(
        self,
        request: web.Request,
        upstream: aiohttp.ClientResponse,
        exchange: Exchange,
        client: str,
        request_id: str,
        counted: bool,
    ) -> web.StreamResponse:
        """An event stream: counted against the client's cap and ended cleanly on shutdown."""
        stream = _EventStream(upstream)
        self.streams.add(stream)
        log.info("stream.open", request_id=request_id, kind="sse")
        if not counted:
            # Not announced by the browser (no Accept): counted once it shows.
            self.stream_cap.acquire(client)
        try:
            response = web.StreamResponse(status=upstream.status)
            _give_headers(response, upstream, request_id)
            response.headers["Cache-Control"] = "no-cache"
            response.headers["X-Accel-Buffering"] = "no"
            self.guard.answering(request, response)
            chunked = request.version >= aiohttp.HttpVersion11
            if chunked:
                # Framed by the tap itself, so the writer must agree that it is chunked.
                response.enable_chunked_encoding()
            await response.prepare(request)
            # Headers now, not with the first event: the browser's EventSource opens.
            request.writer.send_headers()
            ended = await self._copy_events(upstream, request, response, exchange, chunked)
            if stream.closing:
                exchange.outcome = "shutdown"
                ended = True
        finally:
            self.streams.discard(stream)
            if not counted:
                self.stream_cap.release(client)
            log.info(
                "stream.close",
                request_id=request_id,
                kind="sse",
                bytes_out=exchange.bytes_out,
                outcome=exchange.outcome,
            )
        if ended:
            await response.write_eof()
        else:
            _abort(request)
        return response

    async def _copy_events(
        self,
        upstream: aiohttp.ClientResponse,
        request: web.Request,
        response: web.StreamResponse,
        exchange: Exchange,
        chunked: bool,
    ) -> bool:
        """Relay an event stream's body, through an :class:`EventTap` when the browser
        reads chunks and the body is still arriving; True when it ended normally."""
        tap = EventTap.on(upstream, request, self.activity.output) if chunked else None
        if tap is None:
            return await _copy_body(upstream, response, exchange, self.activity.output)
        try:
            ended = await tap.run()
        finally:
            exchange.bytes_out += tap.bytes_out
        if ended is Ended.EOF:
            return True
        if exchange.outcome == "ok":
            exchange.outcome = ended.value
        return False


def _give_headers(
    response: web.StreamResponse, upstream: aiohttp.ClientResponse, request_id: str
) -> None:
    """The browser's headers of a target's answer, and the request's id."""
    browser_headers(upstream.headers, response.headers)
    response.headers["X-Request-Id"] = request_id


def _redirect(upstream: aiohttp.ClientResponse, where: str) -> UpstreamRedirect:
    """The error that stands for a target's redirect: it says where, and is not followed."""
    location = upstream.headers.get("Location")
    to = f" to {location}" if location else ""
    return UpstreamRedirect(
        f"The server {where} answered with a redirect (HTTP {upstream.status}){to}, "
        "which is not followed.",
        headers={REDIRECT_HEADER: location} if location else None,
    )


async def _copy_body(
    upstream: aiohttp.ClientResponse,
    response: web.StreamResponse,
    exchange: Exchange,
    observe: Callable[[bytes], None] | None = None,
) -> bool:
    """Copy the body chunk by chunk with awaited writes; True when it ended normally."""
    content = upstream.content
    while True:
        try:
            chunk = await content.readany()
        except UPSTREAM_ERRORS:
            if exchange.outcome == "ok":
                exchange.outcome = "upstream_failed"
            return False
        if not chunk:
            return True
        if observe is not None:
            observe(chunk)
        try:
            await response.write(chunk)
        except (ConnectionError, aiohttp.ClientConnectionResetError):
            exchange.outcome = "client_gone"
            return False
        exchange.bytes_out += len(chunk)


def _abort(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.close()


class _EventStream:
    """An open event stream; shutting it down ends the browser's stream cleanly."""

    __slots__ = ("closing", "upstream")
    kind = "sse"

    def __init__(self, upstream: aiohttp.ClientResponse):
        self.upstream = upstream
        self.closing = False

    async def shutdown(self) -> None:
        self.closing = True
        self.upstream.close()
