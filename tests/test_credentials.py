"""The credential vault: passwords stay on the server and reach only their own target."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from structlog.testing import capture_logs

from opencode_proxy.app import proxy_of
from opencode_proxy.target.vault import COOKIE, basic_authorization
from tests.conftest import PREFIX
from tests.support.fake_upstream import Seen, create_upstream
from tests.support.opencode import PASSWORD
from tests.support.raw_upstream import RawUpstream, keep_alive
from tools.opencode_server import OpenCodeServer

SECRET = "hunter2-very-secret"


def browser_session() -> aiohttp.ClientSession:
    """A client that keeps cookies for 127.0.0.1 as browsers do (aiohttp refuses by default)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


@pytest.fixture
async def other_upstream(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> TestServer:
    """A second upstream: credentials for the first must never reach it."""
    return await aiohttp_server(create_upstream())


@pytest.fixture
async def two(
    make_proxy: Callable[..., Awaitable[TestServer]],
    upstream: TestServer,
    other_upstream: TestServer,
) -> TestServer:
    return await make_proxy(
        allow=(f"127.0.0.1:{upstream.port}", f"127.0.0.1:{other_upstream.port}")
    )


async def store(
    session: aiohttp.ClientSession, proxy: TestServer, target: str, **extra: object
) -> aiohttp.ClientResponse:
    body = {"target": target, "username": "alice", "password": SECRET, **extra}
    response = await session.post(
        f"http://127.0.0.1:{proxy.port}{PREFIX}/api/credentials",
        json=body,
        headers={"Origin": f"http://127.0.0.1:{proxy.port}"},
    )
    await response.read()
    return response


class TestVaultEndpoint:
    async def test_store_sets_a_safe_cookie(self, two: TestServer, upstream: TestServer) -> None:
        """Storing answers the canonical target and sets an HttpOnly, SameSite=Strict session cookie."""
        async with browser_session() as browser:
            response = await store(browser, two, f"http://127.0.0.1:{upstream.port}/")
            assert response.status == 200
            assert await response.json() == {
                "target": f"http://127.0.0.1:{upstream.port}",
                "username": "alice",
            }
            cookie = SimpleCookie(response.headers["Set-Cookie"])[COOKIE]
            assert cookie["httponly"] is True
            assert cookie["samesite"] == "Strict"
            assert cookie["path"] == PREFIX + "/"
            assert len(cookie.value) == 43  # 256 random bits, base64url
            assert SECRET not in response.headers["Set-Cookie"]

    async def test_listing_never_shows_passwords(
        self, two: TestServer, upstream: TestServer
    ) -> None:
        """GET lists which targets have credentials, and nothing secret."""
        async with browser_session() as browser:
            await store(browser, two, f"http://127.0.0.1:{upstream.port}")
            async with browser.get(
                f"http://127.0.0.1:{two.port}{PREFIX}/api/credentials"
            ) as response:
                text = await response.text()
        assert json.loads(text) == {
            "credentials": [{"target": f"http://127.0.0.1:{upstream.port}", "username": "alice"}]
        }
        assert SECRET not in text

    @pytest.mark.parametrize(
        "body",
        [
            {"target": "http://evil.example", "password": "x"},
            {"target": "http://user@127.0.0.1:1", "password": "x"},
            {"target": "http://127.0.0.1:{port}", "password": ""},
            {"target": "http://127.0.0.1:{port}", "username": "a:b", "password": "x"},
            {"target": "http://127.0.0.1:{port}"},
            {"password": "x"},
        ],
    )
    async def test_bad_bodies_refused(
        self, two: TestServer, upstream: TestServer, body: dict[str, str]
    ) -> None:
        """Malformed credentials or targets the policy refuses are 4xx JSON errors."""
        body = {k: v.replace("{port}", str(upstream.port)) for k, v in body.items()}
        async with (
            browser_session() as browser,
            browser.post(
                f"http://127.0.0.1:{two.port}{PREFIX}/api/credentials",
                json=body,
                headers={"Origin": f"http://127.0.0.1:{two.port}"},
            ) as response,
        ):
            assert 400 <= response.status < 500
            assert "error" in await response.json()


class TestInjection:
    async def test_only_the_right_target_in_the_right_session(
        self, two: TestServer, upstream: TestServer, other_upstream: TestServer
    ) -> None:
        """Authorization reaches the stored target from this session, never another target or session."""
        first = f"http://127.0.0.1:{upstream.port}"
        second = f"http://127.0.0.1:{other_upstream.port}"
        base = f"http://127.0.0.1:{two.port}{PREFIX}/api/proxy"
        expected = basic_authorization("alice", SECRET)
        async with browser_session() as alice, browser_session() as bob:
            await store(alice, two, first)
            async with alice.get(base + "/who", headers={"X-Target-Server": first}) as response:
                assert (await response.json())["headers"]["authorization"] == [expected]
            async with alice.get(base + "/who", headers={"X-Target-Server": second}) as response:
                assert "authorization" not in (await response.json())["headers"]
            async with bob.get(base + "/who", headers={"X-Target-Server": first}) as response:
                assert "authorization" not in (await response.json())["headers"]
            # The browser's own Authorization never passes, credentials or not.
            async with bob.get(
                base + "/who",
                headers={"X-Target-Server": first, "Authorization": "Basic Zm9vOmJhcg=="},
            ) as response:
                assert "authorization" not in (await response.json())["headers"]

    async def test_event_streams_and_websockets_carry_it(
        self, two: TestServer, upstream: TestServer, seen: Seen
    ) -> None:
        """Event streams and websocket upgrades from the session get the credentials too."""
        target = f"http://127.0.0.1:{upstream.port}"
        base = f"http://127.0.0.1:{two.port}{PREFIX}/api/proxy"
        expected = basic_authorization("alice", SECRET)
        async with browser_session() as browser:
            await store(browser, two, target)
            async with browser.get(base + f"/events?target={target}") as response:
                assert response.status == 200
            assert seen.headers[-1]["authorization"] == [expected]
            async with browser.ws_connect(
                base + f"/ws?target={target}", headers={"Origin": f"http://127.0.0.1:{two.port}"}
            ) as ws:
                await ws.send_str("headers")
                assert json.loads(await ws.receive_str(timeout=3))["authorization"] == [expected]

    async def test_forget(self, two: TestServer, upstream: TestServer) -> None:
        """DELETE forgets; later requests go without credentials."""
        target = f"http://127.0.0.1:{upstream.port}"
        origin = {"Origin": f"http://127.0.0.1:{two.port}"}
        async with browser_session() as browser:
            await store(browser, two, target)
            async with browser.delete(
                f"http://127.0.0.1:{two.port}{PREFIX}/api/credentials?target={target}",
                headers=origin,
            ) as response:
                assert response.status == 204
            async with browser.get(
                f"http://127.0.0.1:{two.port}{PREFIX}/api/proxy/x",
                headers={"X-Target-Server": target},
            ) as response:
                assert "authorization" not in (await response.json())["headers"]

    async def test_never_logged(self, two: TestServer, upstream: TestServer) -> None:
        """Neither the password nor the header built from it appears in any log line."""
        target = f"http://127.0.0.1:{upstream.port}"
        with capture_logs() as logs:
            async with browser_session() as browser:
                await store(browser, two, target)
                async with browser.get(
                    f"http://127.0.0.1:{two.port}{PREFIX}/api/proxy/x",
                    headers={"X-Target-Server": target},
                ) as response:
                    assert response.status == 200
        text = json.dumps(logs, default=str)
        assert any(entry["event"] == "proxy.request" for entry in logs)
        assert SECRET not in text
        assert basic_authorization("alice", SECRET).split()[1] not in text


class TestManagedServers:
    @pytest.mark.parametrize("fmt", ["json", "yaml"])
    async def test_servers_file(
        self,
        make_proxy: Callable[..., Awaitable[TestServer]],
        upstream: TestServer,
        tmp_path: Path,
        fmt: str,
    ) -> None:
        """Operator servers appear in /api/config without secrets; their credentials are injected for everyone."""
        (tmp_path / "pass").write_text("from-a-file\n")
        url = f"http://127.0.0.1:{upstream.port}"
        if fmt == "json":
            text = json.dumps(
                {"servers": [{"name": "Team", "url": url, "password_file": str(tmp_path / "pass")}]}
            )
        else:
            text = f"servers:\n  - name: Team\n    url: {url}\n    username: robot\n    password_env: OC_PASS\n"
        path = tmp_path / f"servers.{fmt}"
        path.write_text(text)
        proxy = await make_proxy(servers_file=path, environ={"OC_PASS": "from-the-env"})
        async with browser_session() as browser:
            async with browser.get(f"http://127.0.0.1:{proxy.port}{PREFIX}/api/config") as response:
                config_text = await response.text()
            async with browser.get(
                f"http://127.0.0.1:{proxy.port}{PREFIX}/api/proxy/x",
                headers={"X-Target-Server": url},
            ) as response:
                received = (await response.json())["headers"]
        server = json.loads(config_text)["servers"][0]
        assert server["name"] == "Team"
        assert server["managed"] is True
        assert server["credentials"] is True
        assert "from-a-file" not in config_text
        assert "from-the-env" not in config_text
        expected = (
            basic_authorization("opencode", "from-a-file")
            if fmt == "json"
            else basic_authorization("robot", "from-the-env")
        )
        assert received["authorization"] == [expected]

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ('{"servers": [{"url": "http://evil.example"}]}', "does not allow"),
            ('{"servers": [{"url": "http://127.0.0.1:1", "passwd": "x"}]}', "unknown keys"),
            ('{"servers": [{"url": "http://127.0.0.1:1", "password_env": "MISSING"}]}', "not set"),
            (
                '{"servers": [{"url": "http://127.0.0.1:1", "password_file": "/nonexistent"}]}',
                "cannot read",
            ),
            ("servers: [unclosed", "neither JSON nor YAML"),
            ('{"servers": {"url": "x"}}', "must hold a list"),
        ],
    )
    async def test_bad_servers_file(self, tmp_path: Path, content: str, message: str) -> None:
        """A broken servers file stops start-up with a message that says what is wrong."""
        from opencode_proxy.app import create_app
        from opencode_proxy.settings import Settings, SettingsError

        path = tmp_path / "servers.yaml"
        path.write_text(content)
        with pytest.raises(SettingsError, match=message):
            create_app(Settings(allow=("127.0.0.1:1",), servers_file=path), environ={})


