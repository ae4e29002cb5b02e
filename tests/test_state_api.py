"""``api/state``: each user's servers, default server and preferences, kept in the database."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from opencode_proxy.app import proxy_of
from tests.conftest import PREFIX, ProxyProcess
from tests.support.state_client import StateClient

A = "http://a.team.svc.cluster.local:4096"
B = "http://b.team.svc.cluster.local:4096"
C = "http://c.team.svc.cluster.local:4096"
TEAM = "http://team.ops.svc.cluster.local:4096"
ALLOW = ("*.svc.cluster.local", "127.0.0.1:4444")

MakeProxy = Callable[..., Awaitable[TestServer]]


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def state_proxy(make_proxy: MakeProxy, tmp_path: Path) -> TestServer:
    """A proxy keeping its state in a file, offering one operator server."""
    return await make_proxy(state_dir=tmp_path, allow=ALLOW, servers=(f"Team={TEAM}",))


@pytest.fixture
def local(http: aiohttp.ClientSession, state_proxy: TestServer) -> StateClient:
    """The local user (no ingress header)."""
    return StateClient(http, state_proxy.port)


class TestReading:
    async def test_empty_state(self, local: StateClient) -> None:
        """A user with nothing stored gets the whole shape, empty, and no-store caching."""
        assert await local.state() == {
            "user": None,
            "servers": [],
            "default_url": None,
            "preferences": {},
            "revision": 0,
            "persistent": True,
        }

    async def test_in_memory_says_so(
        self, make_proxy: MakeProxy, http: aiohttp.ClientSession
    ) -> None:
        """Without a state directory the answer says the state is not persistent."""
        proxy = await make_proxy(allow=ALLOW)
        client = StateClient(http, proxy.port)
        assert (await client.state())["persistent"] is False
        status, body = await client.add(A)
        assert status == 200
        assert body["servers"] == [{"url": A}]

    async def test_named_user(self, http: aiohttp.ClientSession, state_proxy: TestServer) -> None:
        """The ingress's user header names the user in the answer."""
        alice = StateClient(http, state_proxy.port, "alice@example.com")
        assert (await alice.state())["user"] == "alice@example.com"


