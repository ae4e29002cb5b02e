"""What one run measures: scenarios, peers, sizes and durations (full or ``--quick``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

GIB = 1024**3
MIB = 1024**2

SCENARIOS = ("get", "body", "sse", "idle", "websocket", "opencode", "first_load")
SCENARIO_HELP = {
    "get": "small GET: 1 KiB, keep-alive, 32 connections (wrk)",
    "body": "1 GiB download and 1 GiB upload",
    "sse": "SSE fan-out: 1,000 streams, an event every 100 ms each",
    "idle": "10,000 idle SSE streams: memory per stream",
    "websocket": "websocket echo, 64 connections",
    "opencode": "real OpenCode server: prompt to first message.part.delta",
    "first_load": "web UI's first load in Chromium over an emulated network, beside "
    "upstream's web app",
}
PEERS = ("direct", "nginx", "jsp", "ours", "ours2")
PEER_TITLES = {
    "direct": "direct",
    "nginx": "nginx",
    "jsp": "jupyter-server-proxy",
    "ours": "ours",
    "ours2": "ours, 2 workers",
}
# Narrow column titles for the terminal.
PEER_SHORT = {
    "direct": "direct",
    "nginx": "nginx",
    "jsp": "jsp",
    "ours": "ours",
    "ours2": "ours 2w",
}
# The first load compares our UI (through the proxy) with upstream's app served directly.
FIRST_LOAD_PEERS = frozenset({"direct", "ours"})
# Where two workers are worth a row: the scenarios that spread over many connections.
TWO_WORKER_SCENARIOS = frozenset({"get", "sse", "websocket"})
# The proxy under test gets CPU 0 to itself; upstreams, load generators and the harness
# share CPU 1. Two workers get both CPUs.
PROXY_CPUS = {0}
LOAD_CPUS = {1}
BOTH_CPUS = {0, 1}


@dataclass(frozen=True)
class Plan:
    """Sizes and durations of every scenario."""

    scenarios: tuple[str, ...] = SCENARIOS
    peers: tuple[str, ...] = PEERS
    quick: bool = False
    pin: bool = True
    get_connections: int = 32
    get_seconds: int = 4
    get_runs: int = 3
    get_warmup_seconds: int = 2
    body_bytes: int = GIB
    body_runs: int = 3
    sse_streams: int = 1000
    sse_events: int = 50
    idle_streams: int = 10_000
    ws_connections: int = 64
    ws_seconds: int = 8
    ws_windows: int = 4
    ws_message_bytes: int = 64
    prompts: int = 8
    prompt_warmup: int = 4
    first_load_runs: int = 5
    first_load_phone_runs: int = 3

    def quicker(self) -> Plan:
        """The same plan, small enough to finish in well under two minutes."""
        return replace(
            self,
            quick=True,
            get_seconds=2,
            get_runs=1,
            get_warmup_seconds=1,
            body_bytes=128 * MIB,
            body_runs=1,
            sse_streams=200,
            sse_events=15,
            idle_streams=1000,
            ws_seconds=2,
            ws_windows=2,
            prompts=2,
            prompt_warmup=2,
            first_load_runs=1,
            first_load_phone_runs=1,
        )

    def peers_for(self, scenario: str) -> tuple[str, ...]:
        """The peers a scenario runs against, in table order."""
        peers = [p for p in self.peers if p != "ours2" or scenario in TWO_WORKER_SCENARIOS]
        if scenario == "first_load":
            peers = [p for p in peers if p in FIRST_LOAD_PEERS]
        if scenario == "idle":
            # Memory per stream is a proxy's figure; there is no proxy when direct.
            peers = [p for p in peers if p != "direct"]
        return tuple(peers)
