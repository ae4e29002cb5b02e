"""The application factory: the :class:`.Proxy`, its routes, the proxy's lane past the router
(:mod:`.serve.proxy_lane`), and what runs while it serves."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Callable, Mapping

import structlog
from aiohttp import web
from aiohttp.abc import AbstractResolver

from .edge.ops import OpsRoutes
from .edge.service_api import ServiceApi
from .edge.state_api import StateApi
from .edge.static import UiFiles
from .logs import FLUSH_INTERVAL, LINES
from .proxy import Proxy
from .relay.route import ProxyRoute
from .serve.http_server import server_arguments
from .serve.proxy_lane import ProxyLane
from .settings import Settings
from .target.discovery import ApiAccess, Discovery
from .target.vault import POLL_INTERVAL

log = structlog.get_logger("opencode_proxy")

# How often passwords unused past their idle timeout are deleted.
PURGE_INTERVAL = 60.0
# The keys under which the application keeps anything: its Proxy, for the process
# supervisor and for tests, and the lane its HTTP server puts in front of the router.
# Handlers are given what they need when the routes are made.
PROXY = web.AppKey("proxy", Proxy)
LANE = web.AppKey("proxy_lane", ProxyLane)


def create_app(
    settings: Settings,
    *,
    resolver: AbstractResolver | None = None,
    environ: Mapping[str, str] | None = None,
) -> web.Application:
    """Build the proxy application; ``resolver`` replaces DNS (tests use a table)."""
    proxy = Proxy.build(settings, resolver=resolver, environ=environ)
    app = web.Application(
        middlewares=[proxy.guard],
        handler_args=server_arguments(),
    )
    app[PROXY] = proxy
    # First in, so the last out: everything below may use the database until it stops.
    app.cleanup_ctx.append(_database(proxy))
    app.cleanup_ctx.append(_upstream(proxy))
    app.cleanup_ctx.append(_every(PURGE_INTERVAL, proxy.vault.purge))
    app.cleanup_ctx.append(_every(POLL_INTERVAL, proxy.vault.watch, at_end=False))
    app.cleanup_ctx.append(_every(FLUSH_INTERVAL, LINES.flush))
    app.cleanup_ctx.append(_discovery(proxy))
    app.on_shutdown.append(proxy.on_shutdown)
    route = ProxyRoute(proxy)
    app[LANE] = ProxyLane(proxy.settings.proxy_base, proxy.guard, route.handle)
    _add_routes(app.router, proxy, route)
    return app


def proxy_of(app: web.Application) -> Proxy:
    """The Proxy an application was built with."""
    return app[PROXY]


def lane_of(app: web.Application) -> ProxyLane:
    """The lane an application's HTTP server serves proxied requests by."""
    return app[LANE]


def _add_routes(router: web.UrlDispatcher, proxy: Proxy, route: ProxyRoute) -> None:
    prefix = proxy.settings.prefix
    ops = OpsRoutes(proxy)
    service = ServiceApi(proxy)
    state = StateApi(proxy)
    ui = UiFiles(proxy.settings.ui_dir, prefix)
    if prefix:
        router.add_get(prefix, ui.to_prefix, allow_head=True)
    router.add_get(prefix + "/healthz", ops.healthz, allow_head=True)
    router.add_get(prefix + "/readyz", ops.readyz, allow_head=True)
    router.add_get(prefix + "/metrics", ops.metrics_page)
    router.add_get(prefix + "/api/kernels", ops.kernels)
    router.add_get(prefix + "/api/config", service.config)
    router.add_get(prefix + "/api/check", service.check)
    credentials = router.add_resource(prefix + "/api/credentials")
    credentials.add_route("GET", service.list_credentials)
    credentials.add_route("POST", service.store_credentials)
    credentials.add_route("DELETE", service.forget_credentials)
    router.add_get(prefix + "/api/state", state.get)
    servers = router.add_resource(prefix + "/api/state/servers")
    servers.add_route("POST", state.add_server)
    servers.add_route("DELETE", state.remove_server)
    router.add_put(prefix + "/api/state/default", state.set_default)
    router.add_patch(prefix + "/api/state/preferences", state.update_preferences)
    router.add_post(prefix + "/api/state/import", state.import_list)
    # Served by the lane when the server has it; here for a plain aiohttp runner.
    router.add_route("*", prefix + "/api/proxy/{path:.*}", route.handle)
    router.add_get(prefix + "/", ui.index)
    router.add_get(prefix + "/{path:.+}", ui.file)


def _database(proxy: Proxy) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        await proxy.database.open()
        yield
        await proxy.database.close()

    return context


def _upstream(proxy: Proxy) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        await proxy.upstream.open()
        yield
        await proxy.upstream.close()

    return context


def _discovery(proxy: Proxy) -> Callable[[web.Application], AsyncIterator[None]]:
    """Discovery in the background while the application runs (if configured)."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        settings = proxy.settings
        if not settings.discover_namespace:
            yield
            return
        discovery = Discovery(settings, proxy.targets, ApiAccess.from_settings(settings))
        task = discovery.start(proxy.catalog)
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return context


def _every(
    seconds: float, action: Callable[[], object], *, at_end: bool = True
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context that runs ``action`` (a function or a coroutine function) every
    ``seconds``, and once more at the end unless told not to; a failure is logged."""

    async def once() -> None:
        try:
            result = action()
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("periodic.failed", action=getattr(action, "__qualname__", "?"))

    async def context(app: web.Application) -> AsyncIterator[None]:
        async def repeat() -> None:
            while True:
                await asyncio.sleep(seconds)
                await once()

        task = asyncio.ensure_future(repeat())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if at_end:
            await once()

    return context
