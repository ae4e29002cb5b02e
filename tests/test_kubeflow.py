"""What Kubeflow reads: /api/kernels for the culler, /metrics, /readyz."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from opencode_proxy.app import proxy_of
from tests.conftest import PREFIX, ProxyClient
from tests.support.fake_upstream import Seen
from tests.test_events import next_event


async def kernel(client: ProxyClient) -> dict[str, object]:
    """The single pseudo-kernel, read without any user headers, as the culler does."""
    async with (
        aiohttp.ClientSession() as culler,
        culler.get(client.url("/api/kernels")) as response,
    ):
        assert response.status == 200
        kernels = await response.json()
    assert len(kernels) == 1
    return kernels[0]  # type: ignore[no-any-return]


def stamp(value: object) -> datetime:
    assert isinstance(value, str)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", value)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class TestCulling:
    async def test_shape(self, client: ProxyClient) -> None:
        """The answer is a Jupyter kernel list: id, name, last_activity (ISO, UTC), state, connections."""
        model = await kernel(client)
        assert set(model) == {"id", "name", "last_activity", "execution_state", "connections"}
        assert model["execution_state"] == "idle"
        assert model["connections"] == 0
        stamp(model["last_activity"])

    async def test_user_requests_are_activity(self, client: ProxyClient) -> None:
        """A proxied request moves last_activity."""
        before = stamp((await kernel(client))["last_activity"])
        await asyncio.sleep(0.02)
        async with client.request("GET", "/session") as response:
            assert response.status == 200
        assert stamp((await kernel(client))["last_activity"]) > before

    async def test_polls_and_streams_are_not(self, client: ProxyClient, seen: Seen) -> None:
        """Health polls, event streams connecting and heartbeat events leave last_activity alone."""
        before = (await kernel(client))["last_activity"]
        await asyncio.sleep(0.02)
        for _ in range(3):
            async with client.request("GET", "/global/health") as response:
                assert response.status == 200
        async with client.request(
            "GET", "/events", headers={"Accept": "text/event-stream"}
        ) as events:
            await seen.sse_gate.put('{"type":"server.heartbeat","properties":{}}')
            assert (await next_event(events))["type"] == "server.heartbeat"
            model = await kernel(client)
            assert model["connections"] == 1
            assert model["last_activity"] == before
            assert model["execution_state"] == "idle"

    async def test_agent_reply_is_activity_and_busy(self, client: ProxyClient, seen: Seen) -> None:
        """Reply events make the notebook busy and active; session.idle ends busy."""
        before = stamp((await kernel(client))["last_activity"])
        async with client.request(
            "GET", "/events", headers={"Accept": "text/event-stream"}
        ) as events:
            await asyncio.sleep(0.02)
            await seen.sse_gate.put(
                '{"type":"message.part.delta","properties":{"sessionID":"s","delta":"Hi"}}'
            )
            await next_event(events)
            model = await kernel(client)
            assert model["execution_state"] == "busy"
            assert stamp(model["last_activity"]) > before
            await seen.sse_gate.put('{"type":"session.idle","properties":{"sessionID":"s"}}')
            await next_event(events)
            assert (await kernel(client))["execution_state"] == "idle"

    async def test_request_in_flight_is_busy(self, client: ProxyClient, seen: Seen) -> None:
        """While a user's request is waiting on the server, the notebook is busy."""
        events = await client.request("GET", "/events").__aenter__()
        assert (await kernel(client))["execution_state"] == "busy"
        events.close()
        await asyncio.wait_for(seen.sse_closed.wait(), 3)
        await asyncio.sleep(0.05)
        assert (await kernel(client))["execution_state"] == "idle"

    async def test_terminal_input_is_activity(self, client: ProxyClient) -> None:
        """Keystrokes sent over a websocket move last_activity."""
        async with client.session.ws_connect(
            client.url(f"/api/proxy/ws?target={client.target}"),
            headers={"Origin": f"http://127.0.0.1:{client.proxy.port}"},
        ) as ws:
            before = stamp((await kernel(client))["last_activity"])
            await asyncio.sleep(0.02)
            await ws.send_str("ls\r")
            await ws.receive_str(timeout=3)
            assert stamp((await kernel(client))["last_activity"]) > before


