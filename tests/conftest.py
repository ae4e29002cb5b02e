"""Shared fixtures: a fake upstream, the proxy in front of it, and a client for both."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from yarl import URL

from opencode_proxy.app import create_app
from opencode_proxy.settings import Settings
from tests.upstream import SEEN, Seen, create_upstream
from tools.opencode_server import free_port

PREFIX = "/notebook/ns/nb"
ROOT = Path(__file__).resolve().parent.parent


class ProxyClient:
    """Talks to the proxy under test, naming the fake upstream as its target."""

    def __init__(self, session: aiohttp.ClientSession, proxy: TestServer, target: str):
        self.session = session
        self.proxy = proxy
        self.target = target
        self.base = f"http://127.0.0.1:{proxy.port}{PREFIX}"

    def url(self, path: str) -> str:
        """Absolute URL of a path under the proxy's prefix."""
        return self.base + path

    def request(self, method: str, path: str, *, target: str | None = None, **kwargs: Any) -> Any:
        """A request through ``/api/proxy`` with the target in X-Target-Server."""
        headers = dict(kwargs.pop("headers", {}))
        headers.setdefault("X-Target-Server", target or self.target)
        # Like a browser on the UI's page: fetch() sends Origin on state-changing requests.
        if method not in ("GET", "HEAD", "OPTIONS"):
            headers.setdefault("Origin", f"http://127.0.0.1:{self.proxy.port}")
        # encoded=True: send the path and query exactly as written, as a browser would.
        url = URL(self.url("/api/proxy" + path), encoded=True)
        return self.session.request(method, url, headers=headers, **kwargs)


@pytest.fixture
async def upstream(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> TestServer:
    """The fake upstream server on loopback."""
    return await aiohttp_server(create_upstream())


@pytest.fixture
def seen(upstream: TestServer) -> Seen:
    """What the fake upstream received."""
    return upstream.app[SEEN]  # type: ignore[index]


@pytest.fixture
def make_proxy(
    aiohttp_server: Callable[..., Awaitable[TestServer]], upstream: TestServer
) -> Callable[..., Awaitable[TestServer]]:
    """Start a proxy under /notebook/ns/nb allowed to reach the fake upstream."""

    async def factory(*, resolver: Any = None, environ: Any = None, **overrides: Any) -> TestServer:
        values: dict[str, Any] = {
            "prefix": PREFIX,
            "allow": (f"127.0.0.1:{upstream.port}",),
        }
        values.update(overrides)
        app = create_app(Settings(**values), resolver=resolver, environ=environ)
        return await aiohttp_server(app)

    return factory


@pytest.fixture
async def proxy(make_proxy: Callable[..., Awaitable[TestServer]]) -> TestServer:
    """The proxy with default settings."""
    return await make_proxy()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain HTTP client that leaves bodies as they come."""
    async with aiohttp.ClientSession(auto_decompress=False) as client:
        yield client


@pytest.fixture
def client(session: aiohttp.ClientSession, proxy: TestServer, upstream: TestServer) -> ProxyClient:
    """A client of the proxy whose target is the fake upstream."""
    return ProxyClient(session, proxy, f"http://127.0.0.1:{upstream.port}")


class ProxyProcess:
    """``python -m opencode_proxy`` in its own process, as it runs in a notebook pod."""

    def __init__(self, *args: str, env: dict[str, str] | None = None):
        self.port = free_port()
        self.args = ["--host", "127.0.0.1", "--port", str(self.port), "--prefix", PREFIX, *args]
        self.env = {**os.environ, "OPENCODE_PROXY_LOG_FORMAT": "json", **(env or {})}
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    @property
    def base(self) -> str:
        """The service's URL with the prefix."""
        return f"http://127.0.0.1:{self.port}{PREFIX}"

    def start(self) -> ProxyProcess:
        """Start the process and wait until /healthz answers."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "opencode_proxy", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    "proxy exited: " + (self.process.stdout.read() if self.process.stdout else "")
                )
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("proxy did not start")

    def stop(self) -> str:
        """Stop the process if it still runs; return everything it logged."""
        if self.process is None:
            return ""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            out, _ = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        self.output.append(out or "")
        return "".join(self.output)


@pytest.fixture
def proxy_process() -> Iterator[Callable[..., ProxyProcess]]:
    """Start proxies as separate processes; stop them after the test."""
    started: list[ProxyProcess] = []

    def factory(*args: str, env: dict[str, str] | None = None) -> ProxyProcess:
        process = ProxyProcess(*args, env=env).start()
        started.append(process)
        return process

    yield factory
    for process in started:
        process.stop()


pytest_plugins = ["tests.opencode_fixtures"]
