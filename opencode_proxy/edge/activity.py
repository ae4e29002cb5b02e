"""User activity, reported the way Jupyter reports kernels, for Kubeflow's idle culler.

Kubeflow's notebook controller polls ``<prefix>/api/kernels`` and culls a notebook whose
kernels have all been idle longer than its threshold. This service has no kernels, so
it reports one: the user's work through the proxy. Activity is what a person causes:
proxied requests (not health polls, not event streams reconnecting by themselves),
keystrokes in a terminal, and an agent's reply streaming back. The service is busy while
a request is in flight or a reply streamed within the last ``BUSY_WINDOW`` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

KERNEL_ID = "opencode-proxy"
# An agent's reply arrives as message.part.* events; heartbeats and other events do not count.
AGENT_OUTPUT = b'"message.part.'
SESSION_IDLE = b'"session.idle"'
BUSY_WINDOW = 30.0
# Polls the UI and probes make by themselves, which say nothing about a person being there.
PASSIVE_PATHS = frozenset({"/global/health"})


class Activity:
    """When the user last did something, and whether work is under way."""

    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self.last = clock()
        self.in_flight = 0
        self.busy_until = 0.0

    def touch(self) -> None:
        """Record activity now."""
        self.last = self.clock()

    def request_started(self, path: str) -> bool:
        """A proxied request (not an event stream) began; True if it counts as activity."""
        if path in PASSIVE_PATHS:
            return False
        self.last = self.clock()
        self.in_flight += 1
        return True

    def request_ended(self) -> None:
        """A request that counted as activity ended."""
        self.in_flight -= 1
        self.last = self.clock()

    def output(self, chunk: bytes) -> None:
        """Look at a chunk of an event stream: an agent's reply is activity and work."""
        if AGENT_OUTPUT in chunk:
            self.last = now = self.clock()
            self.busy_until = now + BUSY_WINDOW
        elif SESSION_IDLE in chunk:
            self.busy_until = 0.0

    @property
    def busy(self) -> bool:
        """Whether a request is in flight or an agent is replying."""
        return self.in_flight > 0 or self.clock() < self.busy_until

    def as_kernel(self, connections: int) -> dict[str, object]:
        """The Jupyter kernel model Kubeflow's culler reads."""
        stamp = datetime.fromtimestamp(self.last, UTC).isoformat(timespec="microseconds")
        return {
            "id": KERNEL_ID,
            "name": "opencode",
            "last_activity": stamp.replace("+00:00", "Z"),
            "execution_state": "busy" if self.busy else "idle",
            "connections": connections,
        }
