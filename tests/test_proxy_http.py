"""HTTP forwarding through /api/proxy against a real fake upstream on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import io
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.conftest import PREFIX, ProxyClient
from tests.support.fake_upstream import Seen, pattern_digest
from tests.support.raw_upstream import RawUpstream

# What ingresses add to name the user or carry their tokens; none may reach a sandbox.
IDENTITY_HEADERS = {
    "Cookie": "oauth2_proxy_kubeflow=secret; authservice_session=secret",
    "Authorization": "Bearer user-token",
    "kubeflow-userid": "alice@example.com",
    "kubeflow-groups": "admins",
    "X-Auth-Request-Email": "alice@example.com",
    "X-Auth-Request-Access-Token": "secret",
    "X-Forwarded-Access-Token": "secret",
    "X-Forwarded-User": "alice",
    "X-Forwarded-Email": "alice@example.com",
    "X-Forwarded-Groups": "admins",
    "X-Forwarded-Preferred-Username": "alice",
    "X-Amzn-Oidc-Data": "jwt",
    "X-Amzn-Oidc-Accesstoken": "secret",
    "X-Amzn-Oidc-Identity": "alice",
    "X-Goog-Iap-Jwt-Assertion": "jwt",
    "X-Goog-Authenticated-User-Email": "accounts.google.com:alice@example.com",
    "Proxy-Authorization": "Basic Zm9vOmJhcg==",
}


class TestRequestForwarding:
    @pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
    async def test_methods_path_and_query(self, client: ProxyClient, method: str) -> None:
        """Method, path and query reach the upstream as sent, minus the target parameter."""
        async with client.request(
            method, "/session/abc%2Fdef/message?directory=%2Ftmp%2Fx&target=ignored&a=1"
        ) as response:
            assert response.status == 200
            echoed = await response.json()
        assert echoed["method"] == method
        assert echoed["raw_path"] == "/session/abc%2Fdef/message?directory=%2Ftmp%2Fx&a=1"

    async def test_head(self, client: ProxyClient) -> None:
        """HEAD is forwarded and answered without a body."""
        async with client.request("HEAD", "/anything") as response:
            assert response.status == 200
            assert await response.read() == b""

    async def test_target_in_query_parameter(self, client: ProxyClient) -> None:
        """Clients that cannot set headers name the target in ?target=, which is not forwarded."""
        url = client.url(f"/api/proxy/event?target={client.target}&x=1")
        async with client.session.get(url) as response:
            assert response.status == 200
            assert (await response.json())["query"] == "x=1"

    async def test_header_policy(self, client: ProxyClient) -> None:
        """Only what OpenCode needs goes upstream; Host and X-Forwarded-* describe the hop."""
        headers = {
            **IDENTITY_HEADERS,
            "Connection": "keep-alive, X-Opencode-Hop",
            "X-Opencode-Hop": "must not pass",
            "X-Forwarded-For": "6.6.6.6",
            "Origin": f"http://127.0.0.1:{client.proxy.port}",
            "Accept-Encoding": "gzip",
            "Accept-Language": "en",
            "x-opencode-directory": "/tmp/project",
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "X-Custom": "not on the allowlist",
            "Sec-Fetch-Mode": "cors",
            "User-Agent": "test-browser/1.0",
        }
        async with client.request("GET", "/headers", headers=headers) as response:
            received = (await response.json())["headers"]
        for name in [*(h.lower() for h in IDENTITY_HEADERS), "x-opencode-hop", "x-target-server"]:
            assert name not in received, name
        for name in ("x-custom", "sec-fetch-mode"):
            assert name not in received, name
        host, port = client.target.removeprefix("http://").split(":")
        assert received["host"] == [f"{host}:{port}"]
        assert received["origin"] == [client.target]
        assert received["x-forwarded-for"] == ["127.0.0.1"]
        assert received["x-forwarded-host"] == [f"127.0.0.1:{client.proxy.port}"]
        assert received["x-forwarded-proto"] == ["http"]
        assert received["x-forwarded-prefix"] == [PREFIX + "/api/proxy"]
        assert received["x-opencode-directory"] == ["/tmp/project"]
        assert received["accept-encoding"] == ["gzip"]
        assert received["accept-language"] == ["en"]
        assert received["traceparent"] == [headers["traceparent"]]
        assert received["user-agent"] == ["test-browser/1.0"]

    async def test_no_headers_of_the_proxys_own_choosing(self, client: ProxyClient) -> None:
        """A request without Accept, Accept-Encoding or User-Agent arrives without them:
        the proxy's client adds none (no compression the browser did not ask for)."""
        skipped = ("Accept", "Accept-Encoding", "User-Agent")
        async with client.request("GET", "/headers", skip_auto_headers=skipped) as response:
            received = (await response.json())["headers"]
        for name in skipped:
            assert name.lower() not in received, name

    @pytest.mark.parametrize("header", ["kubeflow-userid", "X-Opencode-User", "X-Team-Id"])
    async def test_configured_identity_header_never_passes(
        self,
        make_proxy: Callable[..., Awaitable[TestServer]],
        session: aiohttp.ClientSession,
        upstream: TestServer,
        header: str,
    ) -> None:
        """The operator's identity header is dropped, even when a rule would let its name pass."""
        proxy = await make_proxy(client_id_header=header)
        client = ProxyClient(session, proxy, f"http://127.0.0.1:{upstream.port}")
        async with client.request("GET", "/headers", headers={header: "alice"}) as response:
            received = (await response.json())["headers"]
        assert header.lower() not in received

    async def test_request_id(self, client: ProxyClient) -> None:
        """Each request gets an id, echoed to the browser and passed upstream."""
        async with client.request("GET", "/x", headers={"X-Request-Id": "abc-123"}) as response:
            assert response.headers["X-Request-Id"] == "abc-123"
            assert (await response.json())["headers"]["x-request-id"] == ["abc-123"]
        async with client.request("GET", "/x", headers={"X-Request-Id": "<bad id>"}) as response:
            assert len(response.headers["X-Request-Id"]) == 16


