"""What went wrong reaching a target, as the error the browser gets: one mapping for all.

Every failure of the upstream client (connecting, the answer's head, its body, a
websocket handshake) passes through :func:`upstream_failure`, which names the target and
the kind of failure in a sentence, with a stable code.
"""

from __future__ import annotations

import asyncio

import aiohttp

from ..edge.errors import (
    ProxyError,
    TargetAddressNotAllowed,
    UpstreamError,
    UpstreamRefusedUpgrade,
    UpstreamTimeout,
    UpstreamUnreachable,
)
from ..policy.addresses import AddressNotAllowed
from ..target.parse import Target

# Upgrade refusals whose status tells the UI something (wrong password, gone, throttled);
# they reach the browser's socket as close code 4000 + status.
REFUSALS_KEPT = frozenset({401, 403, 404, 410, 429})

# What the upstream client raises; anything else is a bug and stays a 500.
UPSTREAM_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, OSError)


def upstream_failure(exc: BaseException, target: Target) -> ProxyError:
    """Map a failure of the upstream client to the error to answer with."""
    if isinstance(exc, ProxyError):
        return exc
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
            status=exc.status if exc.status in REFUSALS_KEPT else 502,
        )
    if isinstance(exc, (aiohttp.ConnectionTimeoutError, asyncio.TimeoutError)):
        return UpstreamTimeout(f"Could not connect to {where} within the connect timeout.")
    if isinstance(exc, aiohttp.ClientResponseError):
        # The answer's head could not be parsed: malformed, or over the size limits. Its
        # text quotes the target's bytes, so it stays in the log, not in the answer.
        return UpstreamError(
            f"The server {where} answered with a malformed head, or one larger than the "
            "proxy accepts."
        )
    if isinstance(exc, aiohttp.ClientPayloadError):
        return UpstreamError(f"The server {where} broke off its answer before its end.")
    return UpstreamError(f"The server {where} closed the connection without an answer.")
