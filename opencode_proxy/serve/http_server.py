"""The HTTP server underneath the application: deadlines for slow clients, JSON parse errors,
and the proxy's lane in front of the router (:mod:`.proxy_lane`).

aiohttp waits as long as a connection's keep-alive timeout for a request's headers, and
forever for its body, so a client sending them a byte at a time (slowloris) would hold
its connection and its handler. :class:`_GuardedHandler` adds two deadlines, written by
hand because aiohttp has no option for either:

- **headers**: a request's headers must be complete within ``header_timeout`` seconds,
  counted from a new connection, or from the first byte of each later request on a
  kept-alive one (an idle kept-alive connection is aiohttp's keep-alive timeout's);
- **body**: a request body may stall for at most ``body_timeout`` seconds while the
  proxy wants more of it (not while the proxy itself has paused reading, for a slow
  target); then the handler's read fails with ``408 body_timeout``.

It relies on two of aiohttp's internals, the parser's count of requests and its queue of
parsed ones, and the tests of both deadlines would notice them change. A request too
malformed to reach the application (oversized headers, bad framing) still gets the
service's JSON error instead of aiohttp's plain text.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import structlog
from aiohttp import web
from aiohttp.http_exceptions import LineTooLong
from aiohttp.streams import StreamReader
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from ..edge.errors import BodyTimeout, error_response
from ..settings import Settings
from .drain import Drain
from .proxy_lane import ProxyLane

log = structlog.get_logger("opencode_proxy.server")

# Limits on the browser's request line and each header (the proxy's own answers to
# bigger ones are 431).
MAX_REQUEST_LINE = 16 * 1024
MAX_REQUEST_FIELD = 16 * 1024
KEEPALIVE_TIMEOUT = 75.0
LISTEN_BACKLOG = 1024


class _GuardedHandler(RequestHandler):
    header_timeout = 10.0
    body_timeout = 30.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._op_loop = asyncio.get_running_loop()
        self._op_body: StreamReader | None = None
        self._op_body_timer: asyncio.TimerHandle | None = None
        self._op_progress = 0.0
        # When the headers now arriving began (None between requests). One timer per
        # connection checks it; it is not armed and cancelled for every request.
        self._op_head_since: float | None = self._op_loop.time()
        self._op_head_timer: asyncio.TimerHandle | None = None
        self._arm_head_timer(self._op_head_since)

    def data_received(self, data: bytes) -> None:
        body = self._op_body
        if body is not None and not body.is_eof():
            self._op_progress = self._op_loop.time()
        elif data and self._op_head_since is None and not self._upgraded:
            # The first byte of a new request: its headers are on the clock from now.
            self._op_head_since = now = self._op_loop.time()
            if self._op_head_timer is None:
                self._arm_head_timer(now)
        count = self._request_count
        super().data_received(data)
        if self._request_count != count and self._messages:
            self._headers_complete(self._messages[-1][1])

    def _arm_head_timer(self, since: float) -> None:
        self._op_head_timer = self._op_loop.call_at(
            since + self.header_timeout, self._check_headers
        )

    def _check_headers(self) -> None:
        self._op_head_timer = None
        since = self._op_head_since
        if since is None:
            return  # between requests; the next first byte arms it again
        if self._op_loop.time() < since + self.header_timeout:
            self._arm_head_timer(since)  # a later request's headers, still in time
            return
        log.info("connection.headers_timeout", timeout=self.header_timeout)
        if self.transport is not None:
            self.transport.close()

    def _headers_complete(self, payload: StreamReader) -> None:
        self._op_head_since = None
        if payload.is_eof() or self._upgraded:
            self._op_body = None
            return
        self._op_body = payload
        self._op_progress = self._op_loop.time()
        if self._op_body_timer is None:
            self._op_body_timer = self._op_loop.call_later(self.body_timeout, self._check_body)

    def _check_body(self) -> None:
        self._op_body_timer = None
        body = self._op_body
        if body is None or body.is_eof():
            return
        now = self._op_loop.time()
        if self._reading_paused:
            # The proxy stopped reading (its target is slower): not the client's stall.
            self._op_progress = now
        stalled_until = self._op_progress + self.body_timeout
        if now < stalled_until:
            self._op_body_timer = self._op_loop.call_at(stalled_until, self._check_body)
            return
        log.info("connection.body_timeout", timeout=self.body_timeout)
        self._op_body = None
        self.close()  # no further request on this connection
        body.set_exception(
            BodyTimeout(
                f"No part of the request body arrived for {self.body_timeout:g} s, so the "
                "request was given up."
            )
        )

    def connection_lost(self, exc: BaseException | None) -> None:
        for timer in (self._op_head_timer, self._op_body_timer):
            if timer is not None:
                timer.cancel()
        self._op_head_timer = self._op_body_timer = None
        self._op_body = None
        super().connection_lost(exc)

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if not 400 <= status < 500:
            return super().handle_error(request, status, exc, message)
        if isinstance(exc, LineTooLong) or "Too many headers" in str(exc):
            response = error_response(
                431,
                "headers_too_large",
                "The request line or headers are larger than this service accepts.",
            )
        else:
            response = error_response(status, "bad_request", "The HTTP request is malformed.")
        response.force_close()
        return response


class _GuardedServer(web.Server):
    header_timeout = 10.0
    body_timeout = 30.0

    def __call__(self) -> RequestHandler:
        handler = _GuardedHandler(self, loop=self._loop, **self._kwargs)
        handler.header_timeout = self.header_timeout
        handler.body_timeout = self.body_timeout
        return handler


class ProxyRunner(web.AppRunner):
    """An AppRunner whose connections have header and body deadlines and JSON parse errors,
    and whose server hands proxied requests to the lane before the application sees them."""

    def __init__(
        self,
        app: web.Application,
        *,
        lane: ProxyLane,
        header_timeout: float,
        body_timeout: float,
        **kwargs: Any,
    ):
        super().__init__(app, **kwargs)
        self.lane = lane
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # aiohttp builds its Server inside the app; give it our handler class in place.
        server.__class__ = _GuardedServer
        server.header_timeout = self.header_timeout  # type: ignore[attr-defined]
        server.body_timeout = self.body_timeout  # type: ignore[attr-defined]
        server.request_handler = self.lane.around(server.request_handler)
        return server


def proxy_runner(
    app: web.Application, lane: ProxyLane, settings: Settings, drain: Drain
) -> ProxyRunner:
    """The runner the service is served by (the tests' servers use it too)."""
    return ProxyRunner(
        app,
        lane=lane,
        header_timeout=settings.header_timeout,
        body_timeout=settings.body_timeout,
        handler_cancellation=True,
        access_log=None,
        # The drain has run by the time aiohttp waits for handlers: only the answers of
        # cut requests may still be going out.
        shutdown_timeout=max(0.01, drain.grace(settings.shutdown_timeout)),
        keepalive_timeout=KEEPALIVE_TIMEOUT,
    )


def server_arguments() -> dict[str, Any]:
    """What the application's HTTP server is created with."""
    return {"max_field_size": MAX_REQUEST_FIELD, "max_line_size": MAX_REQUEST_LINE}


async def serve(
    app: web.Application, lane: ProxyLane, settings: Settings, drain: Drain, *, reuse_port: bool
) -> None:
    """Serve until SIGTERM or SIGINT, then drain within the shutdown timeout and stop."""
    runner = proxy_runner(app, lane, settings, drain)
    await runner.setup()
    site = web.TCPSite(
        runner, settings.host, settings.port, reuse_port=reuse_port, backlog=LISTEN_BACKLOG
    )
    await site.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        log.info("server.stopping")
        await runner.cleanup()
