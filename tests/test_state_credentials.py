"""Stored passwords in the state database: sealed with the cookie's key, shared by every
worker, kept across restarts, bound to their user, gone on Forget."""

from __future__ import annotations

import asyncio
import base64
import json
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from opencode_proxy.app import proxy_of
from opencode_proxy.state.database import FILE_NAME
from opencode_proxy.target.vault import COOKIE, basic_authorization
from tests.conftest import PREFIX, ProxyProcess
from tests.support.fake_upstream import Seen

SECRET = "correct-horse-battery-staple-42"
USER_HEADER = "kubeflow-userid"

MakeProxy = Callable[..., Awaitable[TestServer]]


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A client that keeps no cookies: each test sends the session cookie it means to."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield session


class Browser:
    """One browser of one user against a proxy at ``base``: it holds its cookie itself."""

    def __init__(self, http: aiohttp.ClientSession, base: str, user: str | None = None):
        self.http = http
        self.base = base
        self.port = int(base.split(":")[2].split("/")[0])
        self.user = user
        self.secret: str | None = None
        self.last_set_cookie: SimpleCookie | None = None

    def headers(self, **extra: str) -> dict[str, str]:
        headers = {"Origin": f"http://127.0.0.1:{self.port}", **extra}
        if self.user is not None:
            headers[USER_HEADER] = self.user
        if self.secret is not None:
            headers["Cookie"] = f"{COOKIE}={self.secret}"
        return headers

    def _keep(self, response: aiohttp.ClientResponse) -> None:
        values = response.headers.getall("Set-Cookie", [])
        self.last_set_cookie = None
        for value in values:
            cookie = SimpleCookie(value)
            if COOKIE in cookie:
                self.last_set_cookie = cookie
                morsel = cookie[COOKIE]
                self.secret = None if morsel["max-age"] == "0" else morsel.value

    async def store(self, target: str, password: str = SECRET, username: str = "alice") -> int:
        async with self.http.post(
            self.base + "/api/credentials",
            json={"target": target, "username": username, "password": password},
            headers=self.headers(),
        ) as response:
            self._keep(response)
            await response.read()
            return response.status

    async def forget(self, target: str | None = None) -> None:
        params = {} if target is None else {"target": target}
        async with self.http.delete(
            self.base + "/api/credentials", params=params, headers=self.headers()
        ) as response:
            assert response.status == 204
            self._keep(response)

    async def who(self, target: str, **extra: str) -> tuple[str | None, str]:
        """The Authorization the target received, and which process answered (the
        request id's per-process prefix); a new connection each time, so any worker may."""
        async with self.http.get(
            self.base + "/api/proxy/who",
            headers=self.headers(**{"X-Target-Server": target, "Connection": "close", **extra}),
        ) as response:
            assert response.status == 200
            self._keep(response)
            received = (await response.json())["headers"].get("authorization")
            return (received[0] if received else None), response.headers["X-Request-Id"][:8]

    async def listing(self) -> list[dict[str, str]]:
        async with self.http.get(
            self.base + "/api/credentials", headers=self.headers()
        ) as response:
            return list((await response.json())["credentials"])


EXPECTED = basic_authorization("alice", SECRET)


@pytest.fixture
def target(upstream: TestServer) -> str:
    return f"http://127.0.0.1:{upstream.port}"


@pytest.fixture
async def stateful(make_proxy: MakeProxy, tmp_path: Path) -> TestServer:
    """A proxy in this process keeping its state in tmp_path."""
    return await make_proxy(state_dir=tmp_path)


def base_of(proxy: TestServer) -> str:
    return f"http://127.0.0.1:{proxy.port}{PREFIX}"


async def stored_with_clock(
    make_proxy: MakeProxy, tmp_path: Path, http: aiohttp.ClientSession, target: str
) -> tuple[TestServer, Browser, list[float]]:
    """A proxy whose cookies live 1,000 s on a clock the test moves (``now[0]``), and a
    browser that has stored a password for ``target`` on it."""
    proxy = await make_proxy(state_dir=tmp_path, credential_idle_timeout=1000)
    now = [10_000.0]
    proxy_of(proxy.app).vault.clock = lambda: now[0]
    browser = Browser(http, base_of(proxy))
    await browser.store(target)
    return proxy, browser, now


