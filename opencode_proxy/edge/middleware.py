"""The one middleware every request passes: an id, errors as JSON, and draining.

It gives each request an id (the client's if it is sane), answers every error as JSON
with a stable code, counts refusals, and keeps each request in the :class:`.Drain` so a
shutdown can wait for it, and answer it ``503 shutting_down`` if it has to be cut before
anything was sent.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from ..serve.drain import Drain
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


def request_middleware(metrics: Metrics, drain: Drain) -> Middleware:
    """The middleware, bound to the metrics it counts refusals in and the drain."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        """Give the request an id, answer errors as JSON, and let a shutdown drain it."""
        request_id = request[REQUEST_ID] = request_id_of(request)
        task = request.task
        drain.enter(task)
        try:
            response = await handler(request)
        except ProxyError as exc:
            metrics.error(exc.code)
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
        return response

    return middleware
