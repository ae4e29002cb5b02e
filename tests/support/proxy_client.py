"""A client of the proxy under test that names the fake upstream as its target."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from yarl import URL

PREFIX = "/notebook/ns/nb"


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