class TestIdleExpiry:
    async def test_forgotten_after_idle_timeout(
        self, make_proxy: Callable[..., Awaitable[TestServer]], upstream: TestServer
    ) -> None:
        """Credentials unused for longer than the idle timeout are gone; use keeps them alive."""
        proxy = await make_proxy(credential_idle_timeout=100)
        vault = proxy_of(proxy.app).vault
        now = [1000.0]
        vault.clock = lambda: now[0]
        target = f"http://127.0.0.1:{upstream.port}"
        who = f"http://127.0.0.1:{proxy.port}{PREFIX}/api/proxy/who"

        async def authorized(browser: aiohttp.ClientSession) -> bool:
            async with browser.get(who, headers={"X-Target-Server": target}) as response:
                return "authorization" in (await response.json())["headers"]

        async with browser_session() as browser:
            await store(browser, proxy, target)
            now[0] = 1090
            assert await authorized(browser)
            now[0] = 1180
            assert await authorized(browser)
            now[0] = 1281
            assert not await authorized(browser)
            async with browser.get(
                f"http://127.0.0.1:{proxy.port}{PREFIX}/api/credentials"
            ) as response:
                assert (await response.json())["credentials"] == []
            assert await vault.purge() == 1


@pytest.mark.opencode
class TestRealProtectedServer:
    async def test_password_in_vault_opens_the_server(
        self, make_proxy: Callable[..., Awaitable[TestServer]], opencode_protected: OpenCodeServer
    ) -> None:
        """Against a real password-protected OpenCode: 401 without the prompt header, 200 once stored."""
        proxy = await make_proxy(allow=(f"127.0.0.1:{opencode_protected.port}",))
        health = f"http://127.0.0.1:{proxy.port}{PREFIX}/api/proxy/global/health"
        headers = {"X-Target-Server": opencode_protected.url}
        async with browser_session() as browser:
            async with browser.get(health, headers=headers) as response:
                assert response.status == 401
                assert "WWW-Authenticate" not in response.headers
                assert "X-Proxy-Error" not in response.headers
            async with browser.post(
                f"http://127.0.0.1:{proxy.port}{PREFIX}/api/credentials",
                json={
                    "target": opencode_protected.url,
                    "username": "opencode",
                    "password": PASSWORD,
                },
                headers={"Origin": f"http://127.0.0.1:{proxy.port}"},
            ) as response:
                assert response.status == 200
            async with browser.get(health, headers=headers) as response:
                assert response.status == 200
                assert (await response.json())["healthy"] is True