def metric(text: str, name: str, **labels: str) -> float:
    """One sample's value from the Prometheus text format."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {name} {labels} in metrics")


class TestMetrics:
    async def scrape(self, client: ProxyClient) -> str:
        async with client.session.get(client.url("/metrics")) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            return await response.text()

    async def test_requests_bytes_refusals_and_errors(
        self, client: ProxyClient, proxy: TestServer
    ) -> None:
        """Requests by status class and target, bytes, refusals by reason, upstream errors by kind."""
        target = client.target.removeprefix("http://")
        for _ in range(3):
            async with client.request("GET", "/bytes/1000") as response:
                await response.read()
        async with client.request("GET", "/auth") as response:
            assert response.status == 401
        async with client.request("GET", "/x", target="http://evil.example") as response:
            assert response.status == 403
        async with client.request(
            "POST", "/x", headers={"Origin": "https://evil.example"}
        ) as response:
            assert response.status == 403
        text = await self.scrape(client)
        assert (
            metric(
                text,
                "opencode_proxy_requests_total",
                method="GET",
                status_class="2xx",
                target=target,
            )
            == 3
        )
        assert (
            metric(
                text,
                "opencode_proxy_requests_total",
                method="GET",
                status_class="4xx",
                target=target,
            )
            == 1
        )
        assert metric(text, "opencode_proxy_body_bytes_total", direction="out") >= 3000
        assert metric(text, "opencode_proxy_refusals_total", reason="target_not_allowed") == 1
        assert metric(text, "opencode_proxy_refusals_total", reason="cross_site_request") == 1
        assert metric(text, "opencode_proxy_upstream_latency_seconds_count", target=target) == 4

    async def test_open_streams_gauge(self, client: ProxyClient, seen: Seen) -> None:
        """Open event streams and websockets are counted while open."""
        async with client.request("GET", "/events") as events:
            await seen.sse_gate.put("x")
            await next_event(events)
            assert metric(await self.scrape(client), "opencode_proxy_open_streams", kind="sse") == 1
        await asyncio.wait_for(seen.sse_closed.wait(), 3)
        await asyncio.sleep(0.05)
        assert metric(await self.scrape(client), "opencode_proxy_open_streams", kind="sse") == 0

    async def test_upstream_errors(self, make_proxy, session: aiohttp.ClientSession) -> None:  # type: ignore[no-untyped-def]
        """An unreachable target counts as an upstream error, not a refusal."""
        proxy = await make_proxy(allow=("127.0.0.1:9",))
        client = ProxyClient(session, proxy, "http://127.0.0.1:9")
        async with client.request("GET", "/x") as response:
            assert response.status == 502
        text = await self.scrape(client)
        assert (
            metric(text, "opencode_proxy_upstream_errors_total", kind="upstream_unreachable") == 1
        )

    async def test_no_credentials_in_metrics(self, client: ProxyClient) -> None:
        """Scraping shows no password, even after credentials were stored."""
        async with client.session.post(
            client.url("/api/credentials"),
            json={"target": client.target, "password": "metrics-must-not-show-this"},
            headers={"Origin": f"http://127.0.0.1:{client.proxy.port}"},
        ) as response:
            assert response.status == 200
        async with client.request("GET", "/x") as response:
            assert response.status == 200
        text = await self.scrape(client)
        assert "metrics-must-not-show-this" not in text
        assert "Basic" not in text


class TestReadiness:
    async def test_ready_then_draining(self, client: ProxyClient, proxy: TestServer) -> None:
        """/readyz says ready while serving and 503 once shutdown has begun; /healthz stays 200."""
        async with client.session.get(client.url("/readyz")) as response:
            assert response.status == 200
        await proxy_of(proxy.app).on_shutdown(proxy.app)
        async with client.session.get(client.url("/readyz")) as response:
            assert response.status == 503
            assert json.loads(await response.text())["status"] == "draining"
        async with client.session.get(client.url("/healthz")) as response:
            assert response.status == 200


@pytest.mark.parametrize("path", ["/api/kernels", "/metrics", "/readyz"])
async def test_under_prefix_only(
    session: aiohttp.ClientSession, proxy: TestServer, path: str
) -> None:
    """Kubeflow's endpoints live under the prefix, like everything else."""
    async with session.get(f"http://127.0.0.1:{proxy.port}{path}") as response:
        assert response.status == 404
    async with session.get(f"http://127.0.0.1:{proxy.port}{PREFIX}{path}") as response:
        assert response.status == 200
