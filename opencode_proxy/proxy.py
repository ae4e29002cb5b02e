"""Forward HTTP requests (server-sent events included) to the target, streaming both ways."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import structlog
from aiohttp import web
from multidict import CIMultiDict

from .errors import BadPath, BodyTooLarge
from .failures import UPSTREAM_ERRORS, connect_failure
from .headers import browser_response_headers, headers_for_upstream
from .keys import (
    ACTIVITY,
    CLIENT_ID,
    METRICS,
    REQUEST_ID,
    SETTINGS,
    STREAM_CAP,
    STREAMS,
    TARGET,
    UPSTREAM,
)
from .logs import ACCESS
from .policy import is_websocket_upgrade
from .targets import Target, forward_path, forward_query, upstream_url
from .upstream import Relay, UpstreamProtocolError, UpstreamResponse
from .websocket import bridge_websocket

log = structlog.get_logger("opencode_proxy.proxy")

# Bodies up to this size are read whole in one call: cheaper than a streaming loop.
SMALL_BODY = 64 * 1024
EVENT_STREAM = "text/event-stream"
_NO_BODY_STATUSES = frozenset({204, 304})


@dataclass(slots=True)
class Exchange:
    """Byte counts of one proxied request, for its log line."""

    bytes_in: int = 0
    bytes_out: int = 0
    status: int = 0
    outcome: str = "ok"


def split_raw_path(request: web.Request) -> tuple[str, str]:
    """The still-encoded path after ``<prefix>/api/proxy/``, and the raw query string."""
    path, _, query = request.raw_path.partition("?")
    base = request.app[SETTINGS].proxy_base
    if not path.startswith(base):
        # The router matched on the decoded path; an escaped prefix is not worth guessing at.
        raise BadPath(f"Proxied paths must start with {base} exactly as written.")
    return path[len(base) :], query


async def proxy_handler(request: web.Request) -> web.StreamResponse:
    """Forward one request to the target the policy middleware judged."""
    target = request[TARGET]
    tail, query = split_raw_path(request)
    if is_websocket_upgrade(request):
        return await bridge_websocket(request, target, upstream_url(target, tail, query, True))
    path = forward_path(target, tail)
    query = forward_query(query)
    app = request.app
    exchange = Exchange()
    events = EVENT_STREAM in request.headers.get("Accept", "")
    # Event streams reconnect by themselves; only their content can be activity.
    active = not events and app[ACTIVITY].request_started("/" + tail)
    started = time.monotonic()
    try:
        return await _forward(request, target, path, query, exchange, events)
    except asyncio.CancelledError:
        exchange.outcome = "client_gone"
        raise
    finally:
        if active:
            app[ACTIVITY].request_ended()
        _account(request, target, path, exchange, started)


def _account(
    request: web.Request, target: Target, path: str, exchange: Exchange, started: float
) -> None:
    app = request.app
    metrics = app[METRICS]
    if exchange.status:
        metrics.count_request(request.method, exchange.status, target.host_port)
    if exchange.outcome == "upstream_failed":
        metrics.upstream_errors.labels("failed_mid_body").inc()
    metrics.bytes_in += exchange.bytes_in
    metrics.bytes_out += exchange.bytes_out
    if app[SETTINGS].access_log:
        ACCESS(
            request_id=request[REQUEST_ID],
            method=request.method,
            target=target.host_port,
            path=path,
            status=exchange.status,
            outcome=exchange.outcome,
            bytes_in=exchange.bytes_in,
            bytes_out=exchange.bytes_out,
            duration_ms=round((time.monotonic() - started) * 1000, 2),
        )


async def _forward(
    request: web.Request,
    target: Target,
    path: str,
    query: str,
    exchange: Exchange,
    events: bool,
) -> web.StreamResponse:
    limit = request.app[SETTINGS].max_body_size
    length = request.content_length
    if limit and length is not None and length > limit:
        raise BodyTooLarge.over(limit)
    path_qs = path + "?" + query if query else path
    if not events:
        return await _connect(request, target, path_qs, exchange, limit, counted=False)
    # EventSource announces itself: count the stream against the cap before connecting, so a
    # client over its cap costs the target nothing.
    client = request[CLIENT_ID]
    cap = request.app[STREAM_CAP]
    cap.acquire(client)
    try:
        return await _connect(request, target, path_qs, exchange, limit, counted=True)
    finally:
        cap.release(client)


async def _connect(
    request: web.Request,
    target: Target,
    path_qs: str,
    exchange: Exchange,
    limit: int,
    counted: bool,
) -> web.StreamResponse:
    length = request.content_length
    data: bytes | AsyncIterator[bytes] | None = None
    if request.body_exists:
        if length is not None and length <= SMALL_BODY:
            data = await request.read()
            exchange.bytes_in = len(data)
        else:
            data = _request_body(request, exchange, limit)
    sent = time.monotonic()
    try:
        upstream = await request.app[UPSTREAM].request(
            target, request.method, path_qs, headers_for_upstream(request, target), data
        )
    except UPSTREAM_ERRORS as exc:
        exchange.outcome = "unreachable"
        raise connect_failure(exc, target) from None
    request.app[METRICS].observe_latency(target.host_port, time.monotonic() - sent)
    try:
        exchange.status = upstream.status
        return await _relay(request, upstream, exchange, counted)
    finally:
        upstream.release()


async def _request_body(
    request: web.Request, exchange: Exchange, limit: int
) -> AsyncIterator[bytes]:
    content = request.content
    while chunk := await content.readany():
        exchange.bytes_in += len(chunk)
        if limit and exchange.bytes_in > limit:
            # Raised inside the upload: the upstream client fails the exchange with it.
            raise BodyTooLarge.over(limit)
        yield chunk


async def _relay(
    request: web.Request, upstream: UpstreamResponse, exchange: Exchange, counted: bool
) -> web.StreamResponse:
    headers = browser_response_headers(upstream.headers)
    headers["X-Request-Id"] = request[REQUEST_ID]
    status = upstream.status
    body_allowed = request.method != "HEAD" and status not in _NO_BODY_STATUSES
    is_event_stream = upstream.content_type == EVENT_STREAM
    length = upstream.content_length
    if body_allowed and not is_event_stream and length is not None and length <= SMALL_BODY:
        body = await upstream.read()
        exchange.bytes_out = len(body)
        return web.Response(status=status, reason=upstream.reason, body=body, headers=headers)
    if is_event_stream and body_allowed:
        return await _relay_events(request, upstream, headers, exchange, counted)

    response = web.StreamResponse(status=status, reason=upstream.reason, headers=headers)
    if length is not None:
        response.content_length = length
    await response.prepare(request)
    if body_allowed and not await _copy_body(upstream, response, exchange):
        # The body is incomplete: end the connection without the terminating chunk, so the
        # browser sees a failed download instead of a short one that looks whole.
        _abort(request)
        return response
    await response.write_eof()
    return response


async def _relay_events(
    request: web.Request,
    upstream: UpstreamResponse,
    headers: CIMultiDict[str],
    exchange: Exchange,
    counted: bool,
) -> web.StreamResponse:
    """An event stream: counted against the client's cap and ended cleanly on shutdown."""
    cap = request.app[STREAM_CAP]
    client = request[CLIENT_ID]
    if not counted:
        cap.acquire(client)
    stream = _EventStream(upstream)
    registry = request.app[STREAMS]
    registry.add(stream)
    log.info("stream.open", request_id=request[REQUEST_ID], kind="sse")
    try:
        response = web.StreamResponse(
            status=upstream.status, reason=upstream.reason, headers=headers
        )
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Accel-Buffering"] = "no"
        await response.prepare(request)
        transport = request.transport
        if transport is None:
            raise asyncio.CancelledError  # the browser left while the headers went out
        relay = Relay(
            transport,
            chunked=response.headers.get("Transfer-Encoding") == "chunked",
            observe=request.app[ACTIVITY].output,
        )
        try:
            ended = await upstream.relay_body(relay)
        finally:
            exchange.bytes_out = relay.sent
        if not ended:
            exchange.outcome = "upstream_failed"
        if stream.closing:
            exchange.outcome = "shutdown"
            ended = True
    except asyncio.CancelledError:
        exchange.outcome = "client_gone"
        raise
    finally:
        registry.discard(stream)
        if not counted:
            cap.release(client)
        log.info(
            "stream.close",
            request_id=request[REQUEST_ID],
            kind="sse",
            bytes_out=exchange.bytes_out,
            outcome=exchange.outcome,
        )
    if ended:
        await response.write_eof()
    else:
        _abort(request)
    return response


async def _copy_body(
    upstream: UpstreamResponse,
    response: web.StreamResponse,
    exchange: Exchange,
) -> bool:
    """Copy the body chunk by chunk with awaited writes; True when it ended normally."""
    while True:
        try:
            chunk = await upstream.read_chunk()
        except (OSError, UpstreamProtocolError):
            exchange.outcome = "upstream_failed"
            return False
        if not chunk:
            return True
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

    def __init__(self, upstream: UpstreamResponse):
        self.upstream = upstream
        self.closing = False

    async def shutdown(self) -> None:
        self.closing = True
        self.upstream.close()