class TestServers:
    async def test_add_normalises_and_keeps_order(self, local: StateClient) -> None:
        """URLs are stored in canonical form; new servers go to the end; the answer is the state."""
        status, body = await local.add("HTTP://B.Team.svc.cluster.local:4096/", name="Bee")
        assert status == 200
        assert body["servers"] == [{"url": B, "name": "Bee"}]
        await local.add(A, username="robot")
        status, body = await local.add(C, name="  ", username="")
        assert [s["url"] for s in body["servers"]] == [B, A, C]
        assert body["servers"][2] == {"url": C}  # blank fields are absent
        assert body == await local.state()

    async def test_upsert_replaces_fields_in_place(self, local: StateClient) -> None:
        """Adding a URL already there replaces its name and username and keeps its place."""
        await local.add(A, name="first")
        await local.add(B)
        before = (await local.state())["revision"]
        _, body = await local.add(A + "/", name="renamed", username="u")
        assert body["servers"] == [{"url": A, "name": "renamed", "username": "u"}, {"url": B}]
        assert body["revision"] == before + 1
        _, again = await local.add(A, name="renamed", username="u")
        assert again["revision"] == before + 1  # nothing changed, no new revision

    async def test_new_address_keeps_place_default_and_choices(self, local: StateClient) -> None:
        """With ``replaces``, a server's new address takes its place in the list, its place
        as the default and its preferences, in one change; the old address is gone."""
        await local.add(A, name="first")
        await local.add(B)
        await local.add(C)
        await local.set_default(B)
        await local.prefer(B, model="p/m", agent="plan")
        before = (await local.state())["revision"]
        moved = "http://b2.team.svc.cluster.local:4096"
        status, body = await local.add(moved + "/", name="Bee", replaces=B + "/")
        assert status == 200
        assert body["servers"] == [
            {"url": A, "name": "first"},
            {"url": moved, "name": "Bee"},
            {"url": C},
        ]
        assert body["default_url"] == moved
        assert body["preferences"] == {moved: {"agent": "plan", "model": "p/m"}}
        assert body["revision"] == before + 1
        assert body == await local.state()

    async def test_new_address_already_listed_is_merged(self, local: StateClient) -> None:
        """Moving to an address the list has already leaves one entry, in the old place;
        the preferences the new address had win."""
        await local.add(A)
        await local.add(B)
        await local.add(C)
        await local.prefer(A, model="p/a")
        await local.prefer(C, model="p/c")
        _, body = await local.add(C, replaces=A)
        assert body["servers"] == [{"url": C}, {"url": B}]
        assert body["preferences"] == {C: {"model": "p/c"}}

    async def test_replacing_what_is_gone_adds(self, local: StateClient) -> None:
        """An old address no longer listed (another tab removed it) makes an ordinary add;
        a refused new address changes nothing, whatever it replaces."""
        await local.add(A)
        _, body = await local.add(B, replaces=C)
        assert body["servers"] == [{"url": A}, {"url": B}]
        status, refused = await local.add("http://evil.example", replaces=A)
        assert (status, refused["error"]) == (403, "target_not_allowed")
        assert (await local.state())["servers"] == [{"url": A}, {"url": B}]
        status, bad = await local.add(C, replaces="not a url")
        assert (status, bad["error"]) == (400, "bad_target")

    async def test_operator_server_keeps_its_choices(self, local: StateClient) -> None:
        """An old address the operator offers too stays usable: its preferences and default
        stay, and the new address gets a copy of the preferences."""
        await local.add(TEAM)
        await local.set_default(TEAM)
        await local.prefer(TEAM, model="p/t")
        _, body = await local.add(A, replaces=TEAM)
        assert body["servers"] == [{"url": A}]
        assert body["default_url"] == TEAM
        assert body["preferences"] == {A: {"model": "p/t"}, TEAM: {"model": "p/t"}}

    @pytest.mark.parametrize(
        "url",
        [
            "http://evil.example",
            "http://user@a.team.svc.cluster.local",
            "ftp://a.team.svc.cluster.local",
            "http://kubernetes.default.svc.cluster.local",
            "http://127.0.0.1:9999",
            "http://127.0.0.1:4444",
            "http://0x7f.0.0.1:4444",
            "http://a.team.svc.cluster.local/../x",
        ],
    )
    async def test_refused_like_api_check(
        self, local: StateClient, http: aiohttp.ClientSession, state_proxy: TestServer, url: str
    ) -> None:
        """A URL is accepted or refused exactly as api/check judges it, with the same code."""
        async with http.get(
            f"http://127.0.0.1:{state_proxy.port}{PREFIX}/api/check", params={"target": url}
        ) as response:
            check_status = response.status
            check = await response.json()
        status, body = await local.add(url)
        assert status == check_status
        if status == 200:
            assert body["servers"] == [{"url": check["target"]}]
        else:
            assert body["error"] == check["error"]
            assert (await local.state())["servers"] == []

    async def test_remove_takes_preferences_and_default(self, local: StateClient) -> None:
        """Removing a server removes its preferences, and unsets it as the default."""
        await local.add(A)
        await local.add(B)
        await local.set_default(A)
        await local.prefer(A, model="p/m")
        await local.prefer(B, model="p/other")
        status, body = await local.call("DELETE", "/servers", params={"url": A + "/"})
        assert status == 200
        assert body["servers"] == [{"url": B}]
        assert body["default_url"] is None
        assert body["preferences"] == {B: {"model": "p/other"}}
        status, again = await local.remove(A)
        assert status == 200
        assert again["revision"] == body["revision"]

    async def test_remove_needs_a_url(self, local: StateClient) -> None:
        """DELETE without url is a 400 with a stable code."""
        status, body = await local.call("DELETE", "/servers")
        assert (status, body["error"]) == (400, "missing_target")


