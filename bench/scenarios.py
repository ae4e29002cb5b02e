"""The six scenarios of issue 6 (and issue 14's first load, in :mod:`.first_load`). Each
runs against every peer in turn, one peer at a time.

A peer is started fresh for each scenario and stopped after it, so nothing but the peer
under test, the upstream and the load client is running while it is measured, and each
memory figure starts from a newly started process.
"""

from __future__ import annotations

import itertools
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from . import first_load, memory, wrk
from .clients import Client, run_client
from .cpu import CpuMeter
from .peers import PEER_CLASSES, Peer
from .plan import LOAD_CPUS, PEER_TITLES, Plan
from .procs import Supervisor
from .results import Results, Value
from .upstreams import BODY_FILE, SMALL_FILE, Upstreams

KIB = 1024
# A load-side CPU this busy means the figure may be the load side's limit, not the peer's.
SATURATED = 0.9
LOAD_BOUND_SCENARIOS = frozenset({"get", "body", "websocket"})
MIB = 1024 * 1024
Say = Callable[[str], None]
Measure = Callable[[Peer], dict[str, Value]]


class Bench:
    """Everything a scenario needs: the plan, processes, upstreams, and the results."""

    def __init__(
        self,
        plan: Plan,
        supervisor: Supervisor,
        work: Path,
        upstreams: Upstreams,
        results: Results,
        say: Say,
    ):
        self.plan = plan
        self.supervisor = supervisor
        self.work = work
        self.upstreams = upstreams
        self.results = results
        self.say = say
        self._runs = itertools.count(1)
        self._saturated: dict[str, list[str]] = {}

    def run_id(self, peer: Peer) -> str:
        """A fresh name for one measurement's streams on the event upstream."""
        return f"{peer.key}-{next(self._runs)}"

    @contextmanager
    def peer(self, key: str) -> Iterator[Peer]:
        """A freshly started peer, stopped afterwards."""
        peer = PEER_CLASSES[key](self.supervisor, self.work, self.upstreams.all)
        try:
            peer.start()
            yield peer
        finally:
            peer.stop()

    def rows(self, scenario: str, title: str, rows: list[tuple[str, str, bool]]) -> list[str]:
        """Declare a scenario's rows (key, label, higher is better), in table order."""
        for key, label, higher in rows:
            self.results.metric(key, title, label, higher=higher)
        self.say(f"\n{title}")
        return [key for key, _, _ in rows]

    def measure(self, scenario: str, keys: list[str], measure: Measure) -> None:
        """Run ``measure`` against each of the scenario's peers; a failure fills its cells."""
        self._measure_each(scenario, keys, measure)
        if scenario in self._saturated:
            self.results.note(
                f"{self.results.metrics[keys[0]].scenario}: the load side's CPU was busy "
                f"({', '.join(self._saturated[scenario])}), so those figures may be limits of "
                "the client and upstream rather than of the peer: lower bounds"
            )

    def _measure_each(self, scenario: str, keys: list[str], measure: Measure) -> None:
        for key in self.plan.peers_for(scenario):
            started = time.monotonic()
            meter = CpuMeter()
            try:
                with self.peer(key) as peer:
                    meter.start()
                    values = measure(peer)
                    busy = meter.stop()
                self._check_load(scenario, key, busy)
            except Exception as exc:
                reason = str(exc).splitlines()[0][:60] if str(exc) else type(exc).__name__
                values = {}
                title = self.results.metrics[keys[0]].scenario
                self.results.note(f"{title}, {PEER_TITLES[key]}: failed: {reason}")
                self.say(traceback.format_exc(limit=3))
                for row in keys:
                    values[row] = "failed"
            for row in keys:
                self.results.set(row, key, values.get(row))
            shown = ", ".join(
                f"{self.results.metrics[row].label}={_short(values.get(row))}" for row in keys
            )
            cpus = " ".join(f"cpu{c} {b:.0%}" for c, b in sorted(meter.busy.items()))
            self.say(
                f"  {PEER_TITLES[key]:<22} {shown}  [{time.monotonic() - started:.0f}s; {cpus}]"
            )

    def _check_load(self, scenario: str, key: str, busy: dict[int, float]) -> None:
        self.results.raw.setdefault("cpu_busy", {}).setdefault(scenario, {})[key] = busy
        if not self.plan.pin or scenario not in LOAD_BOUND_SCENARIOS:
            return
        load = max((busy.get(c, 0.0) for c in LOAD_CPUS), default=0.0)
        if load >= SATURATED:
            self._saturated.setdefault(scenario, []).append(f"{PEER_TITLES[key]} {load:.0%}")

    def client(self, spec: dict[str, Any], timeout: float, scenario: str, peer: Peer) -> Any:
        """Run a load client; keep its raw output with the results."""
        result = run_client(self.supervisor, spec, timeout)
        self.results.raw.setdefault(scenario, {})[peer.key] = result
        return result


