"""``api/state``: each user's servers, default server and per-server preferences.

The user is the one the trusted ingress names (``--client-id-header``), else the one
local user; nobody sees or changes another user's state. Every answer is the user's
whole state, the one ``GET api/state`` gives, so the UI never needs to ask again after
a change. Server URLs are judged and made canonical by the same code as proxied
requests and ``api/check``, with the same error codes. State-changing requests must come
from the UI's own origin, like ``api/credentials``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..policy.identity import user_of
from ..state.user_state import (
    MAX_TEXT,
    PREFERENCE_KEYS,
    ServerRecord,
    UserState,
    import_servers,
    read_state,
    remove_server,
    replace_server,
    set_default,
    update_preferences,
    upsert_server,
)
from ..target.parse import MAX_TARGET_LENGTH, parse_target
from .bodies import read_json_object
from .errors import BadRequest, MissingTarget, ProxyError, UnknownPreference, ValueTooLong

if TYPE_CHECKING:
    from ..proxy import Proxy

MAX_STATE_BODY = 64 * 1024
# An imported entry refused for its URL alone is skipped, not fatal (see import_list).
_SKIPPED_CODES = frozenset({"bad_target", "target_not_allowed", "target_address_not_allowed"})
_NO_STORE = {"Cache-Control": "no-store"}


def _text(body: dict[str, Any], key: str) -> str | None:
    """An optional short text field: absent, null or blank is None."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest(f"'{key}' must be text.")
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ValueTooLong(f"'{key}' is longer than {MAX_TEXT} characters.")
    return value or None


def _url(body: dict[str, Any], key: str = "url") -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise MissingTarget(
            f"Name the server in '{key}', e.g. http://sandbox.ns.svc.cluster.local:4096."
        )
    return value


class StateApi:
    """The handlers, bound to the database, the policy and the operator's catalog."""

    def __init__(self, proxy: Proxy):
        self.database = proxy.database
        self.targets = proxy.targets
        self.origins = proxy.origins
        self.catalog = proxy.catalog
        self.user_header = proxy.settings.client_id_header

    def _operator_urls(self) -> frozenset[str]:
        return frozenset(server.url for server in self.catalog.servers)

    def _record(self, body: object) -> ServerRecord:
        """A server record from the browser: its URL judged, its fields checked."""
        if not isinstance(body, dict):
            raise BadRequest('Each server must be an object: {"url": ..., "name": ...}.')
        target = self.targets.judge_raw(_url(body))
        username = _text(body, "username")
        if username is not None and ":" in username:
            raise BadRequest("The username must not contain ':'.")
        return ServerRecord(target.url, _text(body, "name"), username)

    async def _run(
        self, request: web.Request, operation: Callable[..., UserState], *args: Any
    ) -> dict[str, object]:
        """Run a query for the request's user; the user's whole state as the API shows it."""
        user = user_of(request, self.user_header)
        state = await self.database.run(operation, user, *args)
        return state.as_json(user, self.database.persistent)

    async def _body(self, request: web.Request, example: str) -> dict[str, Any]:
        self.origins.check(request)
        return await read_json_object(request, MAX_STATE_BODY, example)

    async def get(self, request: web.Request) -> web.StreamResponse:
        """``GET api/state``: the user's servers, default server, preferences and revision."""
        return _json(await self._run(request, read_state))

    async def add_server(self, request: web.Request) -> web.StreamResponse:
        """``POST api/state/servers``: add a server at the end, or update the one there;
        with ``replaces``, the new address takes that server's place, default and choices."""
        body = await self._body(
            request, '{"url": ..., "name": ..., "username": ..., "replaces": ...}'
        )
        record = self._record(body)
        if body.get("replaces") is None:
            return _json(await self._run(request, upsert_server, record))
        # Parsed, not judged: the old address may be one the policy no longer allows.
        old_url = parse_target(_url(body, "replaces")).url
        operator_urls = self._operator_urls()
        return _json(await self._run(request, replace_server, old_url, record, operator_urls))

    async def remove_server(self, request: web.Request) -> web.StreamResponse:
        """``DELETE api/state/servers?url=``: remove a server, its preferences and default."""
        self.origins.check(request)
        raw = request.query.get("url")
        if not raw:
            raise MissingTarget("Name the server to remove in the url parameter.")
        # Parsed, not judged: a server the policy no longer allows can still be removed.
        url = parse_target(raw).url
        return _json(await self._run(request, remove_server, url, self._operator_urls()))

    async def set_default(self, request: web.Request) -> web.StreamResponse:
        """``PUT api/state/default``: the user's default server, or null for the operator's."""
        body = await self._body(request, '{"url": ... or null}')
        if "url" not in body:
            raise BadRequest('Send {"url": ...} with a server URL, or null.')
        url = None if body["url"] is None else parse_target(_url(body)).url
        return _json(await self._run(request, set_default, url, self._operator_urls()))

    async def update_preferences(self, request: web.Request) -> web.StreamResponse:
        """``PATCH api/state/preferences``: set or (null) remove one server's preferences."""
        body = await self._body(request, '{"url": ..., "set": {"model": ..., "agent": null}}')
        url = parse_target(_url(body)).url
        changes = body.get("set")
        if not isinstance(changes, dict) or not changes:
            raise BadRequest('Send the preferences to change in "set", e.g. {"model": "p/m"}.')
        checked: dict[str, str | None] = {}
        for key, value in changes.items():
            if key not in PREFERENCE_KEYS:
                raise UnknownPreference(
                    f"'{str(key)[:40]}' is not a preference kept here; these are: "
                    + ", ".join(PREFERENCE_KEYS)
                    + "."
                )
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise BadRequest(f"The preference '{key}' must be non-empty text, or null.")
            if value is not None and len(value) > MAX_TEXT:
                raise ValueTooLong(f"The preference '{key}' is longer than {MAX_TEXT} characters.")
            checked[key] = value.strip() if value is not None else None
        operator_urls = self._operator_urls()
        return _json(await self._run(request, update_preferences, url, checked, operator_urls))

    async def import_list(self, request: web.Request) -> web.StreamResponse:
        """``POST api/state/import``: the one-time move of a browser's own list.

        Servers already there win; the default is set only when the user has none.
        Entries whose URL is refused (malformed, or no longer allowed by the policy) are
        left out and listed in ``skipped`` with their error code, so one stale entry
        does not block the move; any other malformed entry refuses the whole import.
        """
        body = await self._body(request, '{"servers": [...], "default_url": ... or null}')
        servers = body.get("servers", [])
        if not isinstance(servers, list):
            raise BadRequest('"servers" must be a list of {"url": ..., "name": ...}.')
        records: list[ServerRecord] = []
        skipped: list[dict[str, str]] = []
        for entry in servers:
            try:
                records.append(self._record(entry))
            except ProxyError as exc:
                if exc.code not in _SKIPPED_CODES:
                    raise
                url = str(entry.get("url"))[:MAX_TARGET_LENGTH]
                skipped.append({"url": url, "error": exc.code})
        raw_default = body.get("default_url")
        if raw_default is not None and not isinstance(raw_default, str):
            raise BadRequest('"default_url" must be a server URL or null.')
        default_url = None
        if raw_default:
            try:
                default_url = parse_target(raw_default).url
            except ProxyError:
                default_url = None  # as for servers: a stale default is left out
        operator_urls = self._operator_urls()
        state = await self._run(request, import_servers, records, default_url, operator_urls)
        if skipped:
            state["skipped"] = skipped
        return _json(state)


def _json(body: dict[str, object]) -> web.StreamResponse:
    return web.json_response(body, headers=_NO_STORE)