class TestDefault:
    async def test_default_must_be_known(self, local: StateClient) -> None:
        """The default is one of the user's servers or an operator server, else 400 unknown_server."""
        status, body = await local.set_default(A)
        assert (status, body["error"]) == (400, "unknown_server")
        await local.add(A)
        status, body = await local.set_default(A + "/")
        assert (status, body["default_url"]) == (200, A)
        status, body = await local.set_default(TEAM)
        assert (status, body["default_url"]) == (200, TEAM)
        status, body = await local.set_default(None)
        assert (status, body["default_url"]) == (200, None)

    async def test_default_body_checked(self, local: StateClient) -> None:
        """A default that is not a URL or null is a 400."""
        for body in ({}, {"url": 3}, {"url": "not a url"}):
            status, answer = await local.call("PUT", "/default", json=body)
            assert status == 400, answer


class TestPreferences:
    async def test_merge_and_delete(self, local: StateClient) -> None:
        """Keys merge; null removes a key; an operator server takes preferences too."""
        await local.add(A)
        await local.prefer(A, model="anthropic/claude", agent="build")
        _, body = await local.prefer(A, agent=None, variant="high")
        assert body["preferences"] == {A: {"model": "anthropic/claude", "variant": "high"}}
        _, body = await local.prefer(TEAM, model="openai/gpt")
        assert body["preferences"][TEAM] == {"model": "openai/gpt"}

    @pytest.mark.parametrize(
        ("changes", "code"),
        [
            ({"colour": "red"}, "unknown_preference"),
            ({"model": "x" * 201}, "value_too_long"),
            ({"model": 3}, "bad_request"),
            ({"model": ""}, "bad_request"),
            ({}, "bad_request"),
        ],
    )
    async def test_refused(self, local: StateClient, changes: dict[str, Any], code: str) -> None:
        """Unknown keys, long or non-text values are 400 with a stable code; nothing is kept."""
        await local.add(A)
        status, body = await local.prefer(A, **changes)
        assert (status, body["error"]) == (400, code)
        assert (await local.state())["preferences"] == {}

    async def test_unknown_server(self, local: StateClient) -> None:
        """Preferences for a server that is neither the user's nor the operator's are refused."""
        status, body = await local.prefer(B, model="p/m")
        assert (status, body["error"]) == (400, "unknown_server")


class TestImport:
    async def test_import_is_a_merge_and_idempotent(self, local: StateClient) -> None:
        """Servers not there are added in order, existing records win, the default is set
        only when there is none; importing again changes nothing."""
        await local.add(B, name="kept")
        listing = [{"url": A, "name": "A"}, {"url": B, "name": "lost"}, {"url": C}]
        status, body = await local.import_list(listing, A)
        assert status == 200
        assert body["servers"] == [{"url": B, "name": "kept"}, {"url": A, "name": "A"}, {"url": C}]
        assert body["default_url"] == A
        again = await local.import_list(listing, C)
        assert again == (200, body)
        assert "skipped" not in body

    async def test_default_kept_when_set(self, local: StateClient) -> None:
        """An imported default does not replace one the user already has."""
        await local.add(B)
        await local.set_default(B)
        _, body = await local.import_list([{"url": A}], A)
        assert body["default_url"] == B

    async def test_refused_entries_are_skipped(self, local: StateClient) -> None:
        """Entries the policy now refuses are left out and named; the rest are imported."""
        listing = [{"url": "http://evil.example"}, {"url": A}, {"url": "http://x@y"}]
        status, body = await local.import_list(listing, "http://evil.example")
        assert status == 200
        assert body["servers"] == [{"url": A}]
        assert body["default_url"] is None
        assert body["skipped"] == [
            {"url": "http://evil.example", "error": "target_not_allowed"},
            {"url": "http://x@y", "error": "bad_target"},
        ]

    async def test_malformed_entry_refuses_all(self, local: StateClient) -> None:
        """A malformed entry (a long name) refuses the whole import: nothing is added."""
        status, body = await local.import_list([{"url": A}, {"url": B, "name": "n" * 201}])
        assert (status, body["error"]) == (400, "value_too_long")
        assert (await local.state())["servers"] == []


