"""Requests that change something, and websockets, must come from the UI's own page.

``?target=`` exists because ``EventSource`` and ``WebSocket`` cannot send headers, which
also lets any other site make the user's browser open those URLs; a websocket or a
state-changing request is therefore accepted only with the UI's own ``Origin`` (or
``Sec-Fetch-Site: same-origin``), or an origin the operator added.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web
from yarl import URL

from ..edge.errors import CrossSiteRequest
from ..settings import SettingsError
from ..target.parse import DEFAULT_PORTS

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def normalize_origin(origin: str) -> tuple[str, int] | None:
    """``(host, port)`` of an Origin value, or None when it is not an http(s) origin."""
    try:
        url = URL(origin)
    except ValueError:
        return None
    if url.scheme not in DEFAULT_PORTS or url.host is None or url.path not in ("", "/"):
        return None
    return url.host.lower(), url.port or DEFAULT_PORTS[url.scheme]


def _host_header(value: str | None, port: int) -> tuple[str, int] | None:
    if not value:
        return None
    try:
        url = URL("http://" + value)
    except ValueError:
        return None
    if url.host is None:
        return None
    return url.host.lower(), url.explicit_port or port


class OriginCheck:
    """The UI's own origin, plus the extra origins the operator allowed (parsed once)."""

    def __init__(self, extra: Iterable[str] = ()):
        origins = set()
        for text in extra:
            parsed = normalize_origin(text.strip())
            if parsed is None:
                raise SettingsError(
                    f"invalid --allow-origin {text!r}: expected e.g. https://host:port"
                )
            origins.add(parsed)
        self.extra = frozenset(origins)

    def check(self, request: web.Request) -> None:
        """Refuse a request whose Origin is not the UI's own (or one the operator allowed)."""
        origin = request.headers.get("Origin")
        if origin is None or origin == "null":
            if request.headers.get("Sec-Fetch-Site") == "same-origin":
                return
            raise CrossSiteRequest(
                "This request carries no Origin header, so it cannot be shown to come from "
                "this notebook's page; it was refused."
            )
        parsed = normalize_origin(origin)
        if parsed is None:
            raise CrossSiteRequest()
        if parsed in self.extra:
            return
        # The page's own origin is whatever host the browser addressed: Host, or the
        # X-Forwarded-Host an ingress in front set. A cross-site page can set neither.
        port = parsed[1]
        for name in ("Host", "X-Forwarded-Host"):
            if _host_header(request.headers.get(name), port) == parsed:
                return
        raise CrossSiteRequest()

    def check_unless_safe(self, request: web.Request) -> None:
        """Check the origin of a request that is not a plain read (GET, HEAD, OPTIONS)."""
        if request.method not in SAFE_METHODS:
            self.check(request)