def _short(value: Value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _failure(scenario: str, peer: Peer | _Named, error: str, bench: Bench) -> str:
    bench.results.note(f"{scenario}, {peer.title}: {error}")
    return "fails: " + error[:28]


def small_get(bench: Bench) -> None:
    """1 KiB GET over 32 keep-alive connections with wrk: requests/s, p50, p99."""
    plan = bench.plan
    keys = bench.rows(
        "get",
        f"Small GET: 1 KiB, keep-alive, {plan.get_connections} connections (wrk)",
        [
            ("get.rps", "requests/s", True),
            ("get.p50", "latency p50 (ms)", False),
            ("get.p99", "latency p99 (ms)", False),
        ],
    )
    static = bench.upstreams["static"]

    def measure(peer: Peer) -> dict[str, Value]:
        url, headers = peer.url(static, "/" + SMALL_FILE), peer.headers(static)
        options = {"connections": plan.get_connections}
        wrk.run(bench.supervisor, url, headers, seconds=plan.get_warmup_seconds, **options)
        runs = [
            wrk.run(bench.supervisor, url, headers, seconds=plan.get_seconds, **options)
            for _ in range(plan.get_runs)
        ]
        # The median run, whole: one noisy moment on a shared machine does not decide.
        result = sorted(runs, key=lambda r: r.requests_per_s)[len(runs) // 2]
        bench.results.raw.setdefault("get", {})[peer.key] = [r.__dict__ for r in runs]
        for run in runs:
            if run.error:
                bench.results.note(f"small GET, {peer.title}: {run.error} of {run.requests:,}")
        return {
            "get.rps": result.requests_per_s,
            "get.p50": result.p50_ms,
            "get.p99": result.p99_ms,
        }

    bench.measure("get", keys, measure)


def large_bodies(bench: Bench) -> None:
    """Download and upload ``body_bytes``: MB/s, and the proxy's peak RSS and its growth."""
    plan = bench.plan
    size = _size_text(plan.body_bytes)
    keys = bench.rows(
        "body",
        f"Large bodies: {size} download and {size} upload",
        [
            ("body.down.mbps", "download MB/s", True),
            ("body.down.peak", "download: proxy peak RSS (MiB)", False),
            ("body.down.growth", "download: proxy RSS growth (MiB)", False),
            ("body.up.mbps", "upload MB/s", True),
            ("body.up.peak", "upload: proxy peak RSS (MiB)", False),
            ("body.up.growth", "upload: proxy RSS growth (MiB)", False),
        ],
    )
    static, sink = bench.upstreams["static"], bench.upstreams["sink"]
    timeout = 60 + plan.body_bytes / 20e6

    def measure(peer: Peer) -> dict[str, Value]:
        values: dict[str, Value] = {}
        for way, kind, upstream, path in (
            ("down", "download", static, "/" + BODY_FILE),
            ("up", "upload", sink, "/upload"),
        ):
            pid = peer.pid
            spec = {
                "kind": kind,
                "url": peer.url(upstream, path),
                "headers": peer.headers(upstream, write=kind == "upload"),
                "bytes": plan.body_bytes,
            }
            results: list[dict[str, Any]] = []
            peaks: list[tuple[int, int]] = []
            for _ in range(plan.body_runs):
                base = 0
                if pid is not None:
                    memory.reset_peak(pid)
                    base = memory.rss(pid)
                result = run_client(bench.supervisor, spec, timeout)
                results.append(result)
                if pid is not None:
                    peaks.append((memory.peak(pid), base))
                if result["error"]:
                    break  # one refusal says it all; the next would be refused too
            bench.results.raw.setdefault(f"body.{way}", {})[peer.key] = results
            failed = next((r["error"] for r in results if r["error"]), None)
            if failed:
                values[f"body.{way}.mbps"] = _failure(f"{size} {kind}", peer, failed, bench)
            else:
                # The median transfer: a short one is easily slowed by a noisy moment.
                rates = sorted(r["mb_per_s"] for r in results)
                values[f"body.{way}.mbps"] = rates[len(rates) // 2]
            if peaks:
                # Memory: the worst of the transfers.
                values[f"body.{way}.peak"] = max(top for top, _ in peaks) / MIB
                values[f"body.{way}.growth"] = max(max(0, top - base) for top, base in peaks) / MIB
        return values

    bench.measure("body", keys, measure)


def sse_fanout(bench: Bench) -> None:
    """Many streams, an event every 100 ms on each: latency, added latency, events lost."""
    plan = bench.plan
    keys = bench.rows(
        "sse",
        f"SSE fan-out: {plan.sse_streams:,} streams, {plan.sse_events} events each, "
        "one every 100 ms",
        [
            ("sse.p50", "event latency p50 (ms)", False),
            ("sse.p99", "event latency p99 (ms)", False),
            ("sse.added_p50", "added latency p50 over direct (ms)", False),
            ("sse.added_p99", "added latency p99 over direct (ms)", False),
            ("sse.lost", "events lost", False),
            ("sse.failed", "streams failed", False),
        ],
    )
    events = bench.upstreams["events"]

    def measure(peer: Peer) -> dict[str, Value]:
        spec = {
            "kind": "fanout",
            "url": peer.url(events, "/events"),
            "headers": peer.headers(events),
            "control": events.url,
            "run": bench.run_id(peer),
            "streams": plan.sse_streams,
            "events": plan.sse_events,
        }
        result = bench.client(spec, plan.sse_events * 0.1 + 150, "sse", peer)
        if result["errors"]:
            bench.results.note(f"SSE fan-out, {peer.title}: stream errors {result['errors']}")
        latency = result["latency_ms"]
        return {
            "sse.p50": latency["p50"],
            "sse.p99": latency["p99"],
            "sse.lost": result["lost"],
            "sse.failed": result["streams"] - result["ended"],
        }

    bench.measure("sse", keys, measure)
    _added_over_direct(bench, "sse.p50", "sse.added_p50")
    _added_over_direct(bench, "sse.p99", "sse.added_p99")


def _added_over_direct(bench: Bench, source: str, target: str) -> None:
    metric = bench.results.metrics[source]
    direct = metric.number("direct")
    for peer in metric.values:
        value = metric.number(peer)
        added: Value = None
        if peer != "direct":
            added = value - direct if value is not None and direct is not None else "n/a"
        bench.results.set(target, peer, added)


def idle_streams(bench: Bench) -> None:
    """Many open, silent event streams: the proxy's memory per stream."""
    plan = bench.plan
    keys = bench.rows(
        "idle",
        f"Idle streams: {plan.idle_streams:,} open SSE streams",
        [
            ("idle.per_stream", "proxy memory per stream (KiB)", False),
            ("idle.growth", "proxy RSS growth (MiB)", False),
            ("idle.open_s", "time to open them all (s)", False),
        ],
    )
    events = bench.upstreams["events"]

    def measure(peer: Peer) -> dict[str, Value]:
        pid = peer.pid
        assert pid is not None
        base = memory.rss(pid)
        spec = {
            "kind": "idle",
            "url": peer.url(events, "/events"),
            "headers": peer.headers(events),
            "control": events.url,
            "run": bench.run_id(peer),
            "streams": plan.idle_streams,
        }
        client = Client(bench.supervisor, spec)
        try:
            ready = client.read(timeout=240)
            time.sleep(0.5)
            held = memory.rss(pid)
            client.send("release")
            result = client.read(timeout=120)
        finally:
            client.close()
        bench.results.raw.setdefault("idle", {})[peer.key] = {**result, "rss_before": base}
        opened = ready["opened"]
        if opened < plan.idle_streams:
            bench.results.note(
                f"Idle streams, {peer.title}: {opened:,} of {plan.idle_streams:,} streams opened "
                f"{result['errors']}"
            )
        growth = max(0, held - base)
        return {
            "idle.per_stream": growth / opened / KIB if opened else "none opened",
            "idle.growth": growth / MIB,
            "idle.open_s": ready["seconds"],
        }

    bench.measure("idle", keys, measure)


def websocket_echo(bench: Bench) -> None:
    """Websocket echo over many connections: round trips per second, p50, p99."""
    plan = bench.plan
    keys = bench.rows(
        "websocket",
        f"Websocket echo: {plan.ws_connections} connections, {plan.ws_message_bytes}-byte messages",
        [
            ("ws.rate", "round trips/s", True),
            ("ws.p50", "round trip p50 (ms)", False),
            ("ws.p99", "round trip p99 (ms)", False),
        ],
    )
    echo = bench.upstreams["echo"]

    def measure(peer: Peer) -> dict[str, Value]:
        spec = {
            "kind": "websocket",
            "url": peer.url(echo, "/echo"),
            "headers": peer.headers(echo, write=True),
            "connections": plan.ws_connections,
            "seconds": plan.ws_seconds,
            "windows": plan.ws_windows,
            "message_bytes": plan.ws_message_bytes,
        }
        result = bench.client(spec, plan.ws_seconds + 90, "websocket", peer)
        if result.get("error"):
            return {"ws.rate": _failure("websocket", peer, result["error"], bench)}
        if result["errors"] or result["broken"]:
            bench.results.note(
                f"websocket, {peer.title}: {result['connections']} connected, "
                f"errors {result['errors']}, {result['broken']} broke off"
            )
        return {
            "ws.rate": result["round_trips_per_s"],
            "ws.p50": result["rtt_ms"]["p50"],
            "ws.p99": result["rtt_ms"]["p99"],
        }

    bench.measure("websocket", keys, measure)


def opencode_first_delta(bench: Bench) -> None:
    """The real OpenCode server and fake model: prompt to first streamed delta.

    Unlike the other scenarios, all peers run at once (idle but for one prompt at a
    time), so the prompts can go round them in turn; see :mod:`.clients.opencode`.
    """
    plan = bench.plan
    keys = bench.rows(
        "opencode",
        f"OpenCode: prompt to first message.part.delta, median of {plan.prompts}",
        [
            ("oc.first_delta", "time to first delta (ms)", False),
            ("oc.added", "added over direct (ms)", False),
        ],
    )
    opencode = bench.upstreams["opencode"]
    started = time.monotonic()
    with ExitStack() as stack:
        targets = {}
        for key in plan.peers_for("opencode"):
            try:
                peer = stack.enter_context(bench.peer(key))
            except Exception as exc:
                bench.results.set(keys[0], key, _failure("opencode", _Named(key), str(exc), bench))
                continue
            targets[key] = {
                "base": peer.url(opencode, ""),
                "headers": peer.headers(opencode, write=True),
            }
        spec = {
            "kind": "opencode",
            "targets": targets,
            "prompts": plan.prompts,
            "warmup": plan.prompt_warmup,
        }
        timeout = (plan.prompts + plan.prompt_warmup) * len(targets) * 30 + 60
        result = run_client(bench.supervisor, spec, timeout)
    bench.results.raw["opencode"] = result
    for key, outcome in result["peers"].items():
        if outcome["error"]:
            value: Value = _failure("opencode", _Named(key), outcome["error"], bench)
        else:
            value = outcome["median_ms"]
        bench.results.set(keys[0], key, value)
        bench.say(f"  {PEER_TITLES[key]:<22} time to first delta (ms)={_short(value)}")
    bench.say(f"  [{time.monotonic() - started:.0f}s]")
    _added_over_direct(bench, "oc.first_delta", "oc.added")


class _Named:
    """Stands in for a peer that could not be started, in a note."""

    def __init__(self, key: str):
        self.title = PEER_TITLES[key]


def _size_text(size: int) -> str:
    if size % (1024**3) == 0:
        return f"{size // 1024**3} GiB"
    return f"{size // MIB} MiB"


SCENARIO_RUNNERS: dict[str, Callable[[Bench], None]] = {
    "get": small_get,
    "body": large_bodies,
    "sse": sse_fanout,
    "idle": idle_streams,
    "websocket": websocket_echo,
    "opencode": opencode_first_delta,
    "first_load": first_load.run,
}
