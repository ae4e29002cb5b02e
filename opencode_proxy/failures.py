"""What went wrong reaching a target, as the error the browser gets."""

from __future__ import annotations

import asyncio
import socket

import aiohttp

from .addresses import AddressNotAllowed
from .errors import (
    ProxyError,
    TargetAddressNotAllowed,
    UpstreamError,
    UpstreamRefusedUpgrade,
    UpstreamTimeout,
    UpstreamUnreachable,
)
from .targets import Target
from .upstream import UpstreamConnectError, UpstreamProtocolError

# getaddrinfo's "no such name" answers, as resolvers report them.
_DNS_ERRORS = frozenset(
    getattr(socket, name)
    for name in ("EAI_NONAME", "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA")
    if hasattr(socket, name)
)

# Upgrade refusals whose status tells the UI something (wrong password, gone, throttled).
_REFUSALS_KEPT = frozenset({401, 403, 404, 410, 429})


def connect_failure(exc: BaseException, target: Target) -> ProxyError:
    """Map a failed upstream connection or handshake to the error to answer with."""
    where = target.host_port
    if isinstance(exc, UpstreamConnectError):
        cause = exc.cause
        if isinstance(cause, AddressNotAllowed):
            return TargetAddressNotAllowed(
                f"The server {where} is not allowed: its name resolves to {cause.address}, "
                f"{cause.reason}."
            )
        if isinstance(cause, TimeoutError):
            return UpstreamTimeout(f"Could not connect to {where} within the connect timeout.")
        if isinstance(cause, socket.gaierror) or getattr(cause, "errno", None) in _DNS_ERRORS:
            return UpstreamUnreachable(f"Could not connect to {where}: the name does not resolve.")
        reason = getattr(cause, "strerror", None) or "connection failed"
        return UpstreamUnreachable(f"Could not connect to {where}: {reason}.")
    if isinstance(exc, aiohttp.ClientConnectorError):
        cause = exc.os_error
        if isinstance(cause, AddressNotAllowed):
            return TargetAddressNotAllowed(
                f"The server {where} is not allowed: its name resolves to {cause.address}, "
                f"{cause.reason}."
            )
        if isinstance(exc, aiohttp.ClientConnectorDNSError):
            return UpstreamUnreachable(f"Could not connect to {where}: the name does not resolve.")
        return UpstreamUnreachable(
            f"Could not connect to {where}: {exc.strerror or 'connection failed'}."
        )
    if isinstance(exc, aiohttp.WSServerHandshakeError):
        return UpstreamRefusedUpgrade(
            f"The server {where} refused the websocket connection (HTTP {exc.status}).",
            status=exc.status if exc.status in _REFUSALS_KEPT else 502,
        )
    if isinstance(exc, (aiohttp.ConnectionTimeoutError, asyncio.TimeoutError)):
        return UpstreamTimeout(f"Could not connect to {where} within the connect timeout.")
    return UpstreamError(f"The server {where} closed the connection without an answer.")


# What connect_failure describes: aiohttp's client (websockets) and our own (HTTP).
CONNECT_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError)
UPSTREAM_ERRORS = (UpstreamConnectError, UpstreamProtocolError, OSError)