class TestLimits:
    async def test_body_limit(self, local: StateClient) -> None:
        """A body over 64 KiB is 413 and nothing is stored."""
        big = [{"url": A, "name": "x" * 100}] * 700
        status, body = await local.call(
            "POST", "/import", json={"servers": big, "default_url": None}
        )
        assert (status, body["error"]) == (413, "body_too_large")
        assert (await local.state())["servers"] == []

    async def test_text_limits(self, local: StateClient) -> None:
        """Names and usernames longer than 200 characters are refused with value_too_long."""
        for fields in ({"name": "n" * 201}, {"username": "u" * 201}):
            status, body = await local.add(A, **fields)
            assert (status, body["error"]) == (400, "value_too_long")
        status, body = await local.add(A, name="n" * 200, username="u" * 200)
        assert status == 200

    async def test_server_limit(self, local: StateClient) -> None:
        """At most 200 servers per user: the 201st is refused; updating one still works;
        an import past the limit adds nothing."""
        servers = [{"url": f"http://s{i}.team.svc.cluster.local"} for i in range(199)]
        status, body = await local.import_list(servers)
        assert len(body["servers"]) == 199
        status, body = await local.import_list([{"url": A}, {"url": B}])
        assert (status, body["error"]) == (400, "too_many_servers")
        assert (await local.add(A))[0] == 200
        status, body = await local.add(B)
        assert (status, body["error"]) == (400, "too_many_servers")
        status, body = await local.add(A, name="renamed")
        assert status == 200
        assert len(body["servers"]) == 200

    @pytest.mark.parametrize("payload", [b"{", b"[1, 2]", b'"text"', b"\xff\xfe"])
    async def test_malformed_json(self, local: StateClient, payload: bytes) -> None:
        """Bodies that are not a JSON object are 400 bad_request."""
        status, body = await local.call(
            "POST", "/servers", data=payload, headers={"Content-Type": "application/json"}
        )
        assert (status, body["error"]) == (400, "bad_request")

    async def test_wrong_types(self, local: StateClient) -> None:
        """Fields of the wrong type are 400, with no server kept."""
        for fields in ({"name": 3}, {"username": ["x"]}, {"username": "a:b"}):
            status, _ = await local.add(A, **fields)
            assert status == 400
        status, body = await local.call("POST", "/servers", json={"name": "no url"})
        assert (status, body["error"]) == (400, "missing_target")
        assert (await local.state())["servers"] == []

    async def test_absurd_user_name(
        self, http: aiohttp.ClientSession, state_proxy: TestServer
    ) -> None:
        """A user header past 256 characters is a 400, not a row."""
        client = StateClient(http, state_proxy.port, "u" * 300)
        status, body = await client.call("GET")
        assert (status, body["error"]) == (400, "bad_user")


class TestOrigin:
    @pytest.mark.parametrize("origin", [None, "http://evil.example"])
    async def test_writes_need_the_uis_origin(self, local: StateClient, origin: str | None) -> None:
        """Every state-changing method is refused cross-site, and changes nothing."""
        headers = {} if origin is None else {"Origin": origin}
        local.headers.pop("Origin")
        calls: list[tuple[str, str, dict[str, Any]]] = [
            ("POST", "/servers", {"json": {"url": A}}),
            ("DELETE", "/servers", {"params": {"url": A}}),
            ("PUT", "/default", {"json": {"url": None}}),
            ("PATCH", "/preferences", {"json": {"url": TEAM, "set": {"model": "m"}}}),
            ("POST", "/import", {"json": {"servers": [{"url": A}]}}),
        ]
        for method, path, kwargs in calls:
            status, body = await local.call(method, path, headers=headers, **kwargs)
            assert (status, body["error"]) == (403, "cross_site_request"), (method, path)
        assert (await local.state())["revision"] == 0


class TestUsers:
    async def test_users_are_apart(
        self, http: aiohttp.ClientSession, state_proxy: TestServer
    ) -> None:
        """Each user sees and changes only their own servers, default and preferences."""
        alice = StateClient(http, state_proxy.port, "alice")
        bob = StateClient(http, state_proxy.port, "bob")
        local = StateClient(http, state_proxy.port)
        await alice.add(A)
        await alice.set_default(A)
        await alice.prefer(A, model="p/m")
        assert (await bob.state())["servers"] == []
        status, body = await bob.set_default(A)
        assert (status, body["error"]) == (400, "unknown_server")
        status, body = await bob.prefer(A, model="x")
        assert (status, body["error"]) == (400, "unknown_server")
        await bob.remove(A)
        await bob.add(B)
        assert (await alice.state())["servers"] == [{"url": A}]
        assert (await alice.state())["preferences"] == {A: {"model": "p/m"}}
        assert (await local.state())["servers"] == []
        assert [s["url"] for s in (await bob.state())["servers"]] == [B]


