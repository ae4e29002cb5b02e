"""Shared fixtures: a fake upstream, the proxy in front of it, and a client for both."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from opencode_proxy.app import create_app
from opencode_proxy.settings import Settings
from tests.support.fake_upstream import SEEN, Seen, create_upstream
from tests.support.proxy_client import PREFIX, ProxyClient
from tests.support.proxy_process import ROOT, ProxyProcess
from tests.support.proxy_server import ProxyTestServer
from tests.support.raw_upstream import RawUpstream, Script

__all__ = ["PREFIX", "ROOT", "ProxyClient", "ProxyProcess"]


@pytest.fixture
async def upstream(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> TestServer:
    """The fake upstream server on loopback."""
    return await aiohttp_server(create_upstream())


@pytest.fixture
def seen(upstream: TestServer) -> Seen:
    """What the fake upstream received."""
    return upstream.app[SEEN]  # type: ignore[index]


@pytest.fixture
async def make_proxy(upstream: TestServer) -> AsyncIterator[Callable[..., Awaitable[TestServer]]]:
    """Start a proxy under /notebook/ns/nb allowed to reach the fake upstream, served as
    the service serves it (:class:`ProxyTestServer`)."""
    async with contextlib.AsyncExitStack() as servers:

        async def factory(
            *, resolver: Any = None, environ: Any = None, **overrides: Any
        ) -> TestServer:
            values: dict[str, Any] = {
                "prefix": PREFIX,
                "allow": (f"127.0.0.1:{upstream.port}",),
            }
            values.update(overrides)
            app = create_app(Settings(**values), resolver=resolver, environ=environ)
            return await servers.enter_async_context(ProxyTestServer(app))

        yield factory


@pytest.fixture
async def proxy(make_proxy: Callable[..., Awaitable[TestServer]]) -> TestServer:
    """The proxy with default settings."""
    return await make_proxy()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain HTTP client that leaves bodies as they come."""
    async with aiohttp.ClientSession(auto_decompress=False) as client:
        yield client


@pytest.fixture
def client(session: aiohttp.ClientSession, proxy: TestServer, upstream: TestServer) -> ProxyClient:
    """A client of the proxy whose target is the fake upstream."""
    return ProxyClient(session, proxy, f"http://127.0.0.1:{upstream.port}")


@pytest.fixture
def proxy_process() -> Iterator[Callable[..., ProxyProcess]]:
    """Start proxies as separate processes; stop them after the test."""
    started: list[ProxyProcess] = []

    def factory(*args: str, env: dict[str, str] | None = None) -> ProxyProcess:
        process = ProxyProcess(*args, env=env).start()
        started.append(process)
        return process

    yield factory
    for process in started:
        process.stop()


@pytest.fixture
async def raw() -> AsyncIterator[Callable[[Script], Awaitable[RawUpstream]]]:
    """Start raw upstreams that answer with scripted bytes; stop them after the test."""
    started: list[RawUpstream] = []

    async def start(script: Script) -> RawUpstream:
        upstream = await RawUpstream(script).start()
        started.append(upstream)
        return upstream

    yield start
    for upstream in started:
        upstream.close()


@pytest.fixture
def proxy_for(
    make_proxy: Callable[..., Awaitable[TestServer]], session: aiohttp.ClientSession
) -> Callable[..., Awaitable[ProxyClient]]:
    """A proxy allowed to reach one raw upstream, and a client of it naming that upstream."""

    async def factory(upstream: RawUpstream, **overrides: Any) -> ProxyClient:
        proxy = await make_proxy(allow=(f"127.0.0.1:{upstream.port}",), **overrides)
        return ProxyClient(session, proxy, upstream.url)

    return factory


pytest_plugins = ["tests.support.opencode"]
