"""Load clients, each run in its own process: ``python -m bench.clients '<json spec>'``.

The harness starts a client per measurement, pinned away from the proxy under test, and
reads its result as one JSON line on stdout. A client that holds connections open for
a measurement (idle streams) first prints ``{"event": "ready", ...}`` and waits for a
line on stdin before it lets go.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from typing import Any

from ..plan import LOAD_CPUS
from ..procs import Proc, Supervisor, python

Result = dict[str, Any]


class ClientError(RuntimeError):
    """A client process failed or broke its protocol."""


class Client:
    """One running client process and its line protocol."""

    def __init__(self, supervisor: Supervisor, spec: dict[str, Any]):
        self.supervisor = supervisor
        self.proc: Proc = supervisor.start(
            f"client-{spec['kind']}",
            [python(), "-m", "bench.clients", json.dumps(spec)],
            cpus=LOAD_CPUS,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._buffer = b""

    def read(self, timeout: float) -> Result:
        """The next JSON line the client prints, within ``timeout`` seconds."""
        stdout = self.proc.popen.stdout
        assert stdout is not None
        fd = stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ClientError(f"no answer in {timeout:.0f}s\n{self.proc.log_tail()}")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                data = os.read(fd, 65536)
                if not data:
                    raise ClientError(f"client exited\n{self.proc.log_tail()}")
                self._buffer += data
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)  # type: ignore[no-any-return]

    def send(self, line: str) -> None:
        """Tell the client to go on."""
        stdin = self.proc.popen.stdin
        assert stdin is not None
        stdin.write(line.encode() + b"\n")
        stdin.flush()

    def close(self) -> None:
        """Stop the client process."""
        self.supervisor.stop(self.proc)


def run_client(supervisor: Supervisor, spec: dict[str, Any], timeout: float) -> Result:
    """Run one client to completion and return its result."""
    client = Client(supervisor, spec)
    try:
        return client.read(timeout)
    finally:
        client.close()