class TestCookie:
    async def test_attributes(
        self, stateful: TestServer, http: aiohttp.ClientSession, target: str
    ) -> None:
        """The cookie is HttpOnly, SameSite=Strict, scoped to the prefix, lives 30 days, and is
        Secure only behind HTTPS; it carries 256 bits and nothing of the password."""
        browser = Browser(http, base_of(stateful))
        assert await browser.store(target) == 200
        assert browser.last_set_cookie is not None
        morsel = browser.last_set_cookie[COOKIE]
        assert morsel["httponly"] is True
        assert morsel["samesite"] == "Strict"
        assert morsel["path"] == PREFIX + "/"
        assert morsel["max-age"] == str(30 * 24 * 3600)
        assert not morsel["secure"]
        assert len(morsel.value) == 43
        assert SECRET not in morsel.value
        async with http.post(
            base_of(stateful) + "/api/credentials",
            json={"target": target, "password": SECRET},
            headers={**browser.headers(), "X-Forwarded-Proto": "https"},
        ) as response:
            assert SimpleCookie(response.headers["Set-Cookie"])[COOKIE]["secure"] is True

    async def test_renewed_on_use(
        self, make_proxy: MakeProxy, tmp_path: Path, http: aiohttp.ClientSession, target: str
    ) -> None:
        """A use after the renewal interval writes the use down and renews the cookie;
        uses in between do neither."""
        _, browser, now = await stored_with_clock(make_proxy, tmp_path, http, target)
        now[0] += 50  # within the interval (a tenth of the lifetime)
        assert (await browser.who(target))[0] == EXPECTED
        assert browser.last_set_cookie is None
        now[0] += 60
        assert (await browser.who(target))[0] == EXPECTED
        assert browser.last_set_cookie is not None
        assert browser.last_set_cookie[COOKIE]["max-age"] == "1000"
        with sqlite3.connect(tmp_path / FILE_NAME) as db:
            assert db.execute("SELECT last_used FROM sessions").fetchall() == [(now[0],)]

    @pytest.mark.parametrize("answer", ["download", "events", "websocket"])
    async def test_renewed_by_a_streamed_answer(
        self,
        make_proxy: MakeProxy,
        tmp_path: Path,
        http: aiohttp.ClientSession,
        target: str,
        seen: Seen,
        answer: str,
    ) -> None:
        """An answer the proxy streams (a large download, an event stream, a websocket's
        upgrade) renews the cookie too: its headers leave before the handler returns."""
        proxy, browser, now = await stored_with_clock(make_proxy, tmp_path, http, target)
        now[0] += 200  # past the renewal interval
        headers = browser.headers(**{"X-Target-Server": target})
        url = base_of(proxy) + "/api/proxy"
        if answer == "download":
            async with http.get(url + "/bytes/300000", headers=headers) as response:
                assert len(await response.read()) == 300_000
                browser._keep(response)
        elif answer == "events":
            async with http.get(url + "/events", headers=headers) as response:
                assert response.content_type == "text/event-stream"
                browser._keep(response)
                seen.sse_gate.put_nowait("end")
                await response.read()
        else:
            async with http.ws_connect(url + "/ws", headers=headers) as ws:
                browser._keep(ws._response)
        assert browser.last_set_cookie is not None
        assert browser.last_set_cookie[COOKIE]["max-age"] == "1000"
        with sqlite3.connect(tmp_path / FILE_NAME) as db:
            assert db.execute("SELECT last_used FROM sessions").fetchall() == [(now[0],)]

    async def test_forget_all_deletes_rows_and_cookie(
        self, stateful: TestServer, http: aiohttp.ClientSession, target: str, tmp_path: Path
    ) -> None:
        """Forgetting everything deletes the session and its rows, and the browser's cookie."""
        browser = Browser(http, base_of(stateful))
        await browser.store(target)
        secret = browser.secret
        await browser.forget()
        assert browser.last_set_cookie is not None
        assert browser.last_set_cookie[COOKIE]["max-age"] == "0"
        with sqlite3.connect(tmp_path / FILE_NAME) as db:
            assert db.execute("SELECT count(*) FROM sessions").fetchone() == (0,)
            assert db.execute("SELECT count(*) FROM credentials").fetchone() == (0,)
        browser.secret = secret  # a copy of the old cookie opens nothing any more
        assert (await browser.who(target))[0] is None

    async def test_forget_one_target(
        self, stateful: TestServer, http: aiohttp.ClientSession, target: str, upstream: TestServer
    ) -> None:
        """Forgetting one target keeps the session's others."""
        other = f"http://127.0.0.1:{upstream.port}/base"
        browser = Browser(http, base_of(stateful))
        await browser.store(target)
        await browser.store(other, password="other")
        await browser.forget(target)
        assert browser.secret is not None
        assert await browser.listing() == [{"target": other, "username": "alice"}]
        assert (await browser.who(target))[0] is None


