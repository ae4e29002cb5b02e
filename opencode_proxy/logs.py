"""Structured logs: JSON lines for machines, colours for a terminal; a request id on each."""

from __future__ import annotations

import logging
import re
import sys
import uuid

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from .errors import InternalError, ProxyError, http_exception_response
from .keys import METRICS, REQUEST_ID

log = structlog.get_logger("opencode_proxy")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def configure_logging(log_format: str, level: str) -> None:
    """Send structlog and the standard library's logging to stderr in one format."""
    numeric = getattr(logging, level.upper())
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.typing.Processor
    if log_format == "console":
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    else:
        renderer = structlog.processors.JSONRenderer()
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.WriteLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(max(numeric, logging.INFO))


def default_log_format() -> str:
    """JSON unless stderr is a terminal."""
    return "console" if sys.stderr.isatty() else "json"


@web.middleware
async def request_context_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give every request an id and answer every error as JSON with a stable code."""
    incoming = request.headers.get("X-Request-Id")
    request_id = incoming if incoming and _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    request[REQUEST_ID] = request_id
    try:
        return await handler(request)
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
        return exc.to_response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return http_exception_response(exc)
    except Exception:
        log.exception("request.failed", request_id=request_id, method=request.method)
        return InternalError().to_response()


async def add_request_id(request: web.Request, response: web.StreamResponse) -> None:
    """Echo the request id on every response, streamed ones included."""
    request_id = request.get(REQUEST_ID)
    if request_id is not None:
        response.headers["X-Request-Id"] = request_id
