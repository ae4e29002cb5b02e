"""The application factory: middlewares, routes, and what is opened at start-up."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from . import __version__
from .allowlist import PROXY_ROUTE, Allowlist, allowlist_middleware
from .keys import ALLOWLIST, CLIENT, SERVERS, SETTINGS, STREAMS
from .logs import add_request_id, request_context_middleware
from .proxy import proxy_handler
from .servers import check_allowed, parse_server_option
from .settings import Settings
from .static import file_handler, index_handler
from .streams import StreamRegistry

# Upstream reads in large pieces: fewer, bigger writes to the browser.
READ_BUFFER = 256 * 1024


def create_app(settings: Settings) -> web.Application:
    """Build the proxy application for these settings."""
    app = web.Application(
        middlewares=[request_context_middleware, allowlist_middleware],
        handler_args={"max_field_size": 16 * 1024, "max_line_size": 16 * 1024},
    )
    app[SETTINGS] = settings
    app[ALLOWLIST] = Allowlist(settings.allow)
    app[SERVERS] = tuple(parse_server_option(s) for s in settings.servers)
    check_allowed(app[SERVERS], app[ALLOWLIST])
    app[STREAMS] = StreamRegistry()
    app.cleanup_ctx.append(_client_session)
    app.on_shutdown.append(_end_streams)
    app.on_response_prepare.append(add_request_id)
    _add_routes(app, settings.prefix)
    return app


def _add_routes(app: web.Application, prefix: str) -> None:
    router = app.router
    if prefix:
        router.add_get(prefix, _to_prefix, allow_head=True)
    router.add_get(prefix + "/healthz", healthz, allow_head=True)
    router.add_get(prefix + "/api/config", config_handler)
    router.add_route("*", prefix + "/api/proxy/{path:.*}", proxy_handler, name=PROXY_ROUTE)
    router.add_get(prefix + "/", index_handler)
    router.add_get(prefix + "/{path:.+}", file_handler)


async def _to_prefix(request: web.Request) -> web.StreamResponse:
    location = request.app[SETTINGS].prefix + "/"
    if request.query_string:
        location += "?" + request.query_string
    raise web.HTTPFound(location)


async def healthz(request: web.Request) -> web.StreamResponse:
    """Liveness: the process serves requests; touches no upstream."""
    return web.json_response({"status": "ok"}, headers={"Cache-Control": "no-store"})


async def config_handler(request: web.Request) -> web.StreamResponse:
    """What the UI needs to know: where it lives, what it may reach, preset servers."""
    settings = request.app[SETTINGS]
    servers = request.app[SERVERS]
    body = {
        "version": __version__,
        "prefix": settings.prefix + "/",
        "proxy_path": "api/proxy/",
        "allow": request.app[ALLOWLIST].texts,
        "servers": [s.public(default=index == 0) for index, s in enumerate(servers)],
    }
    return web.json_response(body, headers={"Cache-Control": "no-store"})


async def _client_session(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=30, enable_cleanup_closed=True)
    session = aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(
            total=None, connect=None, sock_connect=settings.connect_timeout, sock_read=None
        ),
        auto_decompress=False,
        # Forward the browser's headers as they are; add none of the client's own.
        skip_auto_headers=("User-Agent", "Accept-Encoding", "Accept", "Content-Type"),
        read_bufsize=READ_BUFFER,
        trust_env=False,
    )
    app[CLIENT] = session
    yield
    await session.close()


async def _end_streams(app: web.Application) -> None:
    await app[STREAMS].shutdown()