class TestBodies:
    @pytest.mark.parametrize("size", [0, 1, 65536, 65537, 5 * 1024 * 1024 + 3])
    async def test_upload_with_length(self, client: ProxyClient, size: int) -> None:
        """A body of known length arrives whole, with its Content-Length, not chunked."""
        body = os.urandom(size)
        async with client.request("POST", "/upload", data=io.BytesIO(body)) as response:
            info = await response.json()
        assert info["sha256"] == hashlib.sha256(body).hexdigest()
        assert info["content_length"] == str(size)
        assert info["transfer_encoding"] is None

    async def test_upload_chunked(self, client: ProxyClient) -> None:
        """A body of unknown length streams upstream chunked."""
        digest = hashlib.sha256()

        async def produce() -> AsyncIterator[bytes]:
            for index in range(40):
                chunk = bytes([index]) * 100_000
                digest.update(chunk)
                yield chunk

        async with client.request("PUT", "/upload", data=produce()) as response:
            info = await response.json()
        assert info["sha256"] == digest.hexdigest()
        assert info["length"] == 4_000_000
        assert info["transfer_encoding"] == "chunked"

    @pytest.mark.parametrize(
        ("size", "chunked"),
        [(10, False), (70_000, False), (20 * 1024 * 1024 + 1, False), (3 * 1024 * 1024, True)],
    )
    async def test_download(self, client: ProxyClient, size: int, chunked: bool) -> None:
        """Downloads stream back whole; a known length is kept."""
        path = f"/bytes/{size}" + ("?chunked=1" if chunked else "")
        async with client.request("GET", path) as response:
            assert response.status == 200
            if chunked:
                assert response.headers.get("Transfer-Encoding") == "chunked"
            else:
                assert response.headers["Content-Length"] == str(size)
            digest = hashlib.sha256()
            async for chunk in response.content.iter_any():
                digest.update(chunk)
        assert digest.hexdigest() == pattern_digest(size)

    async def test_compressed_body_untouched(self, client: ProxyClient) -> None:
        """A compressed body passes through byte for byte with its Content-Encoding."""
        async with client.request("GET", "/gzip", headers={"Accept-Encoding": "gzip"}) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            raw = await response.read()
        assert int(response.headers["Content-Length"]) == len(raw)
        assert gzip.decompress(raw) == b"squeezed " * 1000

    async def test_upstream_dies_mid_body(self, client: ProxyClient) -> None:
        """A body cut short upstream is cut short for the browser too, never passed as whole."""
        async with client.request("GET", "/broken") as response:
            assert response.status == 200
            with pytest.raises(aiohttp.ClientPayloadError):
                await response.read()


