"""Every key under which the application and its requests keep state."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web

if TYPE_CHECKING:
    from .allowlist import Allowlist
    from .servers import ManagedServer
    from .settings import Settings
    from .streams import StreamRegistry
    from .targets import Target

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
ALLOWLIST: web.AppKey[Allowlist] = web.AppKey("allowlist")
CLIENT = web.AppKey("client", aiohttp.ClientSession)
STREAMS: web.AppKey[StreamRegistry] = web.AppKey("streams")
SERVERS: web.AppKey[tuple[ManagedServer, ...]] = web.AppKey("servers")

TARGET: web.RequestKey[Target] = web.RequestKey("target")
REQUEST_ID = web.RequestKey("request_id", str)
