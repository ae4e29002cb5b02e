"""What the UI asks the service itself: its configuration, a target's verdict, the vault.

- ``GET api/config``: the prefix, the patterns, the operator's servers (no secrets);
- ``GET api/check?target=``: whether the policy lets a target be reached, judged by the
  very code that judges proxied requests (the UI keeps no copy of the rules);
- ``api/credentials``: store (optionally verified), list and forget passwords (sealed in
  the state database, their key in the browser's cookie: see :mod:`..target.vault`).

State-changing requests (``POST``, ``DELETE``) must come from the UI's own origin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from multidict import CIMultiDict

from .. import __version__
from ..relay.failures import UPSTREAM_ERRORS, upstream_failure
from ..settings import PROXY_PATH
from ..target.parse import Target, parse_target, upstream_url
from ..target.vault import DEFAULT_USERNAME, basic_authorization
from .bodies import read_json_object
from .errors import BadRequest, MissingTarget, UpstreamError, WrongCredentials

if TYPE_CHECKING:
    from ..proxy import Proxy

HEALTH_PATH = "global/health"
MAX_CREDENTIALS_BODY = 16 * 1024
_NO_STORE = {"Cache-Control": "no-store"}


class ServiceApi:
    """The handlers, bound to the proxy's policy, catalog, vault and upstream client."""

    def __init__(self, proxy: Proxy):
        self.settings = proxy.settings
        self.targets = proxy.targets
        self.origins = proxy.origins
        self.catalog = proxy.catalog
        self.vault = proxy.vault
        self.upstream = proxy.upstream

    async def config(self, request: web.Request) -> web.StreamResponse:
        """``GET api/config``: where the UI lives, what it may reach, preset servers."""
        allowlist = self.targets.allowlist
        body = {
            "version": __version__,
            "prefix": self.settings.prefix + "/",
            "proxy_path": PROXY_PATH,
            "allow": allowlist.texts,
            "deny": allowlist.deny_texts,
            "servers": self.catalog.public(),
        }
        return web.json_response(body, headers=_NO_STORE)

    async def check(self, request: web.Request) -> web.StreamResponse:
        """``GET api/check?target=``: the policy's verdict on a target, before any request.

        Allowed: ``{"allowed": true, "target": <canonical URL>}``. Refused: the usual JSON
        error (``bad_target``, ``target_not_allowed``, ``target_address_not_allowed``).
        Names are judged by their address only when connected to.
        """
        raw = request.query.get("target")
        if not raw:
            raise MissingTarget("Name the server to check in the target parameter.")
        target = self.targets.judge_raw(raw)
        return web.json_response({"allowed": True, "target": target.url}, headers=_NO_STORE)

    def _judged(self, raw: object) -> Target:
        if not isinstance(raw, str) or not raw:
            raise BadRequest(
                "Name the server in 'target', e.g. http://sandbox.ns.svc.cluster.local:4096."
            )
        return self.targets.judge_raw(raw)

    async def store_credentials(self, request: web.Request) -> web.StreamResponse:
        """``POST api/credentials``: keep a username and password for a target."""
        self.origins.check(request)
        body = await read_json_object(
            request, MAX_CREDENTIALS_BODY, '{"target": ..., "username": ..., "password": ...}'
        )
        target = self._judged(body.get("target"))
        username = body.get("username") or DEFAULT_USERNAME
        password = body.get("password")
        if not isinstance(username, str) or ":" in username or len(username) > 256:
            raise BadRequest("The username must be text without ':' and at most 256 characters.")
        if not isinstance(password, str) or not password or len(password) > 4096:
            raise BadRequest("The password must be non-empty text of at most 4096 characters.")
        if body.get("verify") is True:
            await self._verify(target, basic_authorization(username, password))
        secret = await self.vault.store(request, target, username, password)
        response = web.json_response(
            {"target": target.url, "username": username}, headers=_NO_STORE
        )
        self.vault.give_cookie(request, secret)
        return response

    async def _verify(self, target: Target, authorization: str) -> None:
        """Check credentials against the server's health endpoint before keeping them."""
        url = upstream_url(target, HEALTH_PATH, "")
        headers = CIMultiDict({"Authorization": authorization})
        try:
            response = await self.upstream.request(target, "GET", url, headers)
            try:
                await response.read()
            finally:
                response.release()
        except UPSTREAM_ERRORS as exc:
            raise upstream_failure(exc, target) from None
        if response.status in (401, 403):
            raise WrongCredentials(
                f"The server {target.host_port} refused this username and password."
            )
        if response.status >= 300:
            raise UpstreamError(
                f"The server {target.host_port} answered its health check with {response.status}."
            )

    async def list_credentials(self, request: web.Request) -> web.StreamResponse:
        """``GET api/credentials``: which targets have credentials in this browser session."""
        listing = await self.vault.listing(request)
        return web.json_response({"credentials": listing}, headers=_NO_STORE)

    async def forget_credentials(self, request: web.Request) -> web.StreamResponse:
        """``DELETE api/credentials[?target=]``: forget one target's credentials, or all of
        this browser's together with its cookie."""
        self.origins.check(request)
        raw = request.query.get("target")
        target = parse_target(raw) if raw is not None else None
        response = web.Response(status=204, headers=_NO_STORE)
        if await self.vault.forget(request, target):
            self.vault.delete_cookie(request)
        return response
