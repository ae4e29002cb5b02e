"""The ``api/proxy/{path}`` route: admit the request, then relay it as HTTP or a websocket."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ..edge.errors import BadPath
from ..edge.middleware import REQUEST_ID
from .http import HttpRelay
from .websocket import WebsocketRelay

if TYPE_CHECKING:
    from ..proxy import Proxy


class ProxyRoute:
    """The handler of ``<prefix>/api/proxy/{path}``."""

    def __init__(self, proxy: Proxy):
        self.gate = proxy.gate
        self.base = proxy.settings.proxy_base
        self.http = HttpRelay(proxy)
        self.websockets = WebsocketRelay(proxy)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Judge the request by the policy, then forward it to its target."""
        admission = self.gate.admit(request)
        tail, query = self._split(request)
        relay = self.websockets if admission.websocket else self.http
        return await relay.relay(request, admission, tail, query, request[REQUEST_ID])

    def _split(self, request: web.Request) -> tuple[str, str]:
        """The still-encoded path after ``<prefix>/api/proxy/``, and the raw query string."""
        path, _, query = request.raw_path.partition("?")
        if not path.startswith(self.base):
            # The router matched on the decoded path; an escaped prefix is not worth guessing.
            raise BadPath(f"Proxied paths must start with {self.base} exactly as written.")
        return path[len(self.base) :], query