class TestSealing:
    async def test_file_never_holds_the_password(
        self, stateful: TestServer, http: aiohttp.ClientSession, target: str, tmp_path: Path
    ) -> None:
        """Neither the database nor its write-ahead log holds a password, its Basic header or
        the cookie's secret, while the proxy runs and after it closed the file."""
        browsers = [Browser(http, base_of(stateful), f"user{i}") for i in range(3)]
        for i, browser in enumerate(browsers):
            await browser.store(target, password=f"{SECRET}-{i}")
            await browser.store(target + "/b", password=f"{SECRET}-{i}")
        secrets = [b.secret for b in browsers]
        files = [tmp_path / FILE_NAME, tmp_path / (FILE_NAME + "-wal")]
        assert (tmp_path / (FILE_NAME + "-wal")).stat().st_size > 0

        def assert_clean() -> None:
            data = b"".join(path.read_bytes() for path in files if path.exists())
            # The rows are there to be searched: users and targets are kept in clear.
            assert b"user1" in data
            assert target.encode() in data
            for i, secret in enumerate(secrets):
                assert secret is not None
                for needle in (
                    f"{SECRET}-{i}".encode(),
                    f"{SECRET}-{i}".encode("utf-16-le"),
                    basic_authorization("alice", f"{SECRET}-{i}").split()[1].encode(),
                    secret.encode(),
                    base64.urlsafe_b64decode(secret + "="),
                ):
                    assert needle not in data, needle

        assert_clean()
        await proxy_of(stateful.app).database.close()
        assert_clean()

    async def test_rows_cannot_be_swapped(
        self, make_proxy: MakeProxy, http: aiohttp.ClientSession, target: str, tmp_path: Path
    ) -> None:
        """A ciphertext moved to another target or another session, or a session given to
        another user, opens nothing."""
        first = await make_proxy(state_dir=tmp_path)
        alice = Browser(http, base_of(first), "alice")
        mallory = Browser(http, base_of(first), "mallory")
        await alice.store(target, password="alice-password")
        await alice.store(target + "/x", password="other")
        await mallory.store(target, password="mallory-password")
        await proxy_of(first.app).database.close()
        with sqlite3.connect(tmp_path / FILE_NAME) as db:
            alice_id = db.execute("SELECT id FROM sessions WHERE user = 'alice'").fetchone()[0]
            mallory_id = db.execute("SELECT id FROM sessions WHERE user = 'mallory'").fetchone()[0]
            # Mallory's row now carries Alice's sealed password for that target.
            db.execute(
                "UPDATE credentials SET sealed = (SELECT sealed FROM credentials WHERE "
                "session = ? AND target = ?) WHERE session = ?",
                (alice_id, target, mallory_id),
            )
            # Alice's own password for target moves to her other target.
            db.execute(
                "UPDATE credentials SET sealed = (SELECT sealed FROM credentials WHERE "
                "session = ? AND target = ?) WHERE session = ? AND target = ?",
                (alice_id, target, alice_id, target + "/x"),
            )
        second = await make_proxy(state_dir=tmp_path)
        for browser in (alice, mallory):
            browser.base = base_of(second)
            browser.port = second.port
        assert (await mallory.who(target))[0] is None
        assert (await alice.who(target + "/x"))[0] is None
        assert (await alice.who(target))[0] == basic_authorization("alice", "alice-password")
        with sqlite3.connect(tmp_path / FILE_NAME) as db:
            db.execute("UPDATE sessions SET user = 'mallory' WHERE id = ?", (alice_id,))
        third = await make_proxy(state_dir=tmp_path)
        mallory.base, mallory.port, mallory.secret = base_of(third), third.port, alice.secret
        assert (await mallory.who(target))[0] is None


class TestUsers:
    async def test_a_session_belongs_to_its_user(
        self, stateful: TestServer, http: aiohttp.ClientSession, target: str
    ) -> None:
        """Alice's cookie sent with another user's header adds nothing; that user storing a
        password gets a session of their own, and Alice's stays hers."""
        alice = Browser(http, base_of(stateful), "alice")
        await alice.store(target, password="alice-password")
        bob = Browser(http, base_of(stateful), "bob")
        bob.secret = alice.secret
        assert (await bob.who(target))[0] is None
        assert await bob.listing() == []
        local = Browser(http, base_of(stateful))
        local.secret = alice.secret
        assert (await local.who(target))[0] is None
        await bob.store(target, password="bob-password")
        assert bob.secret != alice.secret
        assert (await bob.who(target))[0] == basic_authorization("alice", "bob-password")
        assert (await alice.who(target))[0] == basic_authorization("alice", "alice-password")