class TestResponseHeaders:
    async def test_origin_state_never_passes(self, client: ProxyClient) -> None:
        """Cookies, HSTS, Clear-Site-Data and CORS grants from a sandbox are dropped."""
        async with client.request("GET", "/cookie") as response:
            assert await response.text() == "cookie for you"
            headers = response.headers
        for name in (
            "Set-Cookie",
            "Strict-Transport-Security",
            "Clear-Site-Data",
            "Access-Control-Allow-Origin",
            "Access-Control-Allow-Credentials",
            "X-Opencode-Secret-Hop",
            "X-Custom",
            "X-Proxy-Error",
            "X-Proxy-Redirect-Location",
            "Refresh",
            "Link",
        ):
            assert name not in headers, name
        assert headers["X-Opencode-Note"] == "kept"
        assert headers.getall("Content-Security-Policy") == ["sandbox; default-src 'none'"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert not response.cookies

    async def test_401_without_browser_prompt(self, client: ProxyClient) -> None:
        """An upstream 401 reaches the UI, but never WWW-Authenticate (no browser dialog)."""
        async with client.request("GET", "/auth") as response:
            assert response.status == 401
            assert "WWW-Authenticate" not in response.headers
            assert "X-Proxy-Error" not in response.headers

    @pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
    async def test_redirects_not_followed(
        self, client: ProxyClient, seen: Seen, method: str
    ) -> None:
        """A redirect is followed by no one: it reaches the browser as a 502 error with no
        Location, saying where it pointed in X-Proxy-Redirect-Location."""
        async with client.request(method, "/redirect", allow_redirects=False) as response:
            assert response.status == 502
            assert "Location" not in response.headers
            assert response.headers["X-Proxy-Error"] == "upstream_redirect"
            assert response.headers["X-Proxy-Redirect-Location"] == "http://169.254.169.254/latest/"
            body = await response.json()
        assert body["error"] == "upstream_redirect"
        assert "(HTTP 302) to http://169.254.169.254/latest/" in body["message"]
        assert len(seen.requests) == 1

    async def test_not_modified_passes(
        self,
        raw: Callable[..., Awaitable[RawUpstream]],
        proxy_for: Callable[..., Awaitable[ProxyClient]],
    ) -> None:
        """A 304 is no redirect: it passes as it is."""

        async def not_modified(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
        ) -> None:
            await up.read_request(reader)
            writer.write(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n')
            await writer.drain()

        client = await proxy_for(await raw(not_modified))
        async with client.request("GET", "/x", headers={"If-None-Match": '"v1"'}) as response:
            assert response.status == 304
            assert response.headers["ETag"] == '"v1"'


@pytest.fixture
def refused_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def stalled_port() -> Iterator[int]:
    """A loopback port whose accept queue is full, so new connections hang."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for filler in fillers:
        filler.close()
    listener.close()


class TestUpstreamFailures:
    async def test_refused_is_502(
        self,
        make_proxy: Callable[..., Awaitable[TestServer]],
        session: aiohttp.ClientSession,
        refused_port: int,
    ) -> None:
        """A target that refuses connections is a 502 with a stable code."""
        proxy = await make_proxy(allow=(f"127.0.0.1:{refused_port}",))
        client = ProxyClient(session, proxy, f"http://127.0.0.1:{refused_port}")
        async with client.request("GET", "/global/health") as response:
            assert response.status == 502
            assert response.headers["X-Proxy-Error"] == "upstream_unreachable"
            body = await response.json()
        assert body["error"] == "upstream_unreachable"
        assert f"127.0.0.1:{refused_port}" in body["message"]

    async def test_connect_timeout_is_504(
        self,
        make_proxy: Callable[..., Awaitable[TestServer]],
        session: aiohttp.ClientSession,
        stalled_port: int,
    ) -> None:
        """A target that does not accept within the connect timeout is a 504."""
        proxy = await make_proxy(allow=(f"127.0.0.1:{stalled_port}",), connect_timeout=0.3)
        client = ProxyClient(session, proxy, f"http://127.0.0.1:{stalled_port}")
        async with client.request("GET", "/global/health") as response:
            assert response.status == 504
            assert (await response.json())["error"] == "upstream_timeout"

    async def test_one_failure_does_not_hurt_others(
        self,
        make_proxy: Callable[..., Awaitable[TestServer]],
        session: aiohttp.ClientSession,
        upstream: TestServer,
        stalled_port: int,
    ) -> None:
        """While one request waits on a stalled target, others are served at once."""
        proxy = await make_proxy(
            allow=(f"127.0.0.1:{stalled_port}", f"127.0.0.1:{upstream.port}"), connect_timeout=2
        )
        stalled = ProxyClient(session, proxy, f"http://127.0.0.1:{stalled_port}")
        healthy = ProxyClient(session, proxy, f"http://127.0.0.1:{upstream.port}")
        waiting = asyncio.ensure_future(stalled.request("GET", "/x").__aenter__())
        for _ in range(20):
            async with healthy.request("GET", "/x") as response:
                assert response.status == 200
        assert not waiting.done()
        response = await waiting
        assert response.status == 504
        response.release()
