"""First load of the web UI over an emulated real network, beside upstream's own web app.

Two columns: **ours** is our UI through the proxy under the Kubeflow-like prefix, with
the benchmark's OpenCode server as its (only, default) server, loaded until the
workspace is interactive: "Connected to ..." shown, "New session" enabled, the server's
sessions fetched. **direct** is upstream's web app served by that same ``opencode
serve`` at its root, loaded until its first screen is: the session search box shown and
the sessions fetched. Each is loaded cold (new browser context) in Debian's Chromium by
:mod:`.clients.browser`, once on a desktop profile and once on a phone profile.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .clients import run_client
from .peers import PREFIX, Peer
from .results import Value

if TYPE_CHECKING:
    from .scenarios import Bench

SCENARIO = "first_load"
KB = 1000
# A desktop on a good connection, and a phone on Lighthouse's "Slow 4G".
DESKTOP: dict[str, float] = {"rtt_ms": 40, "down_mbit": 20, "up_mbit": 5}
PHONE: dict[str, float] = {"rtt_ms": 150, "down_mbit": 1.6, "up_mbit": 0.75}
PHONE_VIEWPORT = {"width": 390, "height": 844}
STORAGE_KEY = "opencode-proxy.servers.v1"
PACKAGE_UI = Path("opencode_proxy") / "static"
# After ready, a moment for requests already on the wire to finish (they are counted).
SETTLE_S = 0.5

# Ours: the workspace of the seeded server, able to start a session.
OURS_READY = """
  const connected = [...document.querySelectorAll('h1')]
    .some((h) => h.textContent.startsWith('Connected to'));
  const start = [...document.querySelectorAll('button')]
    .find((b) => b.textContent.includes('New session'));
  return connected && start !== undefined && !start.disabled;
"""
OURS_FETCH = r"/api/proxy/session(\?|$)"
# Upstream's: its home with the session search box, once its sessions have arrived.
UPSTREAM_READY = """
  return document.querySelector('input[placeholder="Search sessions"]') !== null;
"""
UPSTREAM_FETCH = r"/api/session(\?|$)"


def _text(network: dict[str, float]) -> str:
    return f"{network['rtt_ms']:g} ms RTT, {network['down_mbit']:g}/{network['up_mbit']:g} Mbit/s"


def title() -> str:
    """The scenario's heading in the table."""
    return (
        f"First load, cold cache, {_text(DESKTOP)} (phone: {_text(PHONE)}); "
        "ours: our UI through the proxy; direct: upstream's web app from opencode serve"
    )


ROWS = [
    ("fl.bytes", "on the wire (KB)", False),
    ("fl.js", "scripts on the wire (KB)", False),
    ("fl.css", "styles on the wire (KB)", False),
    ("fl.other", "page, fonts, API calls (KB)", False),
    ("fl.requests", "requests", False),
    ("fl.dcl", "DOMContentLoaded (ms)", False),
    ("fl.load", "load event (ms)", False),
    ("fl.ready", "ready (ms)", False),
    ("fl.phone_ready", "phone: ready (ms)", False),
]


def seed_script(server_url: str) -> str:
    """An init script that makes ``server_url`` the UI's only and default server."""
    data = json.dumps(
        {"version": 1, "servers": [{"url": server_url, "name": "Bench"}], "defaultUrl": server_url}
    )
    return f"localStorage.setItem({json.dumps(STORAGE_KEY)}, {json.dumps(data)});"


def spec(peer: Peer, server_url: str, network: dict[str, float], runs: int) -> dict[str, Any]:
    """The browser client's spec for one peer and one network profile."""
    common = {
        "kind": "first_load",
        "network": network,
        "runs": runs,
        "warmup": 1,
        "settle_s": SETTLE_S,
    }
    if network is PHONE:
        common["viewport"] = PHONE_VIEWPORT
    if peer.key == "direct":
        return {
            **common,
            "url": server_url + "/",
            "ready": UPSTREAM_READY,
            "ready_fetch": UPSTREAM_FETCH,
        }
    return {
        **common,
        "url": f"{peer.origin}{PREFIX}/",
        "ready": OURS_READY,
        "ready_fetch": OURS_FETCH,
        "init_scripts": [seed_script(server_url)],
    }


def values(desktop: dict[str, Any], phone: dict[str, Any]) -> dict[str, Value]:
    """The table's cells from the two clients' results."""
    if desktop["error"]:
        return {"fl.bytes": "failed: " + desktop["error"][:40]}

    def kb(key: str) -> float:
        return float(desktop[key]) / KB

    return {
        "fl.bytes": kb("bytes"),
        "fl.js": kb("js_bytes"),
        "fl.css": kb("css_bytes"),
        "fl.other": kb("other_bytes"),
        "fl.requests": desktop["requests"],
        "fl.dcl": desktop["dcl_ms"],
        "fl.load": desktop["load_ms"],
        "fl.ready": desktop["ready_ms"],
        "fl.phone_ready": phone["ready_ms"] if not phone["error"] else "failed",
    }


def timeout(runs: int) -> float:
    """How long one client may take: a minute a load, at most."""
    return 60 + 60 * (runs + 1)


def ui_dir() -> Path:
    """The built UI the proxy serves: the package's, or OPENCODE_PROXY_UI_DIR's."""
    chosen = os.environ.get("OPENCODE_PROXY_UI_DIR")
    return Path(chosen) if chosen else Path(__file__).resolve().parent.parent / PACKAGE_UI


def run(bench: Bench) -> None:
    """The scenario: our UI and upstream's, each loaded cold on both profiles."""
    plan = bench.plan
    keys = bench.rows(SCENARIO, title(), ROWS)
    built = ui_dir()
    if not (built / "index.html").is_file():
        bench.results.note(f"first load: the UI is not built into {built}: run `make ui`")
        for key in plan.peers_for(SCENARIO):
            bench.results.set(keys[0], key, "UI not built")
        return
    if os.environ.get("OPENCODE_PROXY_UI_DIR"):
        bench.results.note(f"first load: ours serves the UI built into {built}")
    server_url = bench.upstreams["opencode"].url

    def measure(peer: Peer) -> dict[str, Value]:
        results = {}
        for name, network, runs in (
            ("desktop", DESKTOP, plan.first_load_runs),
            ("phone", PHONE, plan.first_load_phone_runs),
        ):
            wanted = spec(peer, server_url, network, runs)
            result = run_client(bench.supervisor, wanted, timeout(runs))
            results[name] = result
            if result["error"]:
                bench.results.note(f"first load ({name}), {peer.title}: {result['error']}")
        bench.results.raw.setdefault(SCENARIO, {})[peer.key] = results
        return values(results["desktop"], results["phone"])

    bench.measure(SCENARIO, keys, measure)
