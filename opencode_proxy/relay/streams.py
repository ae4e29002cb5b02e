"""Streams that never end by themselves (event streams, websockets), tracked for shutdown."""

from __future__ import annotations

import asyncio
from typing import Protocol

from prometheus_client import Gauge


class OpenStream(Protocol):
    """Anything long-lived the proxy must end when it shuts down."""

    kind: str

    async def shutdown(self) -> None:
        """End the stream promptly and cleanly."""


class StreamRegistry:
    """The open streams of one application, and whether it is draining."""

    def __init__(self, gauge: Gauge | None = None) -> None:
        self._open: set[OpenStream] = set()
        self._gauge = gauge
        self.draining = False

    def __len__(self) -> int:
        return len(self._open)

    def add(self, stream: OpenStream) -> None:
        """Track a stream until :meth:`discard`."""
        self._open.add(stream)
        if self._gauge is not None:
            self._gauge.labels(stream.kind).inc()

    def discard(self, stream: OpenStream) -> None:
        """Stop tracking a stream that has ended."""
        if stream in self._open:
            self._open.discard(stream)
            if self._gauge is not None:
                self._gauge.labels(stream.kind).dec()

    async def shutdown(self) -> None:
        """Mark the application draining and end every open stream at once."""
        self.draining = True
        streams = list(self._open)
        if streams:
            await asyncio.gather(*(s.shutdown() for s in streams), return_exceptions=True)
