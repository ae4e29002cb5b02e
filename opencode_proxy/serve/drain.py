"""Draining on SIGTERM: requests in flight get ``--shutdown-timeout`` seconds in all.

aiohttp's own shutdown waits for a running handler up to the timeout, then again up to
the timeout after cancelling it, and a handler it cancels answers nothing. Here the
deadline is set once, when shutdown begins: requests that finish before it finish
normally; those still running a moment before it are cancelled, and the middleware
answers each that had not started its answer with ``503 shutting_down``. The last
moment (:data:`CUT_GRACE` at most) is left for those answers to go out.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog

log = structlog.get_logger("opencode_proxy.server")

# The longest time kept, at the end of the shutdown timeout, for cut requests' answers.
CUT_GRACE = 0.25


class Drain:
    """The requests in flight, and the deadline a shutdown sets for them."""

    def __init__(self) -> None:
        self.draining = False
        self._tasks: set[asyncio.Task[object]] = set()
        self._cut: set[asyncio.Task[object]] = set()
        self._idle: asyncio.Event | None = None

    def __len__(self) -> int:
        return len(self._tasks)

    def enter(self, task: asyncio.Task[object]) -> None:
        """Count a request, by the task that handles it, as in flight until :meth:`leave`."""
        self._tasks.add(task)

    def leave(self, task: asyncio.Task[object]) -> None:
        """The request is done."""
        self._tasks.discard(task)
        self._cut.discard(task)
        if not self._tasks and self._idle is not None:
            self._idle.set()

    def was_cut(self, task: asyncio.Task[object]) -> bool:
        """Whether the shutdown cancelled this request (rather than its client leaving)."""
        return task in self._cut

    def grace(self, timeout: float) -> float:
        """How much of ``timeout`` is kept for the answers of cut requests."""
        return min(CUT_GRACE, timeout / 4)

    async def run(self, seconds: float) -> None:
        """Mark draining, let requests finish within ``seconds``, cut those that do not."""
        self.draining = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        grace = self.grace(seconds)
        current = asyncio.current_task()
        self._idle = asyncio.Event()
        if self._others(current):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), max(0.0, deadline - grace - loop.time()))
        remaining = self._others(current)
        if not remaining:
            return
        log.warning("server.cutting_requests", requests=len(remaining))
        for task in remaining:
            self._cut.add(task)
            task.cancel()
        self._idle.clear()
        if self._others(current):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), max(0.0, deadline - loop.time()))

    def _others(self, current: asyncio.Task[object] | None) -> list[asyncio.Task[object]]:
        return [task for task in self._tasks if task is not current and not task.done()]
