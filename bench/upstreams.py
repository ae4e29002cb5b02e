"""Start the fast upstreams every peer is measured against, each in its own process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tools.opencode_server import OpenCodeServer, free_port, opencode_binary

from . import nginx
from .install import which
from .plan import LOAD_CPUS, Plan
from .procs import Proc, Supervisor, python, wait_http

SMALL_FILE = "1k.bin"
BODY_FILE = "body.bin"
SMALL_BYTES = 1024
WARM_PIECE = 8 * 1024 * 1024


@dataclass(frozen=True)
class Upstream:
    """One upstream server on loopback."""

    name: str
    port: int
    streams: bool = False

    @property
    def url(self) -> str:
        """Its base URL, for a direct request."""
        return f"http://127.0.0.1:{self.port}"


class Upstreams:
    """The static-file nginx, the upload sink, the event source, the echo, OpenCode."""

    def __init__(self, supervisor: Supervisor, work: Path, plan: Plan):
        self.supervisor = supervisor
        self.work = work
        self.plan = plan
        self.all: dict[str, Upstream] = {}
        self._opencode: OpenCodeServer | None = None

    def __getitem__(self, name: str) -> Upstream:
        return self.all[name]

    def start(self) -> None:
        """Start the upstreams the plan's scenarios need."""
        wanted = set(self.plan.scenarios)
        if wanted & {"get", "body"}:
            self._static()
        if "body" in wanted:
            self._python("sink", "/health")
        if wanted & {"sse", "idle"}:
            self._python("events", "/stats", streams=True)
        if "websocket" in wanted:
            self._python("echo", "/health")
        if wanted & {"opencode", "first_load"}:
            self._start_opencode()

    def _static(self) -> None:
        files = self.work / "files"
        files.mkdir(parents=True, exist_ok=True)
        (files / SMALL_FILE).write_bytes(os.urandom(SMALL_BYTES))
        # Sparse: a gigabyte that costs no disk. Reading it once puts it in the page cache,
        # so the first peer measured does not pay for that.
        with open(files / BODY_FILE, "wb") as body:
            body.truncate(self.plan.body_bytes)
        with open(files / BODY_FILE, "rb", buffering=0) as body:
            while body.read(WARM_PIECE):
                pass
        port = free_port()
        work = self.work / "nginx-static"
        conf = nginx.write_config(work, nginx.static_config(work, port, files))
        proc = self.supervisor.start(
            "upstream-static",
            [nginx_binary(), "-c", str(conf), "-e", str(work / "error.log"), "-g", "daemon off;"],
            cpus=LOAD_CPUS,
        )
        wait_http(f"http://127.0.0.1:{port}/{SMALL_FILE}", proc)
        self.all["static"] = Upstream("static", port)

    def _python(self, kind: str, probe: str, *, streams: bool = False) -> Proc:
        port = free_port()
        proc = self.supervisor.start(
            f"upstream-{kind}",
            [python(), "-m", "bench.servers", kind, "--port", str(port)],
            cpus=LOAD_CPUS,
        )
        wait_http(f"http://127.0.0.1:{port}{probe}", proc)
        self.all[kind] = Upstream(kind, port, streams)
        return proc

    def _start_opencode(self) -> None:
        port = free_port()
        model = self.supervisor.start(
            "fake-model",
            [python(), "-m", "tools.fake_model", "--port", str(port)],
            cpus=LOAD_CPUS,
        )
        wait_http(f"http://127.0.0.1:{port}/health", model)
        server = OpenCodeServer(f"http://127.0.0.1:{port}/v1", log_path=self.work / "opencode.log")
        self._opencode = server
        # Started here rather than by server.start(), so that it is pinned from its first
        # thread on and dies with the harness like every other child.
        server.project.mkdir(parents=True, exist_ok=True)
        (server.project / "README.md").write_text("# A throw-away project for the benchmark\n")
        argv = [str(opencode_binary()), "serve", "--hostname", "127.0.0.1"]
        proc = self.supervisor.start(
            "upstream-opencode",
            [*argv, "--port", str(server.port)],
            cpus=LOAD_CPUS,
            env=server.environment(),
            cwd=server.project,
        )
        server.process = proc.popen
        server.log_path = proc.log_path
        server.wait_healthy(90)
        self.all["opencode"] = Upstream("opencode", server.port, streams=True)

    def stop(self) -> None:
        """Stop OpenCode and remove its files (the supervisor stops the rest)."""
        if self._opencode is not None:
            self._opencode.cleanup()
            self._opencode = None


def nginx_binary() -> str:
    """Debian's nginx."""
    found = which("nginx")
    if found is None:
        raise RuntimeError("nginx is not installed")
    return found
