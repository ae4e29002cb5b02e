"""Passwords for OpenCode servers, kept in the proxy's memory and never sent to the browser.

The browser holds only an opaque session id (a random 256-bit value in an HttpOnly,
SameSite=Strict cookie scoped to the prefix). For each proxied request the proxy adds
``Authorization: Basic ...`` for exactly the target the credentials were stored for:
preconfigured (managed) servers' credentials for everyone, a user's own for that
browser session only.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aiohttp import web
from multidict import CIMultiDict

from .errors import BadRequest, TargetNotAllowed, UpstreamError, WrongCredentials
from .failures import UPSTREAM_ERRORS, connect_failure
from .keys import ALLOWLIST, CREDENTIALS, SETTINGS, UPSTREAM
from .targets import Target, parse_target

COOKIE = "opencode_proxy_session"
HEALTH_PATH = "/global/health"
DEFAULT_USERNAME = "opencode"
MAX_BODY = 16 * 1024
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")


def basic_authorization(username: str, password: str) -> str:
    """The value of an ``Authorization: Basic`` header."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return "Basic " + token


@dataclass(frozen=True)
class Credential:
    """One username and password, with its header value computed once."""

    username: str
    authorization: str = field(repr=False)


@dataclass
class _Session:
    credentials: dict[str, Credential] = field(default_factory=dict)
    last_used: float = 0.0


class CredentialVault:
    """Credentials by browser session, forgotten after ``idle_timeout`` seconds unused."""

    def __init__(
        self,
        idle_timeout: float,
        managed: Iterable[tuple[Target, str, str]] = (),
        clock: Callable[[], float] = time.monotonic,
    ):
        self.idle_timeout = idle_timeout
        self.clock = clock
        self.managed = {
            target.url: Credential(username, basic_authorization(username, password))
            for target, username, password in managed
        }
        self._sessions: dict[str, _Session] = {}

    def __bool__(self) -> bool:
        return bool(self.managed or self._sessions)

    def new_session(self) -> str:
        """A fresh, unguessable session id."""
        session_id = secrets.token_urlsafe(32)
        self._sessions[session_id] = _Session(last_used=self.clock())
        return session_id

    def _session(self, session_id: str | None) -> _Session | None:
        if session_id is None:
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        now = self.clock()
        if now - session.last_used > self.idle_timeout:
            del self._sessions[session_id]
            return None
        session.last_used = now
        return session

    def has_session(self, session_id: str | None) -> bool:
        """Whether the id names a live session."""
        return self._session(session_id) is not None

    def store(self, session_id: str, target: Target, username: str, password: str) -> None:
        """Remember credentials for a target in this session."""
        session = self._session(session_id)
        if session is None:
            session = self._sessions[session_id] = _Session(last_used=self.clock())
        session.credentials[target.url] = Credential(
            username, basic_authorization(username, password)
        )

    def forget(self, session_id: str | None, target: Target | None = None) -> None:
        """Forget one target's credentials, or all of the session's when target is None."""
        session = self._session(session_id)
        if session is None:
            return
        if target is None:
            session.credentials.clear()
        else:
            session.credentials.pop(target.url, None)

    def listing(self, session_id: str | None) -> list[dict[str, str]]:
        """Which targets have credentials in this session (never the passwords)."""
        session = self._session(session_id)
        if session is None:
            return []
        return [{"target": t, "username": c.username} for t, c in session.credentials.items()]

    def authorization(self, session_id: str | None, target: Target) -> str | None:
        """The Authorization header for this target in this session, if any."""
        managed = self.managed.get(target.url)
        if managed is not None:
            return managed.authorization
        session = self._session(session_id)
        if session is None:
            return None
        credential = session.credentials.get(target.url)
        return credential.authorization if credential is not None else None

    def purge(self) -> int:
        """Drop every session idle for too long; return how many were dropped."""
        now = self.clock()
        stale = [k for k, s in self._sessions.items() if now - s.last_used > self.idle_timeout]
        for key in stale:
            del self._sessions[key]
        return len(stale)


