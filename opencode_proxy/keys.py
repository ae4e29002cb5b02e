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

SETTINGS = web.AppKey("settings", "Settings")
ALLOWLIST = web.AppKey("allowlist", "Allowlist")
CLIENT = web.AppKey("client", aiohttp.ClientSession)
STREAMS = web.AppKey("streams", "StreamRegistry")
SERVERS = web.AppKey("servers", "tuple[ManagedServer, ...]")

TARGET = web.RequestKey("target", "Target")
REQUEST_ID = web.RequestKey("request_id", str)
