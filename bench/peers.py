"""The peers: how to start and stop each, and how a client reaches an upstream through it.

- ``direct``: no proxy, the client talks to the upstream;
- ``nginx``: our own nginx process, one worker, ``/u/<port>/...`` per upstream;
- ``jsp``: ``jupyter server`` with jupyter-server-proxy, auth off, ``/proxy/<port>/...``;
- ``ours``/``ours2``: ``python -m opencode_proxy`` with one or two workers,
  ``<prefix>/api/proxy/...`` with ``X-Target-Server``.

Websocket upgrades and non-GET requests carry ``Origin`` set to the peer's own origin,
as a browser on the peer's page would; opencode-proxy refuses them without it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tools.opencode_server import free_port

from . import nginx
from .install import JSP_VENV
from .plan import BOTH_CPUS, PEER_TITLES, PROXY_CPUS
from .procs import Proc, Supervisor, python, wait_http
from .upstreams import Upstream, nginx_binary

PREFIX = "/notebook/ns/nb"


class Peer:
    """Something a client reaches the upstreams through."""

    key = "direct"

    def __init__(self, supervisor: Supervisor, work: Path, upstreams: dict[str, Upstream]):
        self.supervisor = supervisor
        self.work = work / self.key
        self.upstreams = upstreams
        self.port = 0
        self.proc: Proc | None = None

    @property
    def title(self) -> str:
        """The peer's name in the table."""
        return PEER_TITLES[self.key]

    @property
    def origin(self) -> str:
        """The origin of the peer's own pages."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """The root of the peer's process tree, for memory figures (None when direct)."""
        return self.proc.pid if self.proc is not None else None

    def start(self) -> None:
        """Start the peer and wait until it serves."""

    def stop(self) -> None:
        """Stop the peer and remove its files."""
        if self.proc is not None:
            self.supervisor.stop(self.proc)
            self.proc = None
        shutil.rmtree(self.work, ignore_errors=True)

    def url(self, upstream: Upstream, path: str) -> str:
        """Absolute URL of ``path`` on ``upstream`` through this peer."""
        return upstream.url + path

    def headers(self, upstream: Upstream, *, write: bool = False) -> dict[str, str]:
        """Headers a request through this peer carries; ``write``: it is a websocket or not
        a GET, so it carries ``Origin`` as a browser would."""
        return {"Origin": self.origin} if write and self.port else {}

    def __enter__(self) -> Peer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class NginxPeer(Peer):
    """nginx as a reverse proxy: one worker, keep-alive upstreams, streaming bodies."""

    key = "nginx"

    def start(self) -> None:
        self.port = free_port()
        streams = {u.port: u.streams for u in self.upstreams.values()}
        conf = nginx.write_config(self.work, nginx.proxy_config(self.work, self.port, streams))
        self.proc = self.supervisor.start(
            "peer-nginx",
            [
                nginx_binary(),
                "-c",
                str(conf),
                "-e",
                str(self.work / "error.log"),
                "-g",
                "daemon off;",
            ],
            cpus=PROXY_CPUS,
        )
        probe = next(iter(self.upstreams.values()))
        wait_http(self.url(probe, "/"), self.proc)

    def url(self, upstream: Upstream, path: str) -> str:
        return f"{self.origin}/u/{upstream.port}{path}"


class JupyterPeer(Peer):
    """jupyter-server-proxy in a jupyter server with authentication off, as Kubeflow runs it."""

    key = "jsp"

    def start(self) -> None:
        self.port = free_port()
        self.work.mkdir(parents=True, exist_ok=True)
        env = {
            "PATH": f"{JSP_VENV / 'bin'}:/usr/bin:/bin",
            "HOME": str(self.work),
            "JUPYTER_CONFIG_DIR": str(self.work / "config"),
            "JUPYTER_DATA_DIR": str(self.work / "data"),
            "JUPYTER_RUNTIME_DIR": str(self.work / "runtime"),
            "JUPYTER_PLATFORM_DIRS": "1",
        }
        self.proc = self.supervisor.start(
            "peer-jsp",
            [
                str(JSP_VENV / "bin" / "jupyter"),
                "server",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                "--IdentityProvider.token=",
                "--ServerApp.password=",
                "--ServerApp.disable_check_xsrf=True",
                "--ServerApp.allow_root=True",
                "--ServerApp.open_browser=False",
                f"--ServerApp.root_dir={self.work}",
                "--ServerApp.log_level=WARN",
            ],
            cpus=PROXY_CPUS,
            env=env,
            cwd=self.work,
        )
        wait_http(f"{self.origin}/api", self.proc, timeout=60)

    def url(self, upstream: Upstream, path: str) -> str:
        return f"{self.origin}/proxy/{upstream.port}{path}"


class OursPeer(Peer):
    """opencode-proxy, rate limit and stream cap off, one or more workers."""

    key = "ours"
    workers = 1

    def start(self) -> None:
        self.port = free_port()
        argv = [python(), "-m", "opencode_proxy", "--host", "127.0.0.1", "--port", str(self.port)]
        argv += ["--prefix", PREFIX, "--rate-limit", "0", "--max-streams", "0"]
        argv += ["--log-level", "warning", "--workers", str(self.workers)]
        # Its state database in the run's work directory, as a notebook's would be on its
        # volume: the workers share it, and the user's own state is never touched.
        argv += ["--state-dir", str(self.work / "state")]
        for upstream in self.upstreams.values():
            argv += ["--allow", f"127.0.0.1:{upstream.port}"]
        self.proc = self.supervisor.start(
            f"peer-{self.key}", argv, cpus=PROXY_CPUS if self.workers == 1 else BOTH_CPUS
        )
        wait_http(f"{self.origin}{PREFIX}/healthz", self.proc)

    def url(self, upstream: Upstream, path: str) -> str:
        return f"{self.origin}{PREFIX}/api/proxy{path}"

    def headers(self, upstream: Upstream, *, write: bool = False) -> dict[str, str]:
        return {**super().headers(upstream, write=write), "X-Target-Server": upstream.url}


class OursTwoWorkersPeer(OursPeer):
    """opencode-proxy with two workers sharing the port (SO_REUSEPORT)."""

    key = "ours2"
    workers = 2


PEER_CLASSES: dict[str, type[Peer]] = {
    "direct": Peer,
    "nginx": NginxPeer,
    "jsp": JupyterPeer,
    "ours": OursPeer,
    "ours2": OursTwoWorkersPeer,
}
