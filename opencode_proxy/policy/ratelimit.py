"""Per-client limits: a request rate on the proxy and a cap on open streams.

A client is the user the trusted ingress names (Kubeflow's ``kubeflow-userid`` header by
default) or else the connection's peer address; never a client-set X-Forwarded-For.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections import Counter
from collections.abc import Iterator

from aiohttp import web
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from ..edge.errors import RateLimited, TooManyStreams


def client_id(request: web.Request, id_header: str) -> str:
    """Who is asking: the ingress-asserted user, else the peer address."""
    if id_header:
        user = request.headers.get(id_header)
        if user:
            return "user:" + user
    return "peer:" + (request.remote or "unknown")


class RequestRate:
    """At most ``burst`` requests in any window of ``burst / rate`` seconds per client.

    That is a sustained ``rate`` per second with bursts up to ``burst``. A rate of 0
    turns the limit off.
    """

    def __init__(self, rate: float, burst: int):
        self.enabled = rate > 0
        window = max(1, math.ceil(burst / rate)) if self.enabled else 1
        self.item = RateLimitItemPerSecond(burst, window)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, client: str) -> None:
        """Count one request; raise :class:`RateLimited` with Retry-After when over."""
        if not self.enabled or self.limiter.hit(self.item, client):
            return
        stats = self.limiter.get_window_stats(self.item, client)
        retry = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            f"Too many requests: the limit is {self.item.amount} every "
            f"{self.item.multiples} s. Retry in {retry} s.",
            headers={"Retry-After": str(retry)},
        )


class StreamCap:
    """How many event streams and websockets each client has open, and the cap."""

    RETRY_AFTER = "5"

    def __init__(self, limit: int):
        self.limit = limit
        self.open: Counter[str] = Counter()

    def acquire(self, client: str) -> None:
        """Count one more open stream; raise :class:`TooManyStreams` at the cap (0: none)."""
        if self.limit and self.open[client] >= self.limit:
            raise TooManyStreams(
                f"You have {self.limit} event streams and terminals open, the most allowed: "
                "close some and retry.",
                headers={"Retry-After": self.RETRY_AFTER},
            )
        self.open[client] += 1

    @contextlib.contextmanager
    def holding(self, client: str) -> Iterator[None]:
        """One more open stream for the duration of the block."""
        self.acquire(client)
        try:
            yield
        finally:
            self.release(client)

    def release(self, client: str) -> None:
        """Count one stream fewer."""
        self.open[client] -= 1
        if self.open[client] <= 0:
            del self.open[client]
