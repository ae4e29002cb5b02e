"""A client of the proxy's ``api/state`` as the UI uses it, optionally as a named user."""

from __future__ import annotations

from typing import Any

import aiohttp

from tests.support.proxy_client import PREFIX

USER_HEADER = "kubeflow-userid"


class StateClient:
    """Calls ``api/state*`` on one proxy from the UI's origin, as one user (None: local)."""

    def __init__(self, session: aiohttp.ClientSession, port: int, user: str | None = None):
        self.session = session
        self.base = f"http://127.0.0.1:{port}{PREFIX}/api/state"
        self.headers = {"Origin": f"http://127.0.0.1:{port}"}
        if user is not None:
            self.headers[USER_HEADER] = user

    async def call(
        self, method: str, path: str = "", *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> tuple[int, dict[str, Any]]:
        """One request; its status and JSON body."""
        async with self.session.request(
            method, self.base + path, headers={**self.headers, **(headers or {})}, **kwargs
        ) as response:
            assert response.headers["Cache-Control"] == "no-store"
            return response.status, await response.json()

    async def state(self) -> dict[str, Any]:
        """``GET api/state``, which must succeed."""
        status, body = await self.call("GET")
        assert status == 200, body
        return body

    async def add(self, url: str, **fields: Any) -> tuple[int, dict[str, Any]]:
        return await self.call("POST", "/servers", json={"url": url, **fields})

    async def remove(self, url: str) -> tuple[int, dict[str, Any]]:
        return await self.call("DELETE", "/servers", params={"url": url})

    async def set_default(self, url: str | None) -> tuple[int, dict[str, Any]]:
        return await self.call("PUT", "/default", json={"url": url})

    async def prefer(self, url: str, **changes: Any) -> tuple[int, dict[str, Any]]:
        return await self.call("PATCH", "/preferences", json={"url": url, "set": changes})

    async def import_list(
        self, servers: list[dict[str, Any]], default_url: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        return await self.call(
            "POST", "/import", json={"servers": servers, "default_url": default_url}
        )
