"""Passwords for OpenCode servers: sealed in the state database, their key in the browser.

The browser holds a random 256-bit secret in an HttpOnly, SameSite=Strict cookie scoped
to the prefix (Secure behind HTTPS), which lives ``--credential-idle-timeout`` seconds
(30 days by default) and is renewed as it is used. From it the proxy derives the
session's id and the key that seals its passwords (see :mod:`..state.sealed`): the
database holds only the id and ciphertexts, so neither the disk nor the browser alone
gives a password back. The session belongs to the user who stored it (the ingress's
user header), and a request from another user finds nothing in it. For each proxied
request the proxy adds ``Authorization: Basic ...`` for exactly the target the password
was stored for: the operator's (managed) servers' passwords for everyone, a session's
own for that browser only.

A request without the cookie never touches the database. With it, each process keeps
what it opened in a small cache, so most requests do not touch the database either;
every process polls the database's change count a few times a second while it caches
anything, and drops its cache when another process changed credentials, so a Forget in
one worker stops every worker adding the password well within a second.
"""

from __future__ import annotations

import base64
import collections
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import structlog
from aiohttp import hdrs, web

from ..edge.errors import StateUnavailable
from ..policy.identity import user_of
from ..state.database import Database
from ..state.sealed import SessionKeys, Unreadable, binding, new_secret
from ..state.sessions import (
    change_count,
    forget_credentials,
    load_session,
    purge_sessions,
    store_credential,
    touch_session,
)
from .parse import Target

log = structlog.get_logger("opencode_proxy.vault")

COOKIE = "opencode_proxy_session"
DEFAULT_USERNAME = "opencode"
# How often each process looks for other processes' changes while it caches sessions.
POLL_INTERVAL = 0.25
# Sessions (with their opened passwords) one process keeps in memory.
CACHE_SIZE = 1024
# A session's use is written down (and its cookie renewed) at most this often.
RENEW_INTERVAL = 3600.0
_SECRET = re.compile(r"^[A-Za-z0-9_-]{43}$")
# The cookie a request's response sets (see add_cookie): a secret, or "" to delete.
# None until something is decided: the request guard sets that first (a lookup of a key a
# request lacks costs an exception, on every request).
SET_COOKIE: web.RequestKey[str | None] = web.RequestKey("set_session_cookie")


def basic_authorization(username: str, password: str) -> str:
    """The value of an ``Authorization: Basic`` header."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return "Basic " + token


@dataclass(frozen=True)
class Credential:
    """One username and password, with its header value computed once."""

    username: str
    authorization: str = field(repr=False)


@dataclass(slots=True)
class _Session:
    """A session as this process opened it."""

    keys: SessionKeys
    #: None: no such session in the database.
    user: str | None = None
    last_used: float = 0.0
    credentials: dict[str, Credential] = field(default_factory=dict)


def secret_of(request: web.Request) -> str | None:
    """The request's session secret, if its cookie holds a well-formed one."""
    header = request.headers.get(hdrs.COOKIE)
    if header is None or COOKIE not in header:
        return None  # cheaper than parsing every request's cookies
    value = request.cookies.get(COOKIE)
    if value is None or not _SECRET.match(value):
        return None
    return value


