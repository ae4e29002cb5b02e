"""Passwords for OpenCode servers, kept in the proxy's memory and never sent to the browser.

The browser holds only an opaque session id (a random 256-bit value in an HttpOnly,
SameSite=Strict cookie scoped to the prefix). For each proxied request the proxy adds
``Authorization: Basic ...`` for exactly the target the credentials were stored for:
preconfigured (managed) servers' credentials for everyone, a user's own for that
browser session only.
"""

from __future__ import annotations

import base64
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aiohttp import web

from .parse import Target

COOKIE = "opencode_proxy_session"
DEFAULT_USERNAME = "opencode"
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

    def authorization_for(self, request: web.Request, target: Target) -> str | None:
        """The Authorization header the proxy adds for this request's target, if any."""
        if not self:
            return None
        return self.authorization(session_of(request), target)

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


def set_session_cookie(
    response: web.StreamResponse, session_id: str, path: str, secure: bool
) -> None:
    """Give the browser its session id: HttpOnly, SameSite=Strict, scoped to ``path``."""
    response.set_cookie(
        COOKIE, session_id, path=path, httponly=True, samesite="Strict", secure=secure
    )
