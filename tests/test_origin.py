"""Cross-site use is refused: websockets and state-changing requests need the UI's origin."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.conftest import ProxyClient
from tests.support.fake_upstream import Seen


def own(client: ProxyClient) -> str:
    return f"http://127.0.0.1:{client.proxy.port}"


class TestStateChanging:
    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": "https://evil.example"},
            {"Origin": "null"},
            {"Origin": "http://127.0.0.1:1"},
            {"Origin": "http://127.0.0.1.evil.example"},
            {"Origin": "not a url"},
            {"Sec-Fetch-Site": "cross-site"},
            {},
        ],
    )
    async def test_refused_without_own_origin(
        self, client: ProxyClient, seen: Seen, method: str, headers: dict[str, str]
    ) -> None:
        """A foreign, opaque or missing Origin is a 403 and reaches nothing."""
        request = client.session.request(
            method,
            client.url("/api/proxy/session"),
            headers={"X-Target-Server": client.target, **headers},
        )
        async with request as response:
            assert response.status == 403
            assert (await response.json())["error"] == "cross_site_request"
        assert seen.requests == []

    @pytest.mark.parametrize("header", ["Origin", "Sec-Fetch-Site"])
    async def test_same_origin_passes(self, client: ProxyClient, seen: Seen, header: str) -> None:
        """The UI's own Origin, or Sec-Fetch-Site: same-origin, lets the request through."""
        value = own(client) if header == "Origin" else "same-origin"
        headers = {"X-Target-Server": client.target, header: value}
        async with client.session.post(
            client.url("/api/proxy/session"), headers=headers
        ) as response:
            assert response.status == 200
        assert len(seen.requests) == 1

    async def test_forwarded_host(self, client: ProxyClient) -> None:
        """Behind an ingress that sets X-Forwarded-Host, that host is the page's origin."""
        headers = {
            "X-Target-Server": client.target,
            "Origin": "https://kubeflow.example.com",
            "X-Forwarded-Host": "kubeflow.example.com",
        }
        async with client.session.post(client.url("/api/proxy/x"), headers=headers) as response:
            assert response.status == 200

    async def test_reads_need_no_origin(self, client: ProxyClient) -> None:
        """GET, HEAD and OPTIONS are not state-changing and pass without Origin."""
        for method in ("GET", "HEAD", "OPTIONS"):
            async with client.request(method, "/x") as response:
                assert response.status == 200

    async def test_allowed_extra_origin(
        self,
        make_proxy: Callable[..., Awaitable[TestServer]],
        session: aiohttp.ClientSession,
        upstream: TestServer,
    ) -> None:
        """--allow-origin adds origins that may use the proxy."""
        proxy = await make_proxy(allow_origins=("https://dashboard.example.com",))
        headers = {
            "X-Target-Server": f"http://127.0.0.1:{upstream.port}",
            "Origin": "https://dashboard.example.com",
        }
        url = f"http://127.0.0.1:{proxy.port}/notebook/ns/nb/api/proxy/x"
        async with session.post(url, headers=headers) as response:
            assert response.status == 200
        headers["Origin"] = "https://other.example.com"
        async with session.post(url, headers=headers) as response:
            assert response.status == 403


class TestWebsocketOrigin:
    @pytest.mark.parametrize("origin", ["https://evil.example", None])
    async def test_foreign_upgrade_refused(
        self, client: ProxyClient, seen: Seen, origin: str | None
    ) -> None:
        """A websocket from another site (cross-site websocket hijacking) is refused."""
        headers = {"Origin": origin} if origin else {}
        with pytest.raises(aiohttp.WSServerHandshakeError) as info:
            await client.session.ws_connect(
                client.url(f"/api/proxy/ws?target={client.target}"), headers=headers
            )
        assert info.value.status == 403
        assert seen.requests == []


class TestCredentialsEndpoint:
    async def test_foreign_origin_cannot_store(self, client: ProxyClient) -> None:
        """Another site cannot plant credentials for the user's session."""
        body = {"target": client.target, "password": "x"}
        async with client.session.post(
            client.url("/api/credentials"), json=body, headers={"Origin": "https://evil.example"}
        ) as response:
            assert response.status == 403
