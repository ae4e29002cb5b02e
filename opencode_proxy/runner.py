"""The HTTP server underneath the application: a header deadline and JSON parse errors.

aiohttp waits forever for a request's headers, so a client sending them a byte at a time
(slowloris) would hold its connection open indefinitely; here the headers of a new
connection must be complete within ``header_timeout`` seconds. And a request too
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
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from .errors import error_response
from .settings import Settings

log = structlog.get_logger("opencode_proxy.server")

_HEADERS_END = b"\r\n\r\n"


class _GuardedHandler(RequestHandler):
    header_timeout = 10.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._op_tail = b""
        self._op_deadline: asyncio.TimerHandle | None = asyncio.get_running_loop().call_later(
            self.header_timeout, self._headers_too_slow
        )

    def data_received(self, data: bytes) -> None:
        if self._op_deadline is not None:
            window = self._op_tail + data
            if _HEADERS_END in window:
                self._op_deadline.cancel()
                self._op_deadline = None
            else:
                self._op_tail = window[-3:]
        super().data_received(data)

    def connection_lost(self, exc: BaseException | None) -> None:
        if self._op_deadline is not None:
            self._op_deadline.cancel()
            self._op_deadline = None
        super().connection_lost(exc)

    def _headers_too_slow(self) -> None:
        self._op_deadline = None
        log.info("connection.headers_timeout", timeout=self.header_timeout)
        if self.transport is not None:
            self.transport.close()

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

    def __call__(self) -> RequestHandler:
        handler = _GuardedHandler(self, loop=self._loop, **self._kwargs)
        handler.header_timeout = self.header_timeout
        return handler


class ProxyRunner(web.AppRunner):
    """An AppRunner whose connections have a header deadline and JSON parse errors."""

    def __init__(self, app: web.Application, *, header_timeout: float, **kwargs: Any):
        super().__init__(app, **kwargs)
        self.header_timeout = header_timeout

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # aiohttp builds its Server inside the app; give it our handler class in place.
        server.__class__ = _GuardedServer
        server.header_timeout = self.header_timeout  # type: ignore[attr-defined]
        return server


async def serve(app: web.Application, settings: Settings, *, reuse_port: bool) -> None:
    """Serve until SIGTERM or SIGINT, then shut down gracefully."""
    runner = ProxyRunner(
        app,
        header_timeout=settings.header_timeout,
        handler_cancellation=True,
        access_log=None,
        shutdown_timeout=settings.shutdown_timeout,
        keepalive_timeout=75,
    )
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port, reuse_port=reuse_port, backlog=1024)
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
