"""The one middleware every request passes: an id, errors as JSON, cookies, and draining.

It gives each request an id (the client's if it is sane), answers every error as JSON
with a stable code, counts refusals, sets the session cookie the vault decided on, and
keeps each request in the :class:`.Drain` so a shutdown can wait for it, and answer it
``503 shutting_down`` if it has to be cut before anything was sent.

:class:`RequestGuard` is aiohttp middleware, and also called directly by the proxy's own
lane (see :mod:`..serve.proxy_lane`), which serves proxied paths without aiohttp's router.
A handler that starts a streamed answer calls :meth:`RequestGuard.answering` just before,
since the guard sees that response only once it is sent.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from ..serve.drain import Drain
from ..target.vault import SET_COOKIE, CredentialVault
from .errors import InternalError, ProxyError, ShuttingDown, http_exception_response
from .metrics import Metrics

log = structlog.get_logger("opencode_proxy")

REQUEST_ID = web.RequestKey("request_id", str)
# Set by a handler that starts a streamed answer: a request cut after that gets no status.
ANSWERING = web.RequestKey("answering", bool)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Fresh ids are a random per-process prefix and a counter: unique, and no system call each.
_ID_PREFIX = os.urandom(4).hex()
_ID_COUNTER = itertools.count()


def _new_id_prefix() -> None:
    global _ID_PREFIX, _ID_COUNTER
    _ID_PREFIX = os.urandom(4).hex()
    _ID_COUNTER = itertools.count()


os.register_at_fork(after_in_child=_new_id_prefix)


def request_id_of(request: web.Request) -> str:
    """The id the client sent if it is sane, else a fresh one."""
    incoming = request.headers.get("X-Request-Id")
    if incoming is not None and _REQUEST_ID.match(incoming):
        return incoming
    return f"{_ID_PREFIX}{next(_ID_COUNTER) & 0xFFFFFFFF:08x}"


class RequestGuard:
    """The middleware, bound to the metrics it counts refusals in, the drain, and the
    vault whose cookie decisions it applies. An instance is itself the middleware."""

    # What aiohttp's @web.middleware marks: a middleware of the current style.
    __middleware_version__ = 1

    def __init__(self, metrics: Metrics, drain: Drain, vault: CredentialVault):
        self.metrics = metrics
        self.drain = drain
        self.vault = vault

    async def __call__(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Give the request an id, answer errors as JSON, and let a shutdown drain it."""
        request_id = request[REQUEST_ID] = request_id_of(request)
        request[SET_COOKIE] = None
        task = request.task
        drain = self.drain
        drain.enter(task)
        try:
            response = await handler(request)
        except ProxyError as exc:
            self.metrics.error(exc.code)
            log.info(
                "request.refused",
                request_id=request_id,
                method=request.method,
                path=request.path,
                status=exc.status,
                error=exc.code,
            )
            response = exc.to_response()
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            response = http_exception_response(exc)
        except asyncio.CancelledError:
            if not drain.was_cut(task) or request.get(ANSWERING, False):
                raise
            task.uncancel()
            log.info("request.cut", request_id=request_id, method=request.method)
            response = ShuttingDown().to_response()
            response.force_close()
        except Exception:
            log.exception("request.failed", request_id=request_id, method=request.method)
            response = InternalError().to_response()
        finally:
            drain.leave(task)
        if not response.prepared:
            response.headers["X-Request-Id"] = request_id
            self.vault.add_cookie(request, response)
        return response

    def answering(self, request: web.Request, response: web.StreamResponse) -> None:
        """Before a handler sends a streamed answer: a cut now gets no status, and the
        cookie goes with the answer's headers."""
        request[ANSWERING] = True
        self.vault.add_cookie(request, response)
