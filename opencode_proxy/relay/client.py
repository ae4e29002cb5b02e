"""The one client every upstream connection goes through: aiohttp's ``ClientSession``.

It is set up for a proxy that distrusts what it talks to: no cookie jar (one user's
sandbox cookies never reach another), no redirect followed, no decompression (bodies
pass as they are), URLs sent exactly as built (``encoded=True``), no headers added
beyond what the relay passes, and explicit limits on the answer's head: its status line,
each header, and the number of headers, which together bound the whole head
(:data:`MAX_RESPONSE_HEAD`). Names are resolved by a resolver that judges every address
it returns (see :mod:`..policy.addresses`), and the connection goes to exactly those
addresses; IP-literal targets, for which aiohttp asks no resolver, are judged here before
any connection is made.

One thing aiohttp leaves open is added by hand, in :class:`AnswerGuard`: an answer the
proxy did not ask for (bytes a target sends on a pooled connection while it is idle) would
be queued and handed to the next request on that connection as its own answer; the
guard closes such a connection instead. The same protocol lets an event stream's
:class:`~.event_tap.EventTap` take each piece of the body as soon as it is parsed.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp.abc import AbstractResolver
from aiohttp.client_proto import ResponseHandler
from multidict import CIMultiDict
from yarl import URL

from ..policy.addresses import GuardedResolver, default_resolver
from ..policy.gate import TargetPolicy
from ..target.parse import Target

if TYPE_CHECKING:
    from .event_tap import EventTap

KIB = 1024
# Limits on a target's answer head. aiohttp counts a header's name and value together
# against MAX_FIELD, so the head can never exceed MAX_RESPONSE_HEAD bytes.
MAX_LINE = 8 * KIB
MAX_FIELD = 8 * KIB
MAX_HEADERS = 100
MAX_RESPONSE_HEAD = MAX_LINE + MAX_HEADERS * MAX_FIELD
# How much of a body waits in the client before reading from the target pauses.
READ_BUFFER = 256 * KIB
# Idle pooled connections are closed after this: shorter than the keep-alive timeouts
# servers commonly use (Node 5 s, Bun 10 s), so a target rarely closes one as it is reused.
IDLE_TIMEOUT = 4.0


class _AsChosen(aiohttp.ClientRequest):
    """aiohttp's request, adding none of its own headers (Accept, Accept-Encoding,
    User-Agent): the relay sends only what it chose. (The same as ``skip_auto_headers``,
    without building the skip list again for every request.)"""

    def update_auto_headers(self, skip_auto_headers: Any) -> None:
        pass


class AnswerGuard(ResponseHandler):
    """aiohttp's client protocol, refusing answers to requests it never sent, and
    calling an event stream's tap after each piece of data it parsed."""

    _asked = False
    tap: EventTap | None = None

    def set_response_params(self, **params: Any) -> None:
        # Called for each request sent on the connection: an answer may now come.
        self._asked = True
        super().set_response_params(**params)

    def feed_data(self, data: Any, size: int = 0) -> None:
        message = data[0]
        if not self._asked:
            self._unasked()
            return
        if message.code >= 200 or message.code == 101:
            self._asked = False  # the final answer; interim ones (1xx) precede it
        super().feed_data(data, size)

    def data_received(self, data: bytes) -> None:
        if (
            not self._asked
            and data
            and (self._payload is None or self._payload.is_eof())
            and self._payload_parser is None
            and not self._upgraded
        ):
            self._unasked()
            return
        super().data_received(data)
        if self.tap is not None:
            self.tap.forward()

    def connection_lost(self, exc: BaseException | None) -> None:
        super().connection_lost(exc)
        if self.tap is not None:
            self.tap.forward()

    def resume_reading(self, resume_parser: bool = True) -> None:
        # aiohttp calls this after every read of a body, paused or not, and it then runs
        # the parser again on no data (a data_received(b"") round). Only a pause leaves
        # anything to resume.
        if self._reading_paused or self._buffer_paused or self._upgraded:
            super().resume_reading(resume_parser)

    def _unasked(self) -> None:
        self._should_close = True
        if self.transport is not None:
            self.transport.close()


class _Connector(aiohttp.TCPConnector):
    """aiohttp's connector with :class:`AnswerGuard` as its protocol."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._factory = functools.partial(AnswerGuard, loop=self._loop)  # type: ignore[assignment]


class Upstream:
    """The shared upstream client: judged targets, pinned addresses, bounded answers."""

    def __init__(
        self,
        policy: TargetPolicy,
        connect_timeout: float,
        resolver: AbstractResolver | None = None,
    ):
        self.policy = policy
        self.connect_timeout = connect_timeout
        self._inner = resolver
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The open session (between :meth:`open` and :meth:`close`)."""
        assert self._session is not None, "the upstream client is not open"
        return self._session

    async def open(self) -> None:
        """Open the session; it must be created inside the running event loop."""
        if self._inner is None:
            self._inner = default_resolver()
        resolver = GuardedResolver(self._inner, self.policy.addresses, self.policy.allowlist)
        connector = _Connector(
            limit=0, keepalive_timeout=IDLE_TIMEOUT, resolver=resolver, use_dns_cache=False
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(
                total=None, connect=None, sock_connect=self.connect_timeout, sock_read=None
            ),
            request_class=_AsChosen,
            auto_decompress=False,
            read_bufsize=READ_BUFFER,
            max_line_size=MAX_LINE,
            max_field_size=MAX_FIELD,
            max_headers=MAX_HEADERS,
            requote_redirect_url=False,
            trust_env=False,
        )

    async def close(self) -> None:
        """Close every connection and the resolver."""
        if self._session is not None:
            await self._session.close()
        if self._inner is not None:
            await self._inner.close()

    async def request(
        self,
        target: Target,
        method: str,
        url: URL,
        headers: CIMultiDict[str],
        data: Any = None,
    ) -> aiohttp.ClientResponse:
        """Send one request; the caller reads the body and releases the response."""
        self.policy.judge_address(target)
        return await self.session.request(
            method,
            url,
            headers=headers,
            data=data,
            allow_redirects=False,
            compress=None,
            expect100=False,
        )

    async def ws_connect(
        self,
        target: Target,
        url: URL,
        headers: CIMultiDict[str],
        protocols: tuple[str, ...],
        max_message: int,
        close_timeout: float,
    ) -> aiohttp.ClientWebSocketResponse:
        """Open a websocket; control frames are left to the caller (no autoping/autoclose)."""
        self.policy.judge_address(target)
        return await self.session.ws_connect(
            url,
            protocols=protocols,
            headers=headers,
            autoclose=False,
            autoping=False,
            max_msg_size=max_message,
            timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=close_timeout),
        )
