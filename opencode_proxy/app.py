"""The application factory: the :class:`.Proxy`, its routes, and what runs while it serves."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Mapping

from aiohttp import web
from aiohttp.abc import AbstractResolver

from .edge.middleware import request_middleware
from .edge.ops import OpsRoutes
from .edge.service_api import ServiceApi
from .edge.static import UiFiles
from .logs import FLUSH_INTERVAL, LINES
from .proxy import Proxy
from .relay.route import ProxyRoute
from .serve.http_server import server_arguments
from .settings import Settings
from .target.discovery import ApiAccess, Discovery

# How often credentials unused past their idle timeout are forgotten.
PURGE_INTERVAL = 60.0
# The one key under which the application keeps anything: its Proxy, for the process
# supervisor and for tests. Handlers are given what they need when the routes are made.
PROXY = web.AppKey("proxy", Proxy)


def create_app(
    settings: Settings,
    *,
    resolver: AbstractResolver | None = None,
    environ: Mapping[str, str] | None = None,
) -> web.Application:
    """Build the proxy application; ``resolver`` replaces DNS (tests use a table)."""
    proxy = Proxy.build(settings, resolver=resolver, environ=environ)
    app = web.Application(
        middlewares=[request_middleware(proxy.metrics, proxy.drain)],
        handler_args=server_arguments(),
    )
    app[PROXY] = proxy
    app.cleanup_ctx.append(_upstream(proxy))
    app.cleanup_ctx.append(_every(PURGE_INTERVAL, proxy.vault.purge))
    app.cleanup_ctx.append(_every(FLUSH_INTERVAL, LINES.flush))
    app.cleanup_ctx.append(_discovery(proxy))
    app.on_shutdown.append(proxy.on_shutdown)
    _add_routes(app.router, proxy)
    return app


def proxy_of(app: web.Application) -> Proxy:
    """The Proxy an application was built with."""
    return app[PROXY]


def _add_routes(router: web.UrlDispatcher, proxy: Proxy) -> None:
    prefix = proxy.settings.prefix
    ops = OpsRoutes(proxy)
    service = ServiceApi(proxy)
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
    router.add_route("*", prefix + "/api/proxy/{path:.*}", ProxyRoute(proxy).handle)
    router.add_get(prefix + "/", ui.index)
    router.add_get(prefix + "/{path:.+}", ui.file)


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
    seconds: float, action: Callable[[], object]
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context that runs ``action`` every ``seconds``, and once more at the end."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        async def repeat() -> None:
            while True:
                await asyncio.sleep(seconds)
                action()

        task = asyncio.ensure_future(repeat())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        action()

    return context
