"""Websocket upgrades are bridged: frames, subprotocols, pings and close codes end to end."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestServer

from opencode_proxy.app import proxy_of
from opencode_proxy.relay.websocket import sendable_close_code
from tests.conftest import ProxyClient
from tests.support.fake_upstream import Seen


def ws_url(client: ProxyClient, path: str = "/ws") -> str:
    """The proxied websocket URL, target in the query as a browser must send it."""
    return client.url(f"/api/proxy{path}?target={client.target}")


async def connect(client: ProxyClient, **kwargs: object) -> aiohttp.ClientWebSocketResponse:
    """Open a websocket through the proxy like a browser on the UI's page would."""
    headers = {"Origin": f"http://127.0.0.1:{client.proxy.port}"}
    return await client.session.ws_connect(ws_url(client), headers=headers, **kwargs)  # type: ignore[arg-type]


class TestBridge:
    async def test_text_and_binary(self, client: ProxyClient) -> None:
        """Text and binary messages go both ways unchanged."""
        async with await connect(client) as ws:
            await ws.send_str("hello")
            assert await ws.receive_str(timeout=3) == "echo:hello"
            await ws.send_bytes(b"\x00\x01\x02")
            assert await ws.receive_bytes(timeout=3) == b"\x02\x01\x00"
            await ws.send_str("é" * 100_000)
            assert await ws.receive_str(timeout=3) == "echo:" + "é" * 100_000

    async def test_subprotocol_chosen_upstream(self, client: ProxyClient) -> None:
        """The browser is accepted with the subprotocol the upstream chose from its offer."""
        async with await connect(client, protocols=("gamma", "alpha", "beta")) as ws:
            assert ws.protocol == "alpha"

    async def test_pings_and_pongs_relayed(self, client: ProxyClient) -> None:
        """Upstream pings reach the browser and its pongs go back, and the other way round."""
        async with await connect(client, autoping=False) as ws:
            await ws.send_str("ping:abc")
            message = await ws.receive(timeout=3)
            assert (message.type, message.data) == (WSMsgType.PING, b"abc")
            await ws.pong(b"abc")
            assert await ws.receive_str(timeout=3) == "pong:abc"
            await ws.ping(b"xyz")
            message = await ws.receive(timeout=3)
            assert (message.type, message.data) == (WSMsgType.PONG, b"xyz")

    async def test_upstream_close_code_reaches_browser(self, client: ProxyClient) -> None:
        """An application close code (OpenCode's 4404 for a closed PTY) reaches the browser."""
        async with await connect(client) as ws:
            await ws.send_str("close:4404:gone")
            message = await ws.receive(timeout=3)
            assert message.type is WSMsgType.CLOSE
            assert (message.data, message.extra) == (4404, "gone")

    async def test_browser_close_code_reaches_upstream(
        self, client: ProxyClient, seen: Seen
    ) -> None:
        """The browser's close code reaches the upstream."""
        ws = await connect(client)
        await ws.send_str("x")
        await ws.receive_str(timeout=3)
        await ws.close(code=4001, message=b"bye")
        assert await asyncio.wait_for(seen.ws_closes.get(), 3) == (4001, "")

    async def test_browser_vanishing_is_going_away(self, client: ProxyClient, seen: Seen) -> None:
        """A browser that drops its connection is reported upstream as 1001 going away."""
        ws = await connect(client)
        await ws.send_str("x")
        await ws.receive_str(timeout=3)
        transport = ws._response.connection.transport  # type: ignore[union-attr]
        assert transport is not None
        transport.abort()
        assert await asyncio.wait_for(seen.ws_closes.get(), 3) == (1001, "")

    async def test_upstream_vanishing_is_internal_error(self, client: ProxyClient) -> None:
        """An upstream that drops its connection closes the browser's socket with 1011."""
        async with await connect(client) as ws:
            await ws.send_str("die")
            message = await ws.receive(timeout=3)
            assert (message.type, message.data) == (WSMsgType.CLOSE, 1011)

    async def test_identity_not_forwarded(self, client: ProxyClient) -> None:
        """The upgrade upstream carries no cookie and the target's own Origin."""
        headers = {
            "Origin": f"http://127.0.0.1:{client.proxy.port}",
            "Cookie": "oauth2_proxy_kubeflow=secret",
            "kubeflow-userid": "alice",
        }
        async with client.session.ws_connect(ws_url(client), headers=headers) as ws:
            await ws.send_str("headers")
            received = json.loads(await ws.receive_str(timeout=3))
        assert "cookie" not in received
        assert "kubeflow-userid" not in received
        assert received["origin"] == [client.target]

    async def test_message_size_limit(
        self,
        make_proxy: Callable[..., Awaitable[TestServer]],
        session: aiohttp.ClientSession,
        upstream: TestServer,
    ) -> None:
        """A message over the configured limit closes both sides with 1009."""
        proxy = await make_proxy(max_ws_message=4096)
        client = ProxyClient(session, proxy, f"http://127.0.0.1:{upstream.port}")
        async with await connect(client) as ws:
            await ws.send_str("small")
            assert await ws.receive_str(timeout=3) == "echo:small"
            await ws.send_str("x" * 10_000)
            message = await ws.receive(timeout=3)
            assert message.type is WSMsgType.CLOSE
            assert message.data == 1009

    async def test_refused_upgrade_is_json(self, client: ProxyClient) -> None:
        """An upstream that answers the upgrade with plain HTTP gives a JSON error, not a socket."""
        with pytest.raises(aiohttp.WSServerHandshakeError) as info:
            await client.session.ws_connect(
                ws_url(client, "/not-a-socket"),
                headers={"Origin": f"http://127.0.0.1:{client.proxy.port}"},
            )
        assert info.value.status == 502

    async def test_refusal_status_becomes_close_code(self, client: ProxyClient) -> None:
        """A target answering the upgrade with 404 reaches the browser as close code 4404."""
        ws = await client.session.ws_connect(
            ws_url(client, "/gone"),
            headers={"Origin": f"http://127.0.0.1:{client.proxy.port}"},
            protocols=("pty",),
        )
        message = await ws.receive(timeout=3)
        assert (message.type, message.data) == (WSMsgType.CLOSE, 4404)
        assert "404" in message.extra
        await ws.close()

    async def test_shutdown_closes_with_1001(self, client: ProxyClient, proxy: TestServer) -> None:
        """Shutting down closes open websockets with 1001 (going away)."""
        async with await connect(client) as ws:
            await ws.send_str("x")
            await ws.receive_str(timeout=3)
            await proxy_of(proxy.app).streams.shutdown()
            message = await ws.receive(timeout=3)
            assert (message.type, message.data) == (WSMsgType.CLOSE, 1001)


@pytest.mark.parametrize(
    ("received", "sent"),
    [
        (None, 1000),
        (1000, 1000),
        (1001, 1001),
        (1005, 1000),
        (1006, 1011),
        (1015, 1011),
        (1004, 1011),
        (2000, 1011),
        (3000, 3000),
        (4404, 4404),
        (5000, 1011),
    ],
)
def test_reserved_close_codes_mapped(received: int | None, sent: int) -> None:
    """Codes that only describe a closure are mapped to codes that may be sent."""
    assert sendable_close_code(received) == sent
