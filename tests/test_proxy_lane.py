"""The proxy's lane past aiohttp's router: what it serves, what it leaves to the application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from yarl import URL

from opencode_proxy.app import create_app
from opencode_proxy.settings import Settings
from tests.conftest import PREFIX, ProxyClient
from tests.support.fake_upstream import Seen
from tests.support.proxy_server import ProxyTestServer

MakeProxy = Callable[..., Awaitable[TestServer]]


def _count_prepared(app: web.Application) -> list[str]:
    """The paths of the responses the application's own machinery prepared."""
    prepared: list[str] = []

    async def note(request: web.Request, response: web.StreamResponse) -> None:
        prepared.append(request.path)

    app.on_response_prepare.append(note)
    return prepared


async def test_proxied_requests_skip_the_router(
    session: aiohttp.ClientSession, upstream: TestServer
) -> None:
    """A proxied request is served by the lane (the application's response signal never
    runs for it); the service's own routes still go through the application."""
    app = create_app(Settings(prefix=PREFIX, allow=(f"127.0.0.1:{upstream.port}",)))
    prepared = _count_prepared(app)
    async with ProxyTestServer(app) as proxy:
        client = ProxyClient(session, proxy, f"http://127.0.0.1:{upstream.port}")
        async with client.request("GET", "/hello") as response:
            assert response.status == 200
            assert (await response.json())["path"] == "/hello"
            assert response.headers["X-Request-Id"]
        async with session.get(client.url("/healthz")) as response:
            assert response.status == 200
    assert prepared == [PREFIX + "/healthz"]


async def test_a_refusal_on_the_lane_is_the_guard_s_json(
    make_proxy: MakeProxy, session: aiohttp.ClientSession
) -> None:
    """Errors on the lane are the same JSON, with an id, as anywhere else."""
    proxy = await make_proxy()
    url = f"http://127.0.0.1:{proxy.port}{PREFIX}/api/proxy/x"
    async with session.get(url, headers={"X-Request-Id": "lane-1"}) as response:
        assert response.status == 400
        assert (await response.json())["error"] == "missing_target"
        assert response.headers["X-Request-Id"] == "lane-1"


async def test_expect_continue_is_answered(
    client: ProxyClient, seen: Seen, session: aiohttp.ClientSession
) -> None:
    """A client that waits for ``100 Continue`` before its body gets it (the lane leaves
    such a request to the application, whose router answers it), and the body arrives."""
    body = b"x" * 5000
    async with client.request(
        "POST",
        "/upload",
        data=body,
        expect100=True,
        timeout=aiohttp.ClientTimeout(total=10),
    ) as response:
        assert response.status == 200
    assert seen.uploads[-1]["length"] == len(body)


@pytest.mark.parametrize("path", ["/hello", "/bytes/200000"])
async def test_a_plain_runner_serves_the_same(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
    session: aiohttp.ClientSession,
    upstream: TestServer,
    path: str,
) -> None:
    """Served by a plain aiohttp runner (no lane), the application still proxies, by its
    router, with the same headers."""
    settings: dict[str, Any] = {"prefix": PREFIX, "allow": (f"127.0.0.1:{upstream.port}",)}
    plain = await aiohttp_server(create_app(Settings(**settings)))
    url = URL(f"http://127.0.0.1:{plain.port}{PREFIX}/api/proxy{path}", encoded=True)
    headers = {"X-Target-Server": f"http://127.0.0.1:{upstream.port}"}
    async with session.get(url, headers=headers) as response:
        assert response.status == 200
        await response.read()
        assert response.headers["X-Request-Id"]
        assert response.headers["Content-Security-Policy"].startswith("sandbox")
