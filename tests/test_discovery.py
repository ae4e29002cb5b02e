"""Sandbox discovery against a fake Kubernetes API on loopback speaking real list/watch JSON."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from structlog.testing import capture_logs

from opencode_proxy.policy.addresses import AddressPolicy
from opencode_proxy.policy.allowlist import Allowlist
from opencode_proxy.policy.gate import TargetPolicy
from opencode_proxy.settings import Settings, SettingsError
from opencode_proxy.target.catalog import Catalog
from opencode_proxy.target.discovery import ApiAccess, Discovery
from tests.conftest import PREFIX, ROOT

EVENTS = web.AppKey("events", asyncio.Queue)
CALLS = web.AppKey("calls", list)


def service(
    name: str, uid: str, ports: list[dict[str, Any]], annotations: dict[str, str] | None = None
) -> dict[str, Any]:
    """A v1 Service as the API returns it."""
    return {
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": {
            "name": name,
            "namespace": "team-a",
            "uid": uid,
            "resourceVersion": "100",
            "labels": {"app.kubernetes.io/name": "opencode"},
            "annotations": annotations or {},
        },
        "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10", "ports": ports},
    }


INITIAL = [
    service(
        "sandbox-alice",
        "u1",
        [
            {"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80},
            {"name": "opencode", "port": 4096, "protocol": "TCP", "targetPort": 4096},
        ],
        {"opencode-proxy/display-name": "Alice's sandbox"},
    ),
    service("sandbox-bob", "u2", [{"port": 4096, "protocol": "TCP", "targetPort": 4096}]),
    service("secret-db", "u3", [{"port": 5432, "protocol": "TCP", "targetPort": 5432}]),
]


async def services(request: web.Request) -> web.StreamResponse:
    request.app[CALLS].append((dict(request.query), request.headers.get("Authorization")))
    if request.query.get("watch") != "1":
        return web.json_response(
            {
                "kind": "ServiceList",
                "apiVersion": "v1",
                "metadata": {"resourceVersion": "100"},
                "items": INITIAL,
            }
        )
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    await response.prepare(request)
    queue = request.app[EVENTS]
    while True:
        event = await queue.get()
        await response.write(json.dumps(event).encode() + b"\n")


@pytest.fixture
async def api(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> TestServer:
    app = web.Application()
    app[EVENTS] = asyncio.Queue()
    app[CALLS] = []
    app.router.add_get("/api/v1/namespaces/team-a/services", services)
    return await aiohttp_server(app)


async def servers(
    session: aiohttp.ClientSession, proxy: TestServer, count: int
) -> list[dict[str, Any]]:
    """Poll /api/config until it lists ``count`` servers."""
    for _ in range(100):
        async with session.get(f"http://127.0.0.1:{proxy.port}{PREFIX}/api/config") as response:
            found = (await response.json())["servers"]
        if len(found) == count:
            return found  # type: ignore[no-any-return]
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} servers, have {found}")


async def test_list_then_watch(
    make_proxy: Callable[..., Awaitable[TestServer]],
    api: TestServer,
    session: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    """Services are listed, then kept current by watch; the allow and deny patterns still apply."""
    token = tmp_path / "token"
    token.write_text("test-token\n")
    proxy = await make_proxy(
        allow=("*.svc.cluster.local",),
        deny=("secret-*.team-a.svc.cluster.local",),
        discover_namespace="team-a",
        kubernetes_api=f"http://127.0.0.1:{api.port}",
        kubernetes_token_file=token,
    )
    found = await servers(session, proxy, 2)
    assert [(s["name"], s["url"], s["managed"]) for s in found] == [
        ("Alice's sandbox", "http://sandbox-alice.team-a.svc.cluster.local:4096", True),
        ("sandbox-bob", "http://sandbox-bob.team-a.svc.cluster.local:4096", True),
    ]
    events = api.app[EVENTS]  # type: ignore[index]
    await events.put(
        {
            "type": "ADDED",
            "object": service("sandbox-carol", "u4", [{"port": 4096, "protocol": "TCP"}]),
        }
    )
    assert "sandbox-carol" in [s["name"] for s in await servers(session, proxy, 3)]
    await events.put({"type": "DELETED", "object": service("sandbox-bob", "u2", [])})
    assert [s["name"] for s in await servers(session, proxy, 2)] == [
        "Alice's sandbox",
        "sandbox-carol",
    ]

    calls = api.app[CALLS]  # type: ignore[index]
    assert all(auth == "Bearer test-token" for _, auth in calls)
    assert calls[0][0] == {"labelSelector": "app.kubernetes.io/name=opencode"}
    assert calls[1][0]["watch"] == "1"
    assert calls[1][0]["resourceVersion"] == "100"


async def test_off_by_default(proxy: TestServer, session: aiohttp.ClientSession) -> None:
    """Without a namespace, nothing is discovered and no API is called."""
    async with session.get(f"http://127.0.0.1:{proxy.port}{PREFIX}/api/config") as response:
        assert (await response.json())["servers"] == []


@pytest.mark.parametrize("domain", ["bad domain", "cluster..local", "-x.local", "cluster_local"])
def test_bad_cluster_domain_stops_start_up(domain: str) -> None:
    """A cluster domain no Service name could end in is refused when the settings are read."""
    with pytest.raises(SettingsError, match="cluster-domain"):
        Settings(cluster_domain=domain)


def test_bad_cluster_domain_fails_the_process_loudly() -> None:
    """The process exits 2 at start with a message naming the setting."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "opencode_proxy",
            "--port",
            "0",
            "--discover-namespace",
            "team-a",
            "--cluster-domain",
            "bad domain",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
    )
    assert result.returncode == 2
    assert "cluster-domain" in result.stderr


