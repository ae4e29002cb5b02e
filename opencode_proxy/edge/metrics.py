"""Prometheus metrics at ``<prefix>/metrics``: cheap to scrape, free of credentials.

Each application has its own registry (with ``--workers N`` every process reports its
own figures; scrape them per pod, not per process, by using one worker when exact
numbers matter).
"""

from __future__ import annotations

import bisect
import collections
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

_STATE_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5)
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
# Error codes that mean the target failed, as opposed to the policy refusing the request.
UPSTREAM_FAILURES = frozenset(
    {
        "upstream_unreachable",
        "upstream_timeout",
        "upstream_error",
        "upstream_refused_upgrade",
        "upstream_redirect",
    }
)


class Metrics:
    """The service's metrics, in a registry of its own.

    The figures touched on every request (requests by label set, bytes, upstream latency)
    are plain numbers turned into Prometheus samples only when scraped: a
    prometheus_client counter or histogram takes a lock on every change.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests: collections.Counter[tuple[str, int, str]] = collections.Counter()
        self.bytes_in = 0
        self.bytes_out = 0
        self.registry.register(_HotPathCollector(self))
        # Per target: a count per bucket (the last one past the largest bound) and the sum.
        self.latency: dict[str, tuple[list[int], list[float]]] = {}
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

        # The state database: touched by the UI's api/state, stored passwords and a
        # proxied request with the session cookie whose credentials are not cached.
        self.state_open = Gauge(
            "opencode_proxy_state_open",
            "1 while the state database is open (readiness waits for it).",
            registry=self.registry,
        )
        self.state_size = Gauge(
            "opencode_proxy_state_size_bytes",
            "Bytes the state database and its write-ahead log take on disk (0 in memory).",
            registry=self.registry,
        )
        self.state_latency = Histogram(
            "opencode_proxy_state_query_seconds",
            "Time a state database operation took, from the event loop's view, by operation.",
            ["operation"],
            buckets=_STATE_BUCKETS,
            registry=self.registry,
        )
        self.state_errors = Counter(
            "opencode_proxy_state_query_errors",
            "State database operations that failed in SQLite, by operation.",
            ["operation"],
            registry=self.registry,
        )

    def count_request(self, method: str, status: int, target: str) -> None:
        """Count one answered request."""
        self.requests[method, status // 100, target] += 1

    def observe_latency(self, target: str, seconds: float) -> None:
        """Record the time a target took to answer with its headers."""
        entry = self.latency.get(target)
        if entry is None:
            entry = self.latency[target] = ([0] * (len(_LATENCY_BUCKETS) + 1), [0.0])
        entry[0][bisect.bisect_left(_LATENCY_BUCKETS, seconds)] += 1
        entry[1][0] += seconds

    def error(self, code: str) -> None:
        """Count an error the proxy answered with."""
        if code in UPSTREAM_FAILURES:
            self.upstream_errors.labels(code).inc()
        else:
            self.refusals.labels(code).inc()


class _HotPathCollector(Collector):
    """Renders the plain-integer figures at scrape time."""

    def __init__(self, metrics: Metrics):
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "opencode_proxy_requests",
            "Proxied HTTP requests answered by the target, by method, status class and target.",
            labels=["method", "status_class", "target"],
        )
        for (method, status_class, target), count in self.metrics.requests.items():
            requests.add_metric([method, f"{status_class}xx", target], count)
        yield requests
        body = CounterMetricFamily(
            "opencode_proxy_body_bytes",
            "Body bytes through the proxy: 'in' from browsers, 'out' to browsers.",
            labels=["direction"],
        )
        body.add_metric(["in"], self.metrics.bytes_in)
        body.add_metric(["out"], self.metrics.bytes_out)
        yield body
        latency = HistogramMetricFamily(
            "opencode_proxy_upstream_latency_seconds",
            "Time from forwarding a request until the target's response headers arrive.",
            labels=["target"],
        )
        bounds = [*(str(float(b)) for b in _LATENCY_BUCKETS), "+Inf"]
        for target, (counts, total) in self.metrics.latency.items():
            cumulative = 0
            buckets = []
            for bound, count in zip(bounds, counts, strict=True):
                cumulative += count
                buckets.append((bound, cumulative))
            latency.add_metric([target], buckets, total[0])
        yield latency
