"""The proxy application served in the test's event loop exactly as the service serves it.

aiohttp's own ``TestServer`` runs an application with a plain ``AppRunner``; the service
runs it with :func:`~opencode_proxy.serve.http_server.proxy_runner`, whose server has the
header and body deadlines and sends proxied requests down the proxy's lane. This server
uses that runner, so in-process tests take the path production takes.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer
from aiohttp.web_runner import BaseRunner

from opencode_proxy.app import lane_of, proxy_of
from opencode_proxy.serve.http_server import proxy_runner


class ProxyTestServer(TestServer):
    """A test server for an application made by ``create_app``."""

    async def _make_runner(self, **kwargs: Any) -> BaseRunner:
        proxy = proxy_of(self.app)
        return proxy_runner(self.app, lane_of(self.app), proxy.settings, proxy.drain)
