"""The proxy's own lane through the HTTP server: proxied requests skip aiohttp's router.

Nearly all of a notebook's traffic is proxied (``<prefix>/api/proxy/...``). For each
request aiohttp's application looks up the event loop (a ``getpid()`` system call on
Python 3.11), finds the route among the others, wraps the handler in the middleware
chain and, for each response, runs the response signals. The lane looks at the start of
the raw path instead and hands a proxied request straight to the proxy route, through
the same :class:`~..edge.middleware.RequestGuard` that is the application's middleware:
the same ids, errors, cookies and draining. Measured on a small GET, it takes about an
eighth off the proxy's CPU per request (see the optimisation log in ``docs/benchmarks.md``).

Everything else goes through the application as before, and so does a proxied request
that asks for ``100 Continue`` (aiohttp's router answers that). The proxy route stays in
the application's router as well, so the application behaves the same when served by a
plain aiohttp runner, only slower.

Written by hand because aiohttp has no per-route way to bypass its router; it relies
only on the server's public ``request_handler``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler

if TYPE_CHECKING:
    from ..edge.middleware import RequestGuard

# What aiohttp's server calls with each request.
ServerHandler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class ProxyLane:
    """The proxied paths, where they start, and who serves them."""

    #: ``<prefix>/api/proxy/``, as the raw path spells it.
    base: str
    guard: RequestGuard
    handler: Handler

    def around(self, application: ServerHandler) -> ServerHandler:
        """The server's handler: the lane for proxied paths, else ``application``."""
        base, guard, handler = self.base, self.guard, self.handler

        async def serve(request: web.BaseRequest) -> web.StreamResponse:
            if request.raw_path.startswith(base) and hdrs.EXPECT not in request.headers:
                # The application's own request factory made it: a web.Request.
                return await guard(cast(web.Request, request), handler)
            return await application(request)

        return serve
