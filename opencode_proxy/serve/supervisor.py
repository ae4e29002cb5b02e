"""The process supervisor: logging, the event loop, one or more worker processes, signals."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import sys

import structlog
from aiohttp import web

from ..app import create_app, lane_of, proxy_of
from ..logs import configure_logging
from ..settings import Settings, SettingsError
from ..state.database import StateError
from .http_server import serve

log = structlog.get_logger("opencode_proxy.server")

# Allocations between young-generation collections (CPython's default is 700).
GC_THRESHOLD = 7000


def run(settings: Settings) -> None:
    """Serve until SIGTERM/SIGINT, in ``settings.workers`` processes."""
    configure_logging(settings.log_format, settings.log_level)
    try:
        app = create_app(settings)
    except SettingsError as exc:
        log.error("settings.invalid", message=str(exc))
        sys.exit(2)
    database = proxy_of(app).database
    try:
        # Before forking: each worker opens its own connection, this one is closed.
        database.prepare()
    except StateError as exc:
        log.error("state.unusable", path=str(database.path), message=str(exc))
        sys.exit(1)
    if settings.workers == 1:
        _serve(app, settings, reuse_port=False)
        return
    _supervise(app, settings)


def _serve(app: web.Application, settings: Settings, *, reuse_port: bool) -> None:
    async def announce(app: web.Application) -> None:
        log.info(
            "server.started",
            host=settings.host,
            port=settings.port,
            prefix=settings.prefix + "/",
            allow=list(settings.allow),
            pid=os.getpid(),
        )

    app.on_startup.append(announce)
    app.on_startup.append(_tune_gc)
    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(
            serve(app, lane_of(app), settings, proxy_of(app).drain, reuse_port=reuse_port)
        )
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    log.info("server.stopped", pid=os.getpid())


async def _tune_gc(app: web.Application) -> None:
    """Keep the cyclic garbage collector off the streaming path.

    With a thousand open streams, CPython's default thresholds run a collection every few
    hundred allocations and now and then a full one over every live object, which showed
    up as 100 ms stalls of every event stream. What exists at start-up is frozen (never
    scanned again), and young collections run ten times less often.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 20, 100)


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A uvloop event loop when uvloop is installed (the [speed] extra), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _supervise(app: web.Application, settings: Settings) -> None:
    """Fork one process per worker, all listening on the port with SO_REUSEPORT."""
    if not proxy_of(app).database.persistent:
        log.warning(
            "server.workers",
            workers=settings.workers,
            message=(
                "The state is in memory (--state-dir ''), so each worker keeps its own: "
                "a password or server a user adds may be missing in another worker. Give "
                "a --state-dir, or run one worker."
            ),
        )
    children: list[int] = []
    for _ in range(settings.workers):
        pid = os.fork()
        if pid == 0:
            try:
                _serve(app, settings, reuse_port=True)
            finally:
                os._exit(0)
        children.append(pid)

    def forward(signum: int, _frame: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    status = 0
    for child in children:
        _, code = os.waitpid(child, 0)
        status = status or os.waitstatus_to_exitcode(code)
    sys.exit(status if status > 0 else 0)
