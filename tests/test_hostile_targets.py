"""Hostile targets and paths: every one is refused with a 4xx and never reaches any upstream.

The fake upstream is the canary: it listens on 127.0.0.1 and the proxy allows exactly
``127.0.0.1:<its port>`` (and ``*.svc.cluster.local``). Each case below names that canary
some other way, or smuggles another host past the check; none may reach it.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestServer
from yarl import URL

from tests.conftest import ProxyClient
from tests.support.fake_upstream import Seen
from tests.support.table_resolver import TableResolver

REFUSAL_CODES = {
    "bad_target",
    "target_not_allowed",
    "target_address_not_allowed",
    "bad_path",
    "missing_target",
    "not_found",
}

# "P" stands for the canary's port.
HOSTILE_TARGETS = [
    # other names and spellings of the canary's address
    "http://localhost:P",
    "http://LOCALHOST:P",
    "http://2130706433:P",
    "http://0177.0.0.1:P",
    "http://0x7f.0.0.1:P",
    "http://0x7f000001:P",
    "http://127.1:P",
    "http://127.0.1:P",
    "http://127.0.0.01:P",
    "http://0:P",
    "http://0.0.0.0:P",
    "http://127.0.0.2:P",
    "http://[::1]:P",
    "http://[::ffff:127.0.0.1]:P",
    "http://[::ffff:7f00:1]:P",
    "http://[0:0:0:0:0:ffff:127.0.0.1]:P",
    "http://[::127.0.0.1]:P",
    "http://[127.0.0.1]:P",
    "http://127%2e0%2e0%2e1:P",
    "http://127。0。0。1:P",
    "http://①②⑦.0.0.1:P",
    # userinfo and parser confusion
    "http://evil@127.0.0.1:P",
    "http://127.0.0.1:P@evil.example",
    "http://127.0.0.1:P\\@evil.example",
    "http://127.0.0.1:P%2f@evil.example",
    "http://127.0.0.1:P#@evil.example",
    "http://127.0.0.1:P?@evil.example",
    "http://127.0.0.1:P:80",
    "http://127.0.0.1 :P",
    "http:/127.0.0.1:P",
    "http:\\\\127.0.0.1:P",
    "//127.0.0.1:P",
    "127.0.0.1:P",
    # schemes
    "ftp://127.0.0.1:P",
    "gopher://127.0.0.1:P",
    "ws://127.0.0.1:P",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    # control characters
    "http://127.0.0.1:P\r\nX-Injected: 1",
    "http://127.0.0.1:P\x00",
    "http://127.0.0.1:P\t",
    # base paths that climb
    "http://127.0.0.1:P/../x",
    "http://127.0.0.1:P/%2e%2e/x",
    "http://127.0.0.1:P/a/%2E./x",
    # names that only look like cluster names
    "http://x.svc.cluster.local.evil.example:P",
    "http://evilsvc.cluster.local:P",
    "http://svc.cluster.local:P",
    "http://x.svc.cluster.local%2eevil.example:P",
    "http://exаmple.svc.cluster.local:P",
    "http://xn--e1awd7f.com:P",
    "http://<script>.svc.cluster.local:P",
    # sensitive in-cluster names, denied by default
    "http://kubernetes.default.svc.cluster.local:P",
    "http://kubernetes.default.svc:P",
    "http://kubernetes:P",
    "http://kube-dns.kube-system.svc.cluster.local:P",
    "http://istiod.istio-system.svc.cluster.local:P",
    "http://KUBERNETES.DEFAULT.SVC.CLUSTER.LOCAL.:P",
    # allowed names whose answers lead somewhere forbidden (see NAMES)
    "http://metadata.svc.cluster.local:P",
    "http://loop.svc.cluster.local:P",
    "http://loop6.svc.cluster.local:P",
    "http://mapped.svc.cluster.local:P",
    "http://linklocal.svc.cluster.local:P",
    "http://zero.svc.cluster.local:P",
    "http://public.svc.cluster.local:P",
    "http://mixed.svc.cluster.local:P",
    "http://rebind.svc.cluster.local:P",
    "http://nat64.svc.cluster.local:P",
    "http://sixtofour.svc.cluster.local:P",
    "http://multicast.svc.cluster.local:P",
    # IP literals of forbidden places
    "http://169.254.169.254:P",
    "http://[fd00:ec2::254]:P",
    "http://[fe80::1]:P",
]

# What the names above resolve to, from a resolver the test controls.
NAMES = {
    "metadata.svc.cluster.local": ["169.254.169.254"],
    "loop.svc.cluster.local": ["127.0.0.1"],
    "loop6.svc.cluster.local": ["::1"],
    "mapped.svc.cluster.local": ["::ffff:127.0.0.1"],
    "linklocal.svc.cluster.local": ["169.254.10.10"],
    "zero.svc.cluster.local": ["0.0.0.0"],
    "public.svc.cluster.local": ["1.1.1.1"],
    "mixed.svc.cluster.local": ["10.0.0.1", "127.0.0.1"],
    "rebind.svc.cluster.local": lambda n: ["169.254.169.254"] if n % 2 else ["127.0.0.1"],
    "nat64.svc.cluster.local": ["64:ff9b::7f00:1"],
    "sixtofour.svc.cluster.local": ["2002:7f00:1::1"],
    "multicast.svc.cluster.local": ["239.1.2.3"],
}

HOSTILE_PATHS = [
    "/%2e%2e/%2e%2e/healthz",
    "/a/%2E%2E/%2e%2e/x",
    "/./x",
    "/a/./b",
    "/%2e/x",
]


@pytest.fixture
async def guarded(make_proxy, session, upstream: TestServer) -> ProxyClient:  # type: ignore[no-untyped-def]
    proxy = await make_proxy(
        allow=(f"127.0.0.1:{upstream.port}", "*.svc.cluster.local", "*.svc"),
        resolver=TableResolver(NAMES),  # type: ignore[arg-type]
    )
    return ProxyClient(session, proxy, f"http://127.0.0.1:{upstream.port}")


def test_table_is_large_enough() -> None:
    """The security issue asks for at least 60 hostile cases."""
    assert len(HOSTILE_TARGETS) + len(HOSTILE_PATHS) >= 60


@pytest.mark.parametrize("raw", HOSTILE_TARGETS)
async def test_hostile_target_refused(
    guarded: ProxyClient, seen: Seen, upstream: TestServer, raw: str
) -> None:
    """A hostile target in ?target= is refused as JSON and the canary sees nothing."""
    target = raw.replace(":P", f":{upstream.port}")
    url = URL(
        guarded.url("/api/proxy/global/health") + "?target=" + quote(target, safe=""), encoded=True
    )
    async with guarded.session.get(url) as response:
        assert 400 <= response.status < 500
        assert response.content_type == "application/json"
        body = await response.json()
    assert body["error"] in REFUSAL_CODES
    assert "<script>" not in body["message"]
    assert seen.requests == []


@pytest.mark.parametrize("raw", [t for t in HOSTILE_TARGETS if t.isascii() and t.isprintable()])
async def test_hostile_target_refused_in_header(
    guarded: ProxyClient, seen: Seen, upstream: TestServer, raw: str
) -> None:
    """The same targets in X-Target-Server are refused too."""
    target = raw.replace(":P", f":{upstream.port}")
    async with guarded.request("GET", "/global/health", target=target) as response:
        assert 400 <= response.status < 500
        assert (await response.json())["error"] in REFUSAL_CODES
    assert seen.requests == []


@pytest.mark.parametrize("path", HOSTILE_PATHS)
async def test_hostile_path_refused(guarded: ProxyClient, seen: Seen, path: str) -> None:
    """Paths that climb out of the target's base are refused, escaped or not."""
    async with guarded.request("GET", path) as response:
        assert 400 <= response.status < 500
        assert (await response.json())["error"] in REFUSAL_CODES
    assert seen.requests == []


@pytest.mark.parametrize(
    "path", ["//evil.example/x", "/\\evil.example/x", "/%2F%2Fevil.example/x", "/@evil.example"]
)
async def test_host_in_path_stays_a_path(guarded: ProxyClient, seen: Seen, path: str) -> None:
    """A host written into the path is only ever a path on the target."""
    async with guarded.request("GET", path) as response:
        assert response.status == 200
    assert len(seen.requests) == 1
    assert seen.headers[0]["host"] == [guarded.target.removeprefix("http://")]
