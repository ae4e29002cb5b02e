"""Bridge a browser websocket to the target: frames, pings and close codes end to end."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp
import structlog
from aiohttp import WSMsgType, web

from ..policy.gate import Admission
from ..target.parse import upstream_url
from .failures import REFUSALS_KEPT, UPSTREAM_ERRORS, upstream_failure

if TYPE_CHECKING:
    from ..proxy import Proxy

log = structlog.get_logger("opencode_proxy.websocket")

# Codes a peer may put in a close frame; 1005, 1006 and 1015 only describe a closure.
_DATA = frozenset({WSMsgType.TEXT, WSMsgType.BINARY})
_SENDABLE = frozenset({1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014})
GOING_AWAY = 1001
INTERNAL_ERROR = 1011
ABNORMAL = 1006
CLOSE_TIMEOUT = 5.0


def sendable_close_code(code: int | None) -> int:
    """Map a received close code to one that may be sent on the other side."""
    if code is None or code == 1005:
        return 1000
    if code in _SENDABLE or 3000 <= code <= 4999:
        return code
    return INTERNAL_ERROR


def offered_protocols(request: web.Request) -> tuple[str, ...]:
    """The subprotocols the browser offered, in its order."""
    return tuple(
        token.strip()
        for value in request.headers.getall("Sec-WebSocket-Protocol", ())
        for token in value.split(",")
        if token.strip()
    )


@dataclass(slots=True)
class _Direction:
    messages: int = 0
    bytes: int = 0


class WebsocketRelay:
    """Bridges admitted websocket upgrades; one per application."""

    def __init__(self, proxy: Proxy):
        self.upstream = proxy.upstream
        self.stream_cap = proxy.stream_cap
        self.streams = proxy.streams
        self.activity = proxy.activity
        self.vault = proxy.vault
        self.guard = proxy.guard
        self.rules = proxy.header_rules
        self.max_message = proxy.settings.max_ws_message

    async def relay(
        self, request: web.Request, admission: Admission, tail: str, query: str, request_id: str
    ) -> web.StreamResponse:
        """Connect upstream first, then accept the browser with the subprotocol upstream chose."""
        with self.stream_cap.holding(admission.client):
            return await self._bridge(request, admission, tail, query, request_id)

    async def _bridge(
        self, request: web.Request, admission: Admission, tail: str, query: str, request_id: str
    ) -> web.StreamResponse:
        target = admission.target
        url = upstream_url(target, tail, query, websocket=True)
        headers = self.rules.upstream(
            request, target, request_id, await self.vault.authorization_for(request, target)
        )
        try:
            upstream = await self.upstream.ws_connect(
                target,
                url,
                headers,
                offered_protocols(request),
                self.max_message,
                CLOSE_TIMEOUT,
            )
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status in REFUSALS_KEPT:
                return await self._refuse_in_band(request, exc.status, request_id)
            raise upstream_failure(exc, target) from None
        except UPSTREAM_ERRORS as exc:
            raise upstream_failure(exc, target) from None

        browser = web.WebSocketResponse(
            protocols=(upstream.protocol,) if upstream.protocol else (),
            autoclose=False,
            autoping=False,
            max_msg_size=self.max_message,
        )
        self.guard.answering(request, browser)
        try:
            await browser.prepare(request)
        except BaseException:
            await upstream.close(code=GOING_AWAY)
            raise
        bridge = _Bridge(browser, upstream, self.activity.touch)
        self.streams.add(bridge)
        log.info(
            "stream.open",
            request_id=request_id,
            kind="websocket",
            target=target.host_port,
            path=url.raw_path,
            protocol=upstream.protocol,
        )
        started = time.monotonic()
        try:
            await bridge.run()
        finally:
            self.streams.discard(bridge)
            log.info(
                "stream.close",
                request_id=request_id,
                kind="websocket",
                target=target.host_port,
                closed_by=bridge.closed_by,
                code=bridge.code,
                messages_in=bridge.to_upstream.messages,
                messages_out=bridge.to_browser.messages,
                bytes_in=bridge.to_upstream.bytes,
                bytes_out=bridge.to_browser.bytes,
                duration_ms=round((time.monotonic() - started) * 1000, 2),
            )
        return browser

    async def _refuse_in_band(
        self, request: web.Request, status: int, request_id: str
    ) -> web.StreamResponse:
        """Accept the browser, then close at once with 4000 + the target's HTTP status.

        A browser's WebSocket API hides the status of a failed handshake, so a page could not
        tell "terminal gone" (404) from "not allowed" (403) or a network error; a close code
        it can read says it (OpenCode itself closes a gone terminal's socket with 4404).
        """
        offered = offered_protocols(request)
        browser = web.WebSocketResponse(protocols=offered[:1], max_msg_size=self.max_message)
        self.guard.answering(request, browser)
        await browser.prepare(request)
        await browser.close(code=4000 + status, message=f"target answered HTTP {status}".encode())
        log.info("stream.refused", request_id=request_id, kind="websocket", status=status)
        return browser


_Socket = web.WebSocketResponse | aiohttp.ClientWebSocketResponse


class _Bridge:
    """Two pumps, one per direction; when either ends, both sides close with its code."""

    kind = "websocket"

    def __init__(
        self,
        browser: web.WebSocketResponse,
        upstream: aiohttp.ClientWebSocketResponse,
        on_input: Callable[[], None],
    ):
        self.browser = browser
        self.upstream = upstream
        self.on_input = on_input
        self.to_upstream = _Direction()
        self.to_browser = _Direction()
        self.closed_by = "unknown"
        self.code: int = ABNORMAL
        self._shutting_down = False
        self._pumps: tuple[asyncio.Task[tuple[int, str]], ...] = ()

    async def run(self) -> None:
        up = asyncio.ensure_future(
            _pump(self.browser, self.upstream, self.to_upstream, self.on_input)
        )
        down = asyncio.ensure_future(_pump(self.upstream, self.browser, self.to_browser))
        self._pumps = (up, down)
        code, reason = GOING_AWAY, "proxy closed"
        try:
            await asyncio.wait(self._pumps, return_when=asyncio.FIRST_COMPLETED)
            if self._shutting_down:
                self.closed_by, code, reason = "shutdown", GOING_AWAY, "server shutting down"
            else:
                first = up if up.done() else down
                self.closed_by = "browser" if first is up else "upstream"
                code, reason = _outcome(first)
        except asyncio.CancelledError:
            # The browser's connection is gone (handler cancellation): tell upstream.
            self.closed_by, code, reason = "browser", GOING_AWAY, "client went away"
            raise
        finally:
            for pump in self._pumps:
                pump.cancel()
            await asyncio.gather(*self._pumps, return_exceptions=True)
            self.code = code
            sendable = sendable_close_code(code)
            message = reason.encode()[:123]
            await asyncio.gather(
                _close(self.upstream, sendable, message),
                _close(self.browser, sendable, message),
            )

    async def shutdown(self) -> None:
        self._shutting_down = True
        for pump in self._pumps:
            pump.cancel()


def _outcome(pump: asyncio.Task[tuple[int, str]]) -> tuple[int, str]:
    if pump.cancelled():
        return GOING_AWAY, ""
    if pump.exception() is not None:
        return ABNORMAL, ""
    return pump.result()


async def _pump(
    source: _Socket,
    sink: _Socket,
    counts: _Direction,
    on_message: Callable[[], None] | None = None,
) -> tuple[int, str]:
    """Relay frames from source to sink until source closes; return its close code and reason."""
    while True:
        message = await source.receive()
        kind = message.type
        if on_message is not None and kind in _DATA:
            on_message()
        if kind is WSMsgType.TEXT:
            await sink.send_str(message.data)
            counts.messages += 1
            counts.bytes += len(message.data)
        elif kind is WSMsgType.BINARY:
            await sink.send_bytes(message.data)
            counts.messages += 1
            counts.bytes += len(message.data)
        elif kind is WSMsgType.PING:
            await sink.ping(message.data)
        elif kind is WSMsgType.PONG:
            await sink.pong(message.data)
        elif kind is WSMsgType.CLOSE:
            return message.data, message.extra or ""
        elif kind is WSMsgType.ERROR:
            error = message.data
            code = getattr(error, "code", None)
            return (code if isinstance(code, int) else ABNORMAL), ""
        else:
            return source.close_code or ABNORMAL, ""


async def _close(socket: _Socket, code: int, message: bytes) -> None:
    # A side that is already gone cannot be closed politely; nothing is left to do.
    with contextlib.suppress(TimeoutError, ConnectionError, aiohttp.ClientError, RuntimeError):
        await asyncio.wait_for(socket.close(code=code, message=message), CLOSE_TIMEOUT)