class TestDatabaseUse:
    async def test_no_cookie_no_database(
        self, stateful: TestServer, http: aiohttp.ClientSession, target: str
    ) -> None:
        """Proxied requests without the cookie never touch the database; with it, the
        session is read once and then served from the process's cache."""
        metrics = proxy_of(stateful.app).metrics

        def operations(name: str) -> float:
            value = metrics.registry.get_sample_value(
                "opencode_proxy_state_query_seconds_count", {"operation": name}
            )
            return value or 0.0

        browser = Browser(http, base_of(stateful))
        await browser.store(target)
        loads = operations("load_session")
        stranger = Browser(http, base_of(stateful))
        for _ in range(30):
            assert (await stranger.who(target))[0] is None
        assert operations("load_session") == loads
        for _ in range(30):
            assert (await browser.who(target))[0] == EXPECTED
        assert operations("load_session") == loads + 1
        assert operations("touch_session") == 0

    async def test_unknown_cookie_is_not_a_session(
        self, stateful: TestServer, http: aiohttp.ClientSession, target: str
    ) -> None:
        """A well-formed cookie the database does not know adds nothing, and storing with it
        makes a fresh secret rather than adopting the one the browser sent."""
        metrics = proxy_of(stateful.app).metrics
        browser = Browser(http, base_of(stateful))
        planted = "A" * 43
        browser.secret = planted
        for _ in range(20):
            assert (await browser.who(target))[0] is None
        # Remembered as unknown: a stale cookie is not a query per request.
        loads = metrics.registry.get_sample_value(
            "opencode_proxy_state_query_seconds_count", {"operation": "load_session"}
        )
        assert loads == 1
        await browser.store(target)
        assert browser.secret not in (None, planted)


def _proxy_args(upstream: TestServer, state_dir: Path, *extra: str) -> tuple[str, ...]:
    return ("--allow", f"127.0.0.1:{upstream.port}", "--state-dir", str(state_dir), *extra)


class TestProcesses:
    async def test_restart_keeps_the_password(
        self,
        proxy_process: Callable[..., ProxyProcess],
        upstream: TestServer,
        http: aiohttp.ClientSession,
        target: str,
        tmp_path: Path,
    ) -> None:
        """After the proxy process restarts, the same cookie still brings the password."""
        first = proxy_process(*_proxy_args(upstream, tmp_path))
        browser = Browser(http, first.base, "alice")
        assert await browser.store(target) == 200
        assert (await browser.who(target))[0] == EXPECTED
        await asyncio.to_thread(first.stop)
        second = await asyncio.to_thread(proxy_process, *_proxy_args(upstream, tmp_path))
        browser.base, browser.port = second.base, second.port
        assert (await browser.who(target))[0] == EXPECTED
        assert await browser.listing() == [{"target": target, "username": "alice"}]

    async def test_every_worker_has_it_and_forget_reaches_all(
        self,
        proxy_process: Callable[..., ProxyProcess],
        upstream: TestServer,
        http: aiohttp.ClientSession,
        target: str,
        tmp_path: Path,
    ) -> None:
        """With --workers 2 every request gets the password whichever worker takes it; after
        a Forget in one worker no worker adds it (each polls for changes 4 times a second,
        and this waits two seconds, well past that)."""
        proxy = proxy_process(*_proxy_args(upstream, tmp_path, "--workers", "2"))
        browser = Browser(http, proxy.base, "alice")
        assert await browser.store(target) == 200
        workers: dict[str, int] = {}
        for _ in range(200):
            received, worker = await browser.who(target)
            assert received == EXPECTED
            workers[worker] = workers.get(worker, 0) + 1
            if len(workers) == 2 and min(workers.values()) >= 10:
                break
        assert len(workers) == 2, workers
        await browser.forget(target)
        await asyncio.sleep(2.0)
        seen: set[str] = set()
        for _ in range(60):
            received, worker = await browser.who(target)
            assert received is None, worker
            seen.add(worker)
        assert seen == set(workers)
        output = await asyncio.to_thread(proxy.stop)
        assert "server.workers" not in output  # no warning: the state is shared

    async def test_in_memory_workers_are_warned(
        self, proxy_process: Callable[..., ProxyProcess], upstream: TestServer
    ) -> None:
        """With state in memory and several workers, start-up warns that they do not share it."""
        proxy = proxy_process("--state-dir", "", "--workers", "2")
        output = await asyncio.to_thread(proxy.stop)
        warning: dict[str, Any] = next(
            json.loads(line) for line in output.splitlines() if '"server.workers"' in line
        )
        assert "in memory" in warning["message"]