class TestConcurrency:
    async def test_concurrent_adds_from_two_processes_lose_nothing(
        self, make_proxy: MakeProxy, http: aiohttp.ClientSession, tmp_path: Path
    ) -> None:
        """Two applications on one file (as two workers) taking many adds at once keep all."""
        first = await make_proxy(state_dir=tmp_path, allow=ALLOW, servers=(TEAM,))
        second = await make_proxy(state_dir=tmp_path, allow=ALLOW, servers=(TEAM,))
        clients = [StateClient(http, first.port, "alice"), StateClient(http, second.port, "alice")]
        urls = [f"http://s{i}.team.svc.cluster.local:4096" for i in range(60)]
        results = await asyncio.gather(
            *(clients[i % 2].add(url) for i, url in enumerate(urls)),
            *(clients[i % 2].prefer(TEAM, model=f"m{i}") for i in range(10)),
        )
        assert all(status == 200 for status, _ in results)
        state = await clients[0].state()
        assert sorted(s["url"] for s in state["servers"]) == sorted(urls)
        assert state["revision"] == 70
        # Each answer was the whole state at its moment: the lists only ever grew.
        sizes = sorted(len(body["servers"]) for _, body in results[:60])
        assert sizes == list(range(1, 61))


class TestUnavailable:
    async def test_closed_database(
        self, state_proxy: TestServer, local: StateClient, http: aiohttp.ClientSession
    ) -> None:
        """With the database closed, api/state answers 503 state_unavailable and /readyz is 503."""
        await proxy_of(state_proxy.app).database.close()
        status, body = await local.call("GET")
        assert (status, body["error"]) == (503, "state_unavailable")
        async with http.get(f"http://127.0.0.1:{state_proxy.port}{PREFIX}/readyz") as response:
            assert response.status == 503
            assert (await response.json())["status"] == "state_unavailable"

    async def test_failing_writes(
        self, state_proxy: TestServer, local: StateClient, http: aiohttp.ClientSession
    ) -> None:
        """When SQLite refuses a write, the answer is 503 state_unavailable, nothing changes,
        and the failure is counted in the metrics."""
        await local.add(A)
        database = proxy_of(state_proxy.app).database

        def read_only(connection: sqlite3.Connection) -> None:
            connection.execute("PRAGMA query_only = ON")

        await database.run(read_only)
        status, body = await local.add(B)
        assert (status, body["error"]) == (503, "state_unavailable")
        assert [s["url"] for s in (await local.state())["servers"]] == [A]
        async with http.get(f"http://127.0.0.1:{state_proxy.port}{PREFIX}/metrics") as response:
            text = await response.text()
        assert 'opencode_proxy_state_query_errors_total{operation="upsert_server"} 1.0' in text


class TestWorkers:
    async def test_two_worker_processes_lose_no_add(
        self,
        proxy_process: Callable[..., ProxyProcess],
        http: aiohttp.ClientSession,
        tmp_path: Path,
    ) -> None:
        """With --workers 2, adds sent at once on separate connections (so both workers
        take some) all land, and every worker then answers the same list."""
        proxy = proxy_process("--workers", "2", "--state-dir", str(tmp_path), "--allow", ALLOW[0])
        port = proxy.port
        client = StateClient(http, port, "alice")
        urls = [f"http://w{i}.team.svc.cluster.local:4096" for i in range(40)]
        results = await asyncio.gather(
            *(
                client.call("POST", "/servers", json={"url": url}, headers={"Connection": "close"})
                for url in urls
            )
        )
        assert all(status == 200 for status, _ in results)
        answers = set()
        workers = set()
        for _ in range(20):
            async with http.get(
                client.base, headers={**client.headers, "Connection": "close"}
            ) as response:
                workers.add(response.headers["X-Request-Id"][:8])
                answers.add(tuple(s["url"] for s in (await response.json())["servers"]))
        assert len(answers) == 1
        assert sorted(answers.pop()) == sorted(urls)
        assert len(workers) == 2
