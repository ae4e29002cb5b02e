"""Run wrk and read its report: requests/s, latency percentiles, errors."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass

from .install import which
from .plan import LOAD_CPUS
from .procs import Supervisor

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_PERCENTILE = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_TOTAL = re.compile(r"^\s+(\d+) requests in", re.MULTILINE)


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run reports."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: str

    @property
    def error(self) -> str | None:
        """A short description when some requests failed."""
        parts = []
        if self.non_2xx:
            parts.append(f"{self.non_2xx} non-2xx/3xx responses")
        if self.socket_errors:
            parts.append(f"socket errors ({self.socket_errors})")
        return ", ".join(parts) or None


def parse(text: str) -> WrkResult:
    """Parse the output of ``wrk --latency``."""
    rate = _RATE.search(text)
    if rate is None:
        raise ValueError(f"no Requests/sec in wrk output:\n{text}")
    percentiles = {m[1]: float(m[2]) * _UNITS[m[3]] for m in _PERCENTILE.finditer(text)}
    non_2xx = _NON_2XX.search(text)
    sockets = _SOCKET_ERRORS.search(text)
    total = _TOTAL.search(text)
    return WrkResult(
        requests_per_s=float(rate[1]),
        p50_ms=percentiles.get("50", float("nan")),
        p99_ms=percentiles.get("99", float("nan")),
        requests=int(total[1]) if total else 0,
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sockets[0].removeprefix("Socket errors: ") if sockets else "",
    )


def run(
    supervisor: Supervisor,
    url: str,
    headers: dict[str, str],
    *,
    connections: int,
    seconds: int,
) -> WrkResult:
    """One wrk run: a single thread, ``connections`` keep-alive connections."""
    exe = which("wrk")
    if exe is None:
        raise RuntimeError("wrk is not installed")
    argv = [exe, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    proc = supervisor.start("wrk", [*argv, url], cpus=LOAD_CPUS, stdout=subprocess.PIPE)
    try:
        out, _ = proc.popen.communicate(timeout=seconds + 30)
    finally:
        supervisor.stop(proc)
    return parse(out.decode(errors="replace"))