def session_of(request: web.Request) -> str | None:
    """The request's session id, if its cookie holds a well-formed one."""
    value = request.cookies.get(COOKIE)
    if value is None or not _SESSION_ID.match(value):
        return None
    return value


def authorization_for(request: web.Request, target: Target) -> str | None:
    """The Authorization header the proxy adds for this request's target, if any."""
    vault = request.app[CREDENTIALS]
    if not vault:
        return None
    return vault.authorization(session_of(request), target)


def _target_from(request: web.Request, raw: object) -> Target:
    if not isinstance(raw, str) or not raw:
        raise BadRequest(
            "Name the server in 'target', e.g. http://sandbox.ns.svc.cluster.local:4096."
        )
    target = parse_target(raw)
    reason = request.app[ALLOWLIST].refusal(target)
    if reason is not None:
        raise TargetNotAllowed(reason)
    return target


async def store_handler(request: web.Request) -> web.StreamResponse:
    """``POST api/credentials``: keep a username and password for a target."""
    if (request.content_length or 0) > MAX_BODY:
        raise BadRequest("The credentials body is too large.")
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        raise BadRequest('Send JSON: {"target": ..., "username": ..., "password": ...}.') from None
    if not isinstance(body, dict):
        raise BadRequest("Send a JSON object with target, username and password.")
    target = _target_from(request, body.get("target"))
    username = body.get("username") or DEFAULT_USERNAME
    password = body.get("password")
    if not isinstance(username, str) or ":" in username or len(username) > 256:
        raise BadRequest("The username must be text without ':' and at most 256 characters.")
    if not isinstance(password, str) or not password or len(password) > 4096:
        raise BadRequest("The password must be non-empty text of at most 4096 characters.")
    if body.get("verify") is True:
        await _verify(request, target, basic_authorization(username, password))
    vault = request.app[CREDENTIALS]
    session_id = session_of(request)
    fresh = not vault.has_session(session_id)
    if session_id is None or fresh:
        session_id = vault.new_session()
    vault.store(session_id, target, username, password)
    response = web.json_response({"target": target.url, "username": username})
    if fresh:
        _set_cookie(request, response, session_id)
    return response


async def _verify(request: web.Request, target: Target, authorization: str) -> None:
    """Check credentials against the server's health endpoint before keeping them."""
    headers = CIMultiDict({"Host": target.netloc, "Authorization": authorization})
    try:
        response = await request.app[UPSTREAM].request(
            target, "GET", target.base_path + HEALTH_PATH, headers
        )
    except UPSTREAM_ERRORS as exc:
        raise connect_failure(exc, target) from None
    try:
        await response.read()
    finally:
        response.release()
    if response.status in (401, 403):
        raise WrongCredentials(f"The server {target.host_port} refused this username and password.")
    if response.status >= 400:
        raise UpstreamError(
            f"The server {target.host_port} answered its health check with {response.status}."
        )


async def list_handler(request: web.Request) -> web.StreamResponse:
    """``GET api/credentials``: which targets have credentials in this browser session."""
    listing = request.app[CREDENTIALS].listing(session_of(request))
    return web.json_response({"credentials": listing}, headers={"Cache-Control": "no-store"})


async def forget_handler(request: web.Request) -> web.StreamResponse:
    """``DELETE api/credentials[?target=]``: forget one target's credentials, or all."""
    raw = request.query.get("target")
    target = parse_target(raw) if raw is not None else None
    request.app[CREDENTIALS].forget(session_of(request), target)
    return web.Response(status=204)


def _set_cookie(request: web.Request, response: web.StreamResponse, session_id: str) -> None:
    secure = request.secure or request.headers.get("X-Forwarded-Proto") == "https"
    response.set_cookie(
        COOKIE,
        session_id,
        path=request.app[SETTINGS].prefix + "/",
        httponly=True,
        samesite="Strict",
        secure=secure,
    )
