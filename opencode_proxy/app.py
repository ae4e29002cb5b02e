"""The application factory: policy, routes, and what is opened at start-up."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable, Mapping

import aiohttp
from aiohttp import web
from aiohttp.abc import AbstractResolver

from . import __version__
from .activity import Activity, kernels_handler
from .addresses import (
    AddressPolicy,
    GuardedResolver,
    default_resolver,
    own_addresses,
    parse_networks,
)
from .allowlist import Allowlist
from .credentials import CredentialVault, forget_handler, list_handler, store_handler
from .discovery import discovery_context
from .keys import (
    ACTIVITY,
    ADDRESS_POLICY,
    ALLOWED_ORIGINS,
    ALLOWLIST,
    CLIENT,
    CREDENTIALS,
    DISCOVERED,
    METRICS,
    RATE,
    RESOLVER,
    SERVERS,
    SETTINGS,
    STREAM_CAP,
    STREAMS,
    UPSTREAM,
)
from .logs import FLUSH_INTERVAL, LINES
from .metrics import Metrics, metrics_handler
from .middleware import request_middleware
from .policy import CREDENTIALS_ROUTE, PROXY_ROUTE, normalize_origin
from .proxy import proxy_handler
from .ratelimit import RequestRate, StreamCap
from .servers import check_allowed, default_index, load_servers_file, parse_server_option
from .settings import Settings, SettingsError
from .static import file_handler, index_handler
from .streams import StreamRegistry
from .upstream import UpstreamPool

PURGE_INTERVAL = 60.0


def create_app(
    settings: Settings,
    *,
    resolver: AbstractResolver | None = None,
    environ: Mapping[str, str] | None = None,
) -> web.Application:
    """Build the proxy application; ``resolver`` replaces DNS (tests use a table)."""
    app = web.Application(
        middlewares=[request_middleware],
        handler_args={"max_field_size": 16 * 1024, "max_line_size": 16 * 1024},
    )
    app[SETTINGS] = settings
    app[ALLOWLIST] = Allowlist(settings.allow, settings.deny)
    app[ADDRESS_POLICY] = AddressPolicy(parse_networks(settings.allow_networks), own_addresses())
    app[ALLOWED_ORIGINS] = _origins(settings.allow_origins)
    if resolver is not None:
        app[RESOLVER] = resolver
    servers = tuple(parse_server_option(s) for s in settings.servers)
    if settings.servers_file is not None:
        servers += load_servers_file(
            settings.servers_file, os.environ if environ is None else environ
        )
    check_allowed(servers, app[ALLOWLIST])
    app[SERVERS] = servers
    app[CREDENTIALS] = CredentialVault(
        settings.credential_idle_timeout,
        managed=[(s.target, s.username or "opencode", s.password) for s in servers if s.password],
    )
    app[RATE] = RequestRate(settings.rate_limit, settings.rate_burst)
    app[STREAM_CAP] = StreamCap(settings.max_streams)
    app[METRICS] = Metrics()
    app[STREAMS] = StreamRegistry(app[METRICS].open_streams)
    app[ACTIVITY] = Activity()
    app.cleanup_ctx.append(_clients)
    app.cleanup_ctx.append(_every(PURGE_INTERVAL, lambda app: app[CREDENTIALS].purge()))
    app.cleanup_ctx.append(discovery_context)
    app.cleanup_ctx.append(_every(FLUSH_INTERVAL, lambda _: LINES.flush()))
    app.on_shutdown.append(_end_streams)
    _add_routes(app, settings.prefix)
    return app


def _origins(texts: tuple[str, ...]) -> frozenset[tuple[str, int]]:
    origins = set()
    for text in texts:
        parsed = normalize_origin(text.strip())
        if parsed is None:
            raise SettingsError(f"invalid --allow-origin {text!r}: expected e.g. https://host:port")
        origins.add(parsed)
    return frozenset(origins)


def _add_routes(app: web.Application, prefix: str) -> None:
    router = app.router
    if prefix:
        router.add_get(prefix, _to_prefix, allow_head=True)
    router.add_get(prefix + "/healthz", healthz, allow_head=True)
    router.add_get(prefix + "/readyz", readyz, allow_head=True)
    router.add_get(prefix + "/metrics", metrics_handler)
    router.add_get(prefix + "/api/config", config_handler)
    router.add_get(prefix + "/api/kernels", kernels_handler)
    credentials = router.add_resource(prefix + "/api/credentials", name=CREDENTIALS_ROUTE)
    credentials.add_route("GET", list_handler)
    credentials.add_route("POST", store_handler)
    credentials.add_route("DELETE", forget_handler)
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


async def readyz(request: web.Request) -> web.StreamResponse:
    """Readiness: serving and not draining for a shutdown."""
    if request.app[STREAMS].draining:
        return web.json_response({"status": "draining"}, status=503)
    return web.json_response({"status": "ready"}, headers={"Cache-Control": "no-store"})


async def config_handler(request: web.Request) -> web.StreamResponse:
    """What the UI needs to know: where it lives, what it may reach, preset servers."""
    settings = request.app[SETTINGS]
    servers = request.app[SERVERS]
    discovery = request.app.get(DISCOVERED)
    if discovery is not None:
        servers += discovery.servers
    default = default_index(servers)
    body = {
        "version": __version__,
        "prefix": settings.prefix + "/",
        "proxy_path": "api/proxy/",
        "allow": request.app[ALLOWLIST].texts,
        "deny": request.app[ALLOWLIST].deny_texts,
        "servers": [s.public(default=i == default) for i, s in enumerate(servers)],
    }
    return web.json_response(body, headers={"Cache-Control": "no-store"})


async def _clients(app: web.Application) -> AsyncIterator[None]:
    """Upstream clients sharing one guarded resolver: ours for HTTP, aiohttp's for websockets."""
    settings = app[SETTINGS]
    inner = app.get(RESOLVER) or default_resolver()
    resolver = GuardedResolver(inner, app[ADDRESS_POLICY], app[ALLOWLIST])
    app[UPSTREAM] = UpstreamPool(resolver, settings.connect_timeout)
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=30, resolver=resolver),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(
            total=None, connect=None, sock_connect=settings.connect_timeout, sock_read=None
        ),
        # Forward the browser's headers as they are; add none of the client's own.
        skip_auto_headers=("User-Agent", "Accept-Encoding", "Accept", "Content-Type"),
        trust_env=False,
    )
    app[CLIENT] = session
    yield
    await session.close()
    await app[UPSTREAM].close()
    await inner.close()


def _every(
    seconds: float, action: Callable[[web.Application], object]
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context that runs ``action`` every ``seconds``, and once more at the end."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        async def repeat() -> None:
            while True:
                await asyncio.sleep(seconds)
                action(app)

        task = asyncio.ensure_future(repeat())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        action(app)

    return context


async def _end_streams(app: web.Application) -> None:
    await app[STREAMS].shutdown()