class CredentialVault:
    """The managed servers' credentials, and the browsers' sealed in the database."""

    def __init__(
        self,
        database: Database,
        idle_timeout: float,
        *,
        user_header: str = "",
        cookie_path: str = "/",
        managed: Iterable[tuple[Target, str, str]] = (),
        clock: Callable[[], float] = time.time,
    ):
        self.database = database
        self.idle_timeout = idle_timeout
        self.renew_interval = min(RENEW_INTERVAL, idle_timeout / 10)
        self.user_header = user_header
        self.cookie_path = cookie_path
        self.clock = clock
        self.managed = {
            target.url: Credential(username, basic_authorization(username, password))
            for target, username, password in managed
        }
        self._cache: collections.OrderedDict[str, _Session] = collections.OrderedDict()
        # Bumped whenever the cache is dropped: a load that began before is not cached.
        self._generation = 0
        # The database's change count when the oldest session cached was read (None: the
        # cache is empty). Any other count means the cache may be stale.
        self._change_count: int | None = None

    # Reading

    async def _session(self, request: web.Request, secret: str, user: str) -> _Session | None:
        """The live session of this secret and user, from the cache or the database.

        A use not written down for a while is, and the response then renews the cookie.
        """
        session = self._cache.get(secret)
        now = self.clock()
        if session is None or now - session.last_used > self.renew_interval:
            # Unknown here, or possibly renewed by another process: ask the database.
            session = await self._load(secret, session)
        else:
            self._cache.move_to_end(secret)
        if session.user is None or session.user != user:
            return None
        if now - session.last_used > self.idle_timeout:
            return None
        if now - session.last_used > self.renew_interval:
            await self.database.run(touch_session, session.keys.id, now)
            session.last_used = now
            request[SET_COOKIE] = secret
        return session

    async def _load(self, secret: str, known: _Session | None) -> _Session:
        keys = known.keys if known is not None else SessionKeys.of(secret)
        generation = self._generation
        loaded = await self.database.run(load_session, keys.id)
        rows = loaded.session
        # No such session: remembered as such (a secret the database does not know never
        # becomes known, since storing then makes a new one), so a stale cookie costs one
        # query per renewal interval, not one per request.
        session = _Session(keys, last_used=self.clock())
        if rows is not None:
            session.user, session.last_used = rows.user, rows.last_used
            for target, username, sealed in rows.credentials:
                try:
                    password = keys.unseal(sealed, binding(keys.id, rows.user, target, username))
                except Unreadable:
                    # Moved or altered on disk: it opens nothing, and is not used.
                    log.warning("vault.unreadable_credential", target=target)
                    continue
                session.credentials[target] = Credential(
                    username, basic_authorization(username, password)
                )
        if generation == self._generation:
            if self._change_count is None:
                self._change_count = loaded.change_count
            self._cache[secret] = session
            self._cache.move_to_end(secret)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return session

    async def authorization_for(self, request: web.Request, target: Target) -> str | None:
        """The Authorization header the proxy adds for this request's target, if any."""
        managed = self.managed.get(target.url)
        if managed is not None:
            return managed.authorization
        secret = secret_of(request)
        if secret is None:
            return None
        session = await self._session(request, secret, user_of(request, self.user_header))
        if session is None:
            return None
        credential = session.credentials.get(target.url)
        return credential.authorization if credential is not None else None

    async def listing(self, request: web.Request) -> list[dict[str, str]]:
        """Which targets this browser has passwords for (never the passwords)."""
        secret = secret_of(request)
        if secret is None:
            return []
        session = await self._session(request, secret, user_of(request, self.user_header))
        if session is None:
            return []
        return [{"target": t, "username": c.username} for t, c in session.credentials.items()]

    # Writing

    async def store(
        self, request: web.Request, target: Target, username: str, password: str
    ) -> str:
        """Keep a password for a target in this browser's session; return the session's
        secret for the cookie (a new one when the browser had no live session of its user)."""
        user = user_of(request, self.user_header)
        secret = secret_of(request)
        if secret is None or await self._session(request, secret, user) is None:
            secret = new_secret()
        keys = SessionKeys.of(secret)
        sealed = keys.seal(password, binding(keys.id, user, target.url, username))
        stored = await self.database.run(
            store_credential, keys.id, user, self.clock(), target.url, username, sealed
        )
        self._drop(secret)
        if not stored:  # a live session of another user: impossible but for a race
            raise StateUnavailable("The session changed hands while storing; retry.")
        return secret

    async def forget(self, request: web.Request, target: Target | None) -> bool:
        """Forget one target's password, or (None) the whole session; True when the
        browser's cookie should go too."""
        secret = secret_of(request)
        if secret is None:
            return target is None
        keys = SessionKeys.of(secret)
        user = user_of(request, self.user_header)
        await self.database.run(
            forget_credentials, keys.id, user, None if target is None else target.url
        )
        self._drop(secret)
        return target is None

    def _drop(self, secret: str) -> None:
        self._cache.pop(secret, None)
        self._generation += 1

    async def purge(self) -> int:
        """Delete the sessions unused for longer than the idle timeout; how many."""
        deleted = await self.database.run(purge_sessions, self.clock() - self.idle_timeout)
        if deleted:
            self._drop_all()
        return deleted

    # Other processes' changes

    def _drop_all(self) -> None:
        self._cache.clear()
        self._change_count = None
        self._generation += 1

    async def watch(self) -> None:
        """Drop the cache if another process changed credentials (run every POLL_INTERVAL).

        Nothing to do while nothing is cached; when the database cannot be asked, the
        cache is dropped too, so a Forget elsewhere is never missed.
        """
        if not self._cache:
            return
        try:
            count = await self.database.run(change_count)
        except StateUnavailable:
            self._drop_all()
            return
        if count != self._change_count:
            self._drop_all()

    # The cookie

    def add_cookie(self, request: web.Request, response: web.StreamResponse) -> None:
        """Set, renew or delete the session cookie as the request's handling decided.

        Called by the request guard for every response before it is sent (see
        :class:`..edge.middleware.RequestGuard`), so that any response renews it: a proxied
        one, an event stream, a websocket's upgrade.
        """
        secret = request[SET_COOKIE]
        if secret is None:
            return
        cookie: SimpleCookie = SimpleCookie()
        cookie[COOKIE] = secret
        morsel = cookie[COOKIE]
        morsel["path"] = self.cookie_path
        morsel["max-age"] = str(int(self.idle_timeout)) if secret else "0"
        morsel["httponly"] = True
        morsel["samesite"] = "Strict"
        if _is_https(request):
            morsel["secure"] = True
        response.headers.add(hdrs.SET_COOKIE, morsel.OutputString())
        # Never stored by a shared cache (a proxied answer may have said it could be).
        response.headers[hdrs.CACHE_CONTROL] = "no-store"

    def give_cookie(self, request: web.Request, secret: str) -> None:
        """Have the response give the browser this session secret: HttpOnly,
        SameSite=Strict, scoped to the prefix, Secure behind HTTPS, living for the idle
        timeout."""
        request[SET_COOKIE] = secret

    def delete_cookie(self, request: web.Request) -> None:
        """Have the response tell the browser to delete its session cookie."""
        request[SET_COOKIE] = ""


def _is_https(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto") == "https"
