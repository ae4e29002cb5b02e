"""Prometheus metrics at ``<prefix>/metrics``: cheap to scrape, free of credentials.

Each application has its own registry (with ``--workers N`` every process reports its
own figures; scrape them per pod, not per process, by using one worker when exact
numbers matter).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from .keys import METRICS

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
# Error codes that mean the target failed, as opposed to the policy refusing the request.
UPSTREAM_FAILURES = frozenset(
    {"upstream_unreachable", "upstream_timeout", "upstream_error", "upstream_refused_upgrade"}
)


class Metrics:
    """The service's metrics, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "opencode_proxy_requests",
            "Proxied HTTP requests answered by the target, by method, status class and target.",
            ["method", "status_class", "target"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "opencode_proxy_upstream_latency_seconds",
            "Time from forwarding a request until the target's response headers arrive.",
            ["target"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.bytes = Counter(
            "opencode_proxy_body_bytes",
            "Body bytes through the proxy: 'in' from browsers, 'out' to browsers.",
            ["direction"],
            registry=self.registry,
        )
        self.open_streams = Gauge(
            "opencode_proxy_open_streams",
            "Open event streams and websockets.",
            ["kind"],
            registry=self.registry,
        )
        self.refusals = Counter(
            "opencode_proxy_refusals",
            "Requests the proxy refused, by reason (the error code).",
            ["reason"],
            registry=self.registry,
        )
        self.upstream_errors = Counter(
            "opencode_proxy_upstream_errors",
            "Failures reaching or reading from a target, by kind.",
            ["kind"],
            registry=self.registry,
        )
        self.bytes_in = self.bytes.labels("in")
        self.bytes_out = self.bytes.labels("out")
        # labels() validates and locks on every call; the label sets repeat, so keep children.
        self._request_children: dict[tuple[str, int, str], Any] = {}
        self._latency_children: dict[str, Any] = {}

    def count_request(self, method: str, status: int, target: str) -> None:
        """Count one answered request."""
        key = (method, status // 100, target)
        child = self._request_children.get(key)
        if child is None:
            child = self.requests.labels(method, f"{status // 100}xx", target)
            self._request_children[key] = child
        child.inc()

    def observe_latency(self, target: str, seconds: float) -> None:
        """Record the time a target took to answer with its headers."""
        child = self._latency_children.get(target)
        if child is None:
            child = self._latency_children[target] = self.latency.labels(target)
        child.observe(seconds)

    def error(self, code: str) -> None:
        """Count an error the proxy answered with."""
        if code in UPSTREAM_FAILURES:
            self.upstream_errors.labels(code).inc()
        else:
            self.refusals.labels(code).inc()


async def metrics_handler(request: web.Request) -> web.StreamResponse:
    """``GET metrics``: the Prometheus text format."""
    body = generate_latest(request.app[METRICS].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
