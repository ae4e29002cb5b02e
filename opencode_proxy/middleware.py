"""The one middleware every request passes: an id, the policy, and errors as JSON."""

from __future__ import annotations

import itertools
import os
import re

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from .errors import InternalError, ProxyError, http_exception_response
from .keys import METRICS, REQUEST_ID
from .policy import apply_policy

log = structlog.get_logger("opencode_proxy")

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
    """The id the client sent if it is sane, else a fresh random one."""
    incoming = request.headers.get("X-Request-Id")
    if incoming is not None and _REQUEST_ID.match(incoming):
        return incoming
    return f"{_ID_PREFIX}{next(_ID_COUNTER) & 0xFFFFFFFF:08x}"


@web.middleware
async def request_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give every request an id, apply the policy, and answer every error as JSON."""
    request_id = request[REQUEST_ID] = request_id_of(request)
    try:
        apply_policy(request)
        response = await handler(request)
    except ProxyError as exc:
        request.app[METRICS].error(exc.code)
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
    except Exception:
        log.exception("request.failed", request_id=request_id, method=request.method)
        response = InternalError().to_response()
    if not response.prepared:
        response.headers["X-Request-Id"] = request_id
    return response
