"""Streams that never end by themselves (event streams, websockets), tracked for shutdown."""

from __future__ import annotations

import asyncio
from typing import Protocol


class OpenStream(Protocol):
    """Anything long-lived the proxy must end when it shuts down."""

    async def shutdown(self) -> None:
        """End the stream promptly and cleanly."""


class StreamRegistry:
    """The open streams of one application, and whether it is draining."""

    def __init__(self) -> None:
        self._open: set[OpenStream] = set()
        self.draining = False

    def __len__(self) -> int:
        return len(self._open)

    def add(self, stream: OpenStream) -> None:
        """Track a stream until :meth:`discard`."""
        self._open.add(stream)

    def discard(self, stream: OpenStream) -> None:
        """Stop tracking a stream that has ended."""
        self._open.discard(stream)

    async def shutdown(self) -> None:
        """Mark the application draining and end every open stream at once."""
        self.draining = True
        streams = list(self._open)
        if streams:
            await asyncio.gather(*(s.shutdown() for s in streams), return_exceptions=True)
