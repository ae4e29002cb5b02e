"""How busy each CPU was over a stretch of time, from ``/proc/stat``.

With the proxy pinned to CPU 0 and the load side to CPU 1, a busy CPU 1 says the figure
was limited by the load generator and upstream, not by the peer: a lower bound.
"""

from __future__ import annotations

from pathlib import Path

_IDLE_FIELDS = (3, 4)  # idle, iowait


def _times() -> dict[int, tuple[int, int]]:
    """Per CPU: (busy jiffies, total jiffies) since boot."""
    found = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *fields = line.split()
        if not name.startswith("cpu") or name == "cpu":
            continue
        values = [int(v) for v in fields[:8]]
        idle = sum(values[i] for i in _IDLE_FIELDS)
        found[int(name[3:])] = (sum(values) - idle, sum(values))
    return found


class CpuMeter:
    """Busy share of each CPU between :meth:`start` and :meth:`stop`."""

    def __init__(self) -> None:
        self._start: dict[int, tuple[int, int]] = {}
        self.busy: dict[int, float] = {}

    def start(self) -> None:
        """Take the first reading."""
        self._start = _times()

    def stop(self) -> dict[int, float]:
        """Take the second reading; return busy share per CPU (0 to 1)."""
        end = _times()
        self.busy = {}
        for cpu, (busy, total) in end.items():
            busy0, total0 = self._start.get(cpu, (0, 0))
            elapsed = total - total0
            self.busy[cpu] = (busy - busy0) / elapsed if elapsed > 0 else 0.0
        return self.busy
