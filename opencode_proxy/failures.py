"""What went wrong reaching a target, as the error the browser gets."""

from __future__ import annotations

import asyncio

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

# Upgrade refusals whose status tells the UI something (wrong password, gone, throttled).
_REFUSALS_KEPT = frozenset({401, 403, 404, 410, 429})


def connect_failure(exc: BaseException, target: Target) -> ProxyError:
    """Map a failed upstream connection or handshake to the error to answer with."""
    where = target.host_port
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


# Every exception connect_failure knows how to describe.
CONNECT_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError)
