"""Child processes: started in their own process group, pinned, and always stopped.

Every process the benchmark starts goes through one :class:`Supervisor`. Each child gets
its own session (so a Ctrl-C in the terminal reaches only the harness, which then stops
everything in order) and asks the kernel to send it SIGTERM if the harness dies without
cleaning up.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import IO

from . import ROOT, memory

OPEN_FILES = 65536
ALL_CPUS = frozenset(os.sched_getaffinity(0))
STOP_TIMEOUT = 8.0
_PR_SET_PDEATHSIG = 1


def _before_exec(cpus: set[int] | None) -> Callable[[], None]:
    def prepare() -> None:
        # Runs in the child between fork and exec. If the harness is killed outright, its
        # children are told to go too instead of lingering on their ports; and pinning
        # here, before any thread or worker exists, makes every one of them inherit it.
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if cpus is not None:
            with suppress(OSError):
                os.sched_setaffinity(0, cpus)

    return prepare


def raise_open_files(wanted: int = OPEN_FILES) -> int:
    """Raise this process's open-files limit (children inherit it); return the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = max(soft, wanted)
    if hard != resource.RLIM_INFINITY and hard < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, target))
            return target
        except (ValueError, OSError):
            target = hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


class Proc:
    """One started child: its argv, its log file, its process group."""

    def __init__(self, name: str, popen: subprocess.Popen[bytes], log_path: Path):
        self.name = name
        self.popen = popen
        self.log_path = log_path

    @property
    def pid(self) -> int:
        """The child's process id (also its process group id)."""
        return self.popen.pid

    def alive(self) -> bool:
        """Whether the child still runs."""
        return self.popen.poll() is None

    def log_tail(self, size: int = 3000) -> str:
        """The end of what the child wrote."""
        try:
            return self.log_path.read_text(errors="replace")[-size:]
        except OSError:
            return ""

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM the whole group, then SIGKILL it if it does not go in time."""
        if self.popen.returncode is not None:
            _kill_group(self.pid, signal.SIGKILL)
            return
        _kill_group(self.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            _kill_group(self.pid, signal.SIGKILL)
            self.popen.wait()
        # Grandchildren (nginx workers, forked proxy workers) may outlive their parent.
        _kill_group(self.pid, signal.SIGKILL)


def _kill_group(pgid: int, signum: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


class Supervisor:
    """Starts children, pins them to CPUs, and stops all of them on exit."""

    def __init__(self, log_dir: Path, *, pin: bool):
        self.log_dir = log_dir
        self.pin = pin
        self.children: list[Proc] = []

    def start(
        self,
        name: str,
        argv: Sequence[str],
        *,
        cpus: set[int] | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        stdin: int | None = subprocess.DEVNULL,
        stdout: int | IO[bytes] | None = None,
    ) -> Proc:
        """Start ``argv`` in its own session; its output goes to ``<log_dir>/<name>.log``."""
        log_path = self.log_dir / f"{name}.log"
        with open(log_path, "ab") as log:
            popen = subprocess.Popen(
                list(argv),
                cwd=cwd or ROOT,
                env=env if env is not None else dict(os.environ),
                stdin=stdin,
                stdout=stdout if stdout is not None else log,
                stderr=log,
                start_new_session=True,
                preexec_fn=_before_exec(self._usable(cpus)),
            )
        proc = Proc(name, popen, log_path)
        self.children.append(proc)
        return proc

    def _usable(self, cpus: set[int] | None) -> set[int] | None:
        if not self.pin or cpus is None or not cpus <= ALL_CPUS:
            return None
        return cpus

    def pin_tree(self, pid: int, cpus: set[int]) -> None:
        """Pin every thread of a running process tree (for children started elsewhere)."""
        usable = self._usable(cpus)
        if usable is None:
            return
        for member in memory.tree(pid):
            for task in Path(f"/proc/{member}/task").glob("*"):
                with suppress(OSError, ValueError):
                    os.sched_setaffinity(int(task.name), usable)

    def stop(self, proc: Proc) -> None:
        """Stop one child now."""
        proc.stop()
        if proc in self.children:
            self.children.remove(proc)

    def stop_all(self) -> None:
        """Stop every child, newest first."""
        while self.children:
            self.stop(self.children[-1])


def wait_http(url: str, proc: Proc | None = None, timeout: float = 30.0) -> None:
    """Poll ``url`` until it answers any HTTP status; fail early if ``proc`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and not proc.alive():
            raise RuntimeError(f"{proc.name} exited early:\n{proc.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    tail = proc.log_tail() if proc is not None else ""
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s\n{tail}")


class Interrupted(BaseException):
    """SIGTERM or SIGHUP reached the harness: unwind through every ``finally``."""


@contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGTERM/SIGHUP into an exception so cleanup code runs as for Ctrl-C."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        raise Interrupted(signal.Signals(signum).name)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def python() -> str:
    """The interpreter running the harness (the project venv's under ``make bench``)."""
    return sys.executable
