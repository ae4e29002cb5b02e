"""Every key under which the application and its requests keep state."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
from aiohttp.abc import AbstractResolver

if TYPE_CHECKING:
    from .activity import Activity
    from .addresses import AddressPolicy
    from .allowlist import Allowlist
    from .credentials import CredentialVault
    from .discovery import Discovery
    from .metrics import Metrics
    from .ratelimit import RequestRate, StreamCap
    from .servers import ManagedServer
    from .settings import Settings
    from .streams import StreamRegistry
    from .targets import Target
    from .upstream import UpstreamPool

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
ALLOWLIST: web.AppKey[Allowlist] = web.AppKey("allowlist")
ADDRESS_POLICY: web.AppKey[AddressPolicy] = web.AppKey("address_policy")
ALLOWED_ORIGINS: web.AppKey[frozenset[tuple[str, int]]] = web.AppKey("allowed_origins")
RESOLVER = web.AppKey("resolver", AbstractResolver)
CLIENT = web.AppKey("client", aiohttp.ClientSession)
UPSTREAM: web.AppKey[UpstreamPool] = web.AppKey("upstream")
STREAMS: web.AppKey[StreamRegistry] = web.AppKey("streams")
SERVERS: web.AppKey[tuple[ManagedServer, ...]] = web.AppKey("servers")
CREDENTIALS: web.AppKey[CredentialVault] = web.AppKey("credentials")
RATE: web.AppKey[RequestRate] = web.AppKey("rate")
STREAM_CAP: web.AppKey[StreamCap] = web.AppKey("stream_cap")
ACTIVITY: web.AppKey[Activity] = web.AppKey("activity")
METRICS: web.AppKey[Metrics] = web.AppKey("metrics")
DISCOVERED: web.AppKey[Discovery] = web.AppKey("discovered")

TARGET: web.RequestKey[Target] = web.RequestKey("target")
REQUEST_ID = web.RequestKey("request_id", str)
CLIENT_ID = web.RequestKey("client_id", str)