@pytest.mark.opencode
class TestVerify:
    async def test_verify_before_storing(
        self, make_proxy: Callable[..., Awaitable[TestServer]], opencode_protected: OpenCodeServer
    ) -> None:
        """With verify, a wrong password is refused (401 wrong_credentials) and nothing is kept."""
        proxy = await make_proxy(allow=(f"127.0.0.1:{opencode_protected.port}", "127.0.0.1:9"))
        url = f"http://127.0.0.1:{proxy.port}{PREFIX}/api/credentials"
        origin = {"Origin": f"http://127.0.0.1:{proxy.port}"}
        async with browser_session() as browser:
            body = {"target": opencode_protected.url, "password": "wrong", "verify": True}
            async with browser.post(url, json=body, headers=origin) as response:
                assert response.status == 401
                assert response.headers["X-Proxy-Error"] == "wrong_credentials"
                assert "WWW-Authenticate" not in response.headers
            async with browser.get(url) as response:
                assert (await response.json())["credentials"] == []
            body = {"target": "http://127.0.0.1:9", "password": "x", "verify": True}
            async with browser.post(url, json=body, headers=origin) as response:
                assert response.status == 502
            body = {"target": opencode_protected.url, "password": PASSWORD, "verify": True}
            async with browser.post(url, json=body, headers=origin) as response:
                assert response.status == 200
            async with browser.get(url) as response:
                assert len((await response.json())["credentials"]) == 1


class TestVerifyIsJudged:
    async def test_verify_checks_an_ip_literals_address(
        self,
        make_proxy: Callable[..., Awaitable[TestServer]],
        raw: Callable[..., Awaitable[RawUpstream]],
    ) -> None:
        """verify judges an IP-literal target's address like a proxied request: loopback on a
        port no pattern names exactly is refused, and nothing is connected to."""
        upstream = await raw(keep_alive)
        # "127.0.0.1" with any port: allowed by name, but loopback is not an allowed network.
        proxy = await make_proxy(allow=("127.0.0.1",))
        async with browser_session() as browser:
            response = await store(browser, proxy, upstream.url, verify=True)
            body = await response.json()
            assert response.status == 403
            assert body["error"] == "target_address_not_allowed"
            async with browser.get(
                f"http://127.0.0.1:{proxy.port}{PREFIX}/api/proxy/x",
                headers={"X-Target-Server": upstream.url},
            ) as proxied:
                assert proxied.status == 403  # the same verdict as a proxied request
        assert upstream.connections == 0
