"""``GET api/check``: the policy's verdict on a target, the same one a proxied request gets.

The UI's server form asks this endpoint instead of keeping its own copy of the rules, so
every verdict below is checked twice: by ``api/check`` and by a request through
``api/proxy`` naming the same target.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.conftest import ProxyClient
from tests.support.fake_upstream import Seen
from tests.support.table_resolver import TableResolver

ALLOW = ("*.svc.cluster.local", "opencode.*", "127.0.0.1:P", "10.1.2.3")
DENY = ("*.kube-system.*", "secret-*.team.svc.cluster.local", "opencode.internal")

# target, then None when allowed, else the refusal code.
CASES = [
    ("http://sandbox.team.svc.cluster.local:4096", None),
    ("https://oc.team.svc.cluster.local", None),
    ("http://opencode.team:4096", None),
    ("http://opencode.a.b", None),
    ("http://127.0.0.1:P", None),
    ("http://10.1.2.3:4096", None),
    ("http://secret-db.team.svc.cluster.local:5432", "target_not_allowed"),
    ("http://dns.kube-system.svc.cluster.local", "target_not_allowed"),
    ("http://opencode.internal:4096", "target_not_allowed"),
    ("http://evil.example", "target_not_allowed"),
    ("http://opencode", "target_not_allowed"),
    ("http://127.0.0.1:1", "target_not_allowed"),
    ("http://[::1]:4096", "target_not_allowed"),
    ("http://user:pw@sandbox.team.svc.cluster.local", "bad_target"),
    ("ftp://sandbox.team.svc.cluster.local", "bad_target"),
    ("http://2130706433:4096", "bad_target"),
    ("http://sandbox.team.svc.cluster.local:4096?x=1", "bad_target"),
]


@pytest.fixture
async def checked(
    make_proxy: Callable[..., Awaitable[TestServer]],
    session: aiohttp.ClientSession,
    upstream: TestServer,
) -> ProxyClient:
    allow = tuple(a.replace(":P", f":{upstream.port}") for a in ALLOW)
    # Every allowed name resolves nowhere: a proxied request to it is a 502, not a refusal.
    proxy = await make_proxy(
        allow=allow, deny=DENY, resolver=TableResolver({}), connect_timeout=0.5
    )
    return ProxyClient(session, proxy, "")


async def check(client: ProxyClient, target: str) -> tuple[int, dict[str, object]]:
    async with client.session.get(
        client.url("/api/check?target=" + quote(target, safe=""))
    ) as response:
        return response.status, await response.json()


@pytest.mark.parametrize(("raw", "refusal"), CASES)
async def test_check_agrees_with_the_proxy(
    checked: ProxyClient, upstream: TestServer, seen: Seen, raw: str, refusal: str | None
) -> None:
    """api/check answers the verdict a proxied request to the same target gets."""
    target = raw.replace(":P", f":{upstream.port}")
    status, body = await check(checked, target)
    async with checked.request("GET", "/global/health", target=target) as proxied:
        proxied_code = proxied.headers.get("X-Proxy-Error")
    if refusal is None:
        assert status == 200
        assert body["allowed"] is True
        assert proxied_code in (None, "upstream_unreachable", "upstream_timeout")
    else:
        assert 400 <= status < 500
        assert body["error"] == refusal
        assert isinstance(body["message"], str)
        assert body["message"]
        assert proxied_code == refusal


async def test_allowed_answers_the_canonical_target(checked: ProxyClient) -> None:
    """An allowed target comes back in its canonical form, the key the UI lists it under."""
    status, body = await check(checked, "HTTP://Sandbox.Team.svc.cluster.local.:4096/")
    assert (status, body) == (
        200,
        {"allowed": True, "target": "http://sandbox.team.svc.cluster.local:4096"},
    )


async def test_address_refusal_for_ip_literals(
    make_proxy: Callable[..., Awaitable[TestServer]], session: aiohttp.ClientSession
) -> None:
    """An IP literal allowed by name but outside the allowed networks is refused by address."""
    proxy = await make_proxy(allow=("127.0.0.1", "10.0.0.7"))
    client = ProxyClient(session, proxy, "")
    status, body = await check(client, "http://127.0.0.1:9")
    assert (status, body["error"]) == (403, "target_address_not_allowed")
    assert "loopback" in str(body["message"])
    assert (await check(client, "http://10.0.0.7:4096"))[0] == 200


async def test_check_needs_a_target(checked: ProxyClient) -> None:
    """Without a target the answer says what to send."""
    async with checked.session.get(checked.url("/api/check")) as response:
        assert response.status == 400
        assert (await response.json())["error"] == "missing_target"


async def test_check_says_why(checked: ProxyClient) -> None:
    """A refusal explains itself the way the form shows it."""
    _, body = await check(checked, "http://127.0.0.1:1")
    assert "127.0.0.1 is allowed only on port" in str(body["message"])
    _, body = await check(checked, "http://opencode.internal:4096")
    assert "denies" in str(body["message"])
