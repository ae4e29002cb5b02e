"""Routes under the prefix: the UI's files, health, configuration, and what lies outside."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from opencode_proxy import __version__
from opencode_proxy.edge.static import IMMUTABLE


@pytest.fixture
def ui_dir(tmp_path: Path) -> Path:
    """A small built UI: an index page and a fingerprinted asset."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>UI</title>")
    (tmp_path / "assets" / "app-1a2b3c.js").write_text("console.log('ui')")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("outside the UI")
    return tmp_path


@pytest.fixture
async def app_url(make_proxy: Callable[..., Awaitable[TestServer]], ui_dir: Path) -> str:
    proxy = await make_proxy(
        ui_dir=ui_dir,
        servers=("Team sandbox=http://oc.team.svc.cluster.local:4096",),
        allow=("*.svc.cluster.local",),
    )
    return f"http://127.0.0.1:{proxy.port}"


class TestPrefix:
    async def test_prefix_without_slash_redirects(
        self, app_url: str, session: aiohttp.ClientSession
    ) -> None:
        """<prefix> redirects to <prefix>/, keeping the query."""
        async with session.get(app_url + "/notebook/ns/nb?x=1", allow_redirects=False) as response:
            assert response.status == 302
            assert response.headers["Location"] == "/notebook/ns/nb/?x=1"

    @pytest.mark.parametrize(
        "path",
        ["/", "/healthz", "/api/config", "/notebook/ns/other/", "/notebook/ns/nbx/", "/index.html"],
    )
    async def test_outside_prefix_is_404(
        self, app_url: str, session: aiohttp.ClientSession, path: str
    ) -> None:
        """Nothing is served outside the prefix, and the answer is JSON."""
        async with session.get(app_url + path) as response:
            assert response.status == 404
            assert (await response.json())["error"] == "not_found"

    async def test_root_prefix(
        self,
        make_proxy: Callable[..., Awaitable[TestServer]],
        session: aiohttp.ClientSession,
        ui_dir: Path,
    ) -> None:
        """With the prefix '/', everything lives at the root."""
        proxy = await make_proxy(prefix="/", ui_dir=ui_dir)
        async with session.get(f"http://127.0.0.1:{proxy.port}/healthz") as response:
            assert response.status == 200
        async with session.get(f"http://127.0.0.1:{proxy.port}/") as response:
            assert "<title>UI</title>" in await response.text()


class TestEndpoints:
    async def test_healthz(self, app_url: str, session: aiohttp.ClientSession) -> None:
        """Liveness answers without touching any upstream."""
        async with session.get(app_url + "/notebook/ns/nb/healthz") as response:
            assert response.status == 200
            assert await response.json() == {"status": "ok"}

    async def test_config(self, app_url: str, session: aiohttp.ClientSession) -> None:
        """The UI learns its prefix, the allow patterns, the version and preset servers."""
        async with session.get(app_url + "/notebook/ns/nb/api/config") as response:
            config = await response.json()
        assert config["prefix"] == "/notebook/ns/nb/"
        assert config["version"] == __version__
        assert config["allow"] == ["*.svc.cluster.local"]
        assert config["servers"] == [
            {
                "name": "Team sandbox",
                "url": "http://oc.team.svc.cluster.local:4096",
                "username": None,
                "managed": True,
                "default": True,
                "credentials": False,
            }
        ]

    async def test_method_not_allowed_is_json(
        self, app_url: str, session: aiohttp.ClientSession
    ) -> None:
        """A wrong method on a UI route is a JSON 405."""
        async with session.post(app_url + "/notebook/ns/nb/api/config") as response:
            assert response.status == 405
            assert (await response.json())["error"] == "method_not_allowed"


class TestStatic:
    async def test_index_not_cached(self, app_url: str, session: aiohttp.ClientSession) -> None:
        """The index is revalidated every time and carries the UI's strict CSP."""
        async with session.get(app_url + "/notebook/ns/nb/") as response:
            assert response.status == 200
            assert response.headers["Cache-Control"] == "no-cache"
            csp = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp
            assert "frame-ancestors 'self'" in csp
            assert "<title>UI</title>" in await response.text()

    async def test_fingerprinted_assets_immutable(
        self, app_url: str, session: aiohttp.ClientSession
    ) -> None:
        """Content-hashed assets are cached for good; other files briefly."""
        async with session.get(app_url + "/notebook/ns/nb/assets/app-1a2b3c.js") as response:
            assert response.status == 200
            assert response.headers["Cache-Control"] == IMMUTABLE
            assert "javascript" in response.headers["Content-Type"]
        async with session.get(app_url + "/notebook/ns/nb/favicon.svg") as response:
            assert response.headers["Cache-Control"] == "public, max-age=300"

    @pytest.mark.parametrize(
        "path",
        [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/assets/../../secret.txt",
            "/missing.js",
            "/assets/",
        ],
    )
    async def test_nothing_outside_the_ui(
        self, app_url: str, session: aiohttp.ClientSession, path: str
    ) -> None:
        """Files outside the UI directory, or missing, are never served."""
        from yarl import URL

        async with session.get(URL(app_url + "/notebook/ns/nb" + path, encoded=True)) as response:
            assert response.status == 404
            assert "outside the UI" not in await response.text()

    async def test_unbuilt_ui_explains(
        self,
        make_proxy: Callable[..., Awaitable[TestServer]],
        session: aiohttp.ClientSession,
        tmp_path: Path,
    ) -> None:
        """Without a built UI, the index says how to build one instead of failing."""
        proxy = await make_proxy(ui_dir=tmp_path / "nothing")
        async with session.get(f"http://127.0.0.1:{proxy.port}/notebook/ns/nb/") as response:
            assert response.status == 200
            assert "make ui" in await response.text()
