"""What Kubernetes and Kubeflow read: liveness, readiness, Prometheus metrics, the culler's kernels.

None of these touches an upstream, and none needs the UI's origin: probes and scrapers
call them with no user headers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

if TYPE_CHECKING:
    from ..proxy import Proxy

_NO_STORE = {"Cache-Control": "no-store"}


class OpsRoutes:
    """The handlers, bound to what they report on."""

    def __init__(self, proxy: Proxy):
        self.metrics = proxy.metrics
        self.activity = proxy.activity
        self.streams = proxy.streams
        self.drain = proxy.drain
        self.database = proxy.database

    async def healthz(self, request: web.Request) -> web.StreamResponse:
        """``GET healthz``: the process serves requests; touches no upstream."""
        return web.json_response({"status": "ok"}, headers=_NO_STORE)

    async def readyz(self, request: web.Request) -> web.StreamResponse:
        """``GET readyz``: serving, the state database open, and not draining for a shutdown."""
        if self.drain.draining:
            return web.json_response({"status": "draining"}, status=503, headers=_NO_STORE)
        if not self.database.is_open:
            return web.json_response({"status": "state_unavailable"}, status=503, headers=_NO_STORE)
        return web.json_response({"status": "ready"}, headers=_NO_STORE)

    async def metrics_page(self, request: web.Request) -> web.StreamResponse:
        """``GET metrics``: the Prometheus text format."""
        body = generate_latest(self.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def kernels(self, request: web.Request) -> web.StreamResponse:
        """``GET api/kernels``: one pseudo-kernel standing for the user's activity."""
        kernel = self.activity.as_kernel(len(self.streams))
        return web.json_response([kernel], headers=_NO_STORE)
