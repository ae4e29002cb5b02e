"""Memory of a process tree: resident set now, and its peak since a reset.

The peak comes from the kernel (``VmHWM``), reset by writing 5 to ``clear_refs``, so a
short spike between two polls is not missed. A proxy with several workers is measured
as the sum over its whole tree.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

import psutil

MIB = 1024 * 1024


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants that are alive now."""
    try:
        root = psutil.Process(pid)
        return [root.pid, *(child.pid for child in root.children(recursive=True))]
    except psutil.Error:
        return []


def _status_kib(pid: int, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def rss(pid: int) -> int:
    """Resident bytes of the tree rooted at ``pid``, now."""
    return sum(_status_kib(p, "VmRSS") for p in tree(pid)) * 1024


def reset_peak(pid: int) -> bool:
    """Reset the peak-RSS mark of every process in the tree; False where the kernel refuses."""
    done = True
    for p in tree(pid):
        try:
            Path(f"/proc/{p}/clear_refs").write_text("5")
        except OSError:
            done = False
    return done


def peak(pid: int) -> int:
    """Peak resident bytes of the tree since :func:`reset_peak` (summed per process)."""
    total = 0
    for p in tree(pid):
        with suppress(OSError):
            total += _status_kib(p, "VmHWM")
    return total * 1024