async def test_a_service_that_makes_no_target_is_skipped(
    make_proxy: Callable[..., Awaitable[TestServer]],
    aiohttp_server: Callable[..., Awaitable[TestServer]],
    session: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    """A Service whose name makes no valid target is skipped; discovery goes on watching."""
    app = web.Application()
    app[EVENTS] = asyncio.Queue()
    app[CALLS] = []
    odd = service("sandbox_under_score", "u9", [{"port": 4096, "protocol": "TCP"}])

    async def listing(request: web.Request) -> web.StreamResponse:
        if request.query.get("watch") != "1":
            items = [odd, INITIAL[1]]
            return web.json_response({"metadata": {"resourceVersion": "100"}, "items": items})
        return await services(request)

    app.router.add_get("/api/v1/namespaces/team-a/services", listing)
    api = await aiohttp_server(app)
    (tmp_path / "token").write_text("t")
    proxy = await make_proxy(
        allow=("*.svc.cluster.local",),
        discover_namespace="team-a",
        kubernetes_api=f"http://127.0.0.1:{api.port}",
        kubernetes_token_file=tmp_path / "token",
    )
    assert [s["name"] for s in await servers(session, proxy, 1)] == ["sandbox-bob"]
    await app[EVENTS].put(
        {"type": "ADDED", "object": service("sandbox-carol", "u4", [{"port": 4096}])}
    )
    assert "sandbox-carol" in [s["name"] for s in await servers(session, proxy, 2)]


async def test_discovery_that_stops_says_so(tmp_path: Path) -> None:
    """If discovery ever ends (here: its CA file is missing), an error is logged."""
    settings = Settings(discover_namespace="team-a")
    access = ApiAccess("https://127.0.0.1:1", tmp_path / "token", tmp_path / "missing-ca.crt")
    targets = TargetPolicy(Allowlist(settings.allow), AddressPolicy(()))
    catalog = Catalog((), targets)
    with capture_logs() as logs:
        task = Discovery(settings, targets, access).start(catalog)
        with contextlib.suppress(OSError):
            await task
        await asyncio.sleep(0)
    assert any(e["event"] == "discovery.stopped" and e["log_level"] == "error" for e in logs)
