"""Names resolve once, every address is judged, and the judged answer is what is connected to."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from opencode_proxy.policy.addresses import (
    AddressNotAllowed,
    AddressPolicy,
    GuardedResolver,
    parse_networks,
)
from opencode_proxy.policy.allowlist import Allowlist
from opencode_proxy.settings import Settings
from tests.conftest import ProxyClient
from tests.support.fake_upstream import Seen
from tests.support.table_resolver import TableResolver

POLICY = AddressPolicy(
    parse_networks(Settings().allow_networks), own=[ipaddress.ip_address("10.1.1.1")]
)


class TestAddressPolicy:
    @pytest.mark.parametrize(
        "address",
        [
            "10.0.0.1",
            "10.255.255.254",
            "172.16.0.1",
            "172.31.255.1",
            "192.168.1.1",
            "fd12:3456::1",
            "fc00::1",
        ],
    )
    def test_cluster_networks_allowed(self, address: str) -> None:
        """Addresses in the private ranges clusters use are allowed by default."""
        assert POLICY.violation(ipaddress.ip_address(address)) is None

    @pytest.mark.parametrize(
        ("address", "reason"),
        [
            ("127.0.0.1", "loopback"),
            ("127.255.255.254", "loopback"),
            ("::1", "loopback"),
            ("169.254.169.254", "metadata"),
            ("169.254.0.1", "link-local"),
            ("fe80::1", "link-local"),
            ("fd00:ec2::254", "metadata"),
            ("100.100.100.200", "metadata"),
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "unspecified"),
            ("::", "unspecified"),
            ("224.0.0.1", "multicast"),
            ("ff02::1", "multicast"),
            ("::ffff:10.0.0.1", "IPv4 address inside"),
            ("::ffff:127.0.0.1", "IPv4 address inside"),
            ("::10.0.0.1", "IPv4 address inside"),
            ("64:ff9b::a00:1", "IPv4 address inside"),
            ("64:ff9b:1::a00:1", "IPv4 address inside"),
            ("2002:a00:1::1", "IPv4 address inside"),
            ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "IPv4 address inside"),
            ("10.1.1.1", "own address"),
            ("8.8.8.8", "outside"),
            ("100.64.0.1", "outside"),
            ("172.32.0.1", "outside"),
            ("2606:4700::1", "outside"),
        ],
    )
    def test_forbidden(self, address: str, reason: str) -> None:
        """Loopback, link-local, metadata, embedded IPv4, own and outside addresses are refused."""
        violation = POLICY.violation(ipaddress.ip_address(address))
        assert violation is not None
        assert reason in violation


class TestGuardedResolver:
    async def test_each_lookup_is_judged(self) -> None:
        """A name that changes its answer is judged on each answer it gives."""
        inner = TableResolver(
            {"flip.svc.cluster.local": lambda n: ["10.0.0.5"] if n == 1 else ["169.254.169.254"]}
        )
        guarded = GuardedResolver(inner, POLICY, Allowlist(["*.svc.cluster.local"]))
        assert [r["host"] for r in await guarded.resolve("flip.svc.cluster.local", 80)] == [
            "10.0.0.5"
        ]
        with pytest.raises(AddressNotAllowed, match=r"169\.254\.169\.254"):
            await guarded.resolve("flip.svc.cluster.local", 80)

    async def test_one_bad_address_refuses_the_answer(self) -> None:
        """If any address of an answer is forbidden, the whole answer is refused."""
        inner = TableResolver({"mixed.svc.cluster.local": ["10.0.0.5", "127.0.0.1"]})
        guarded = GuardedResolver(inner, POLICY, Allowlist(["*.svc.cluster.local"]))
        with pytest.raises(AddressNotAllowed, match="loopback"):
            await guarded.resolve("mixed.svc.cluster.local", 4096)

    async def test_exact_host_port_is_the_operators_choice(self) -> None:
        """A host and port named exactly by an allow pattern may resolve anywhere."""
        inner = TableResolver({"dev.local": ["127.0.0.1"]})
        guarded = GuardedResolver(inner, POLICY, Allowlist(["dev.local:4096"]))
        assert [r["host"] for r in await guarded.resolve("dev.local", 4096)] == ["127.0.0.1"]
        with pytest.raises(AddressNotAllowed):
            await guarded.resolve("dev.local", 4097)


@pytest.fixture
def names(upstream: TestServer) -> TableResolver:
    """Cluster-looking names; some lead to the canary (loopback), some to worse places."""
    return TableResolver(
        {
            "canary.svc.cluster.local": ["127.0.0.1"],
            "metadata.svc.cluster.local": ["169.254.169.254"],
            "mapped.svc.cluster.local": ["::ffff:127.0.0.1"],
            "mixed.svc.cluster.local": ["10.0.0.9", "127.0.0.1"],
            "public.svc.cluster.local": ["93.184.216.34"],
            "rebind.svc.cluster.local": lambda n: ["169.254.169.254"] if n == 1 else ["127.0.0.1"],
            "exact.svc.cluster.local": ["127.0.0.1"],
        }
    )


@pytest.fixture
async def resolving(
    make_proxy: Callable[..., Awaitable[TestServer]],
    session: aiohttp.ClientSession,
    names: TableResolver,
    upstream: TestServer,
) -> ProxyClient:
    proxy = await make_proxy(
        allow=("*.svc.cluster.local", f"exact.svc.cluster.local:{upstream.port}"), resolver=names
    )
    return ProxyClient(session, proxy, "")


class TestThroughTheProxy:
    @pytest.mark.parametrize("name", ["canary", "metadata", "mapped", "mixed", "public", "rebind"])
    async def test_forbidden_answers_refused_before_connecting(
        self,
        resolving: ProxyClient,
        names: TableResolver,
        seen: Seen,
        upstream: TestServer,
        name: str,
    ) -> None:
        """An allowed name whose answer is forbidden is a 403, and nothing is connected to."""
        target = f"http://{name}.svc.cluster.local:{upstream.port}"
        async with resolving.request("GET", "/global/health", target=target) as response:
            assert response.status == 403
            body = await response.json()
        assert body["error"] == "target_address_not_allowed"
        assert seen.requests == []
        assert names.calls == [f"{name}.svc.cluster.local"]

    async def test_answer_connected_to_is_the_answer_judged(
        self, resolving: ProxyClient, names: TableResolver, seen: Seen, upstream: TestServer
    ) -> None:
        """After a refused answer, the name is looked up afresh and judged afresh; no lookup is reused unjudged."""
        target = f"http://rebind.svc.cluster.local:{upstream.port}"
        async with resolving.request("GET", "/x", target=target) as response:
            assert response.status == 403
        async with resolving.request("GET", "/x", target=target) as response:
            # The second answer is loopback: refused too (no exact pattern names this host:port).
            assert response.status == 403
        assert seen.requests == []
        assert names.calls.count("rebind.svc.cluster.local") == 2

    async def test_exact_pattern_reaches_loopback(
        self, resolving: ProxyClient, names: TableResolver, seen: Seen, upstream: TestServer
    ) -> None:
        """A name the operator allowed exactly (host:port) reaches its address, looked up once."""
        target = f"http://exact.svc.cluster.local:{upstream.port}"
        for _ in range(3):
            async with resolving.request("GET", "/hello", target=target) as response:
                assert response.status == 200
        assert len(seen.requests) == 3
        assert seen.headers[0]["host"] == [f"exact.svc.cluster.local:{upstream.port}"]
        assert names.calls == ["exact.svc.cluster.local"]

    async def test_unresolvable_is_502(self, resolving: ProxyClient, upstream: TestServer) -> None:
        """A name that does not resolve is a 502 saying so."""
        async with resolving.request(
            "GET", "/x", target="http://nothing.svc.cluster.local"
        ) as response:
            assert response.status == 502
            body = await response.json()
        assert body["error"] == "upstream_unreachable"
        assert "does not resolve" in body["message"]


class TestConnectedAddress:
    """The connection goes to the address the single lookup returned, not to a second lookup's."""

    @pytest.fixture
    async def second_canary(
        self, aiohttp_server: Callable[..., Awaitable[TestServer]], upstream: TestServer
    ) -> AsyncIterator[list[str]]:
        hits: list[str] = []

        async def record(request: web.Request) -> web.Response:
            hits.append("127.0.0.2")
            return web.Response(text="second")

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", record)
        await aiohttp_server(app, host="127.0.0.2", port=upstream.port)
        return hits

    async def test_lookup_answer_is_used(
        self,
        make_proxy: Callable[..., Awaitable[TestServer]],
        session: aiohttp.ClientSession,
        upstream: TestServer,
        seen: Seen,
        second_canary: list[str],
    ) -> None:
        """Two proxies, two answers for one name: each connects where its own lookup said."""
        for answer, _expect_first in (("127.0.0.1", True), ("127.0.0.2", False)):
            names = TableResolver({"flip.svc.cluster.local": [answer]})
            proxy = await make_proxy(
                allow=(f"flip.svc.cluster.local:{upstream.port}",), resolver=names
            )
            client = ProxyClient(session, proxy, f"http://flip.svc.cluster.local:{upstream.port}")
            async with client.request("GET", "/where") as response:
                assert response.status == 200
            assert names.calls == ["flip.svc.cluster.local"]
        assert len(seen.requests) == 1
        assert second_canary == ["127.0.0.2"]
