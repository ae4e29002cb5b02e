"""The policy every proxied request passes before any connection is made.

In order: it must come from the UI's own origin if it changes anything or opens a
websocket; the client must be within its request rate; its target must parse, be
allowed by name, and (for IP literals) by address. Names are judged by address later,
inside the resolver (see :mod:`.addresses`), on the very answer that is connected to.
"""

from __future__ import annotations

from aiohttp import web
from yarl import URL

from .addresses import check_literal
from .errors import CrossSiteRequest, MissingTarget, TargetNotAllowed
from .keys import ADDRESS_POLICY, ALLOWED_ORIGINS, ALLOWLIST, CLIENT_ID, RATE, SETTINGS, TARGET
from .ratelimit import client_id
from .targets import Target, parse_target

TARGET_HEADER = "X-Target-Server"
TARGET_PARAM = "target"
PROXY_ROUTE = "proxy"
CREDENTIALS_ROUTE = "credentials"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_websocket_upgrade(request: web.Request) -> bool:
    """Whether the request asks to upgrade to a websocket."""
    upgrade = request.headers.get("Upgrade")
    return upgrade is not None and upgrade.lower() == "websocket"


def normalize_origin(origin: str) -> tuple[str, int] | None:
    """``(host, port)`` of an Origin value, or None when it is not an http(s) origin."""
    try:
        url = URL(origin)
    except ValueError:
        return None
    if url.scheme not in _DEFAULT_PORTS or url.host is None or url.path not in ("", "/"):
        return None
    return url.host.lower(), url.port or _DEFAULT_PORTS[url.scheme]


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


def check_same_origin(request: web.Request) -> None:
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
    if parsed in request.app[ALLOWED_ORIGINS]:
        return
    # The page's own origin is whatever host the browser addressed: Host, or the
    # X-Forwarded-Host an ingress in front set. A cross-site page can set neither.
    port = parsed[1]
    for name in ("Host", "X-Forwarded-Host"):
        if _host_header(request.headers.get(name), port) == parsed:
            return
    raise CrossSiteRequest()


def target_of(request: web.Request, websocket: bool) -> Target:
    """Parse and judge the target named by the request; raise the matching error."""
    raw = request.headers.get(TARGET_HEADER)
    if raw is None:
        raw = request.query.get(TARGET_PARAM)
    if not raw:
        raise MissingTarget()
    target = parse_target(raw, websocket)
    app = request.app
    reason = app[ALLOWLIST].refusal(target)
    if reason is not None:
        raise TargetNotAllowed(reason)
    if target.ip is not None:
        check_literal(target.host, target.ip, target.port, app[ADDRESS_POLICY], app[ALLOWLIST])
    return target


def apply_policy(request: web.Request) -> None:
    """Apply the origin, rate and target policy to proxied and credential requests."""
    route = request.match_info.route.name
    if route == PROXY_ROUTE:
        app = request.app
        websocket = is_websocket_upgrade(request)
        if websocket or request.method not in SAFE_METHODS:
            check_same_origin(request)
        client = client_id(request, app[SETTINGS].client_id_header)
        request[CLIENT_ID] = client
        app[RATE].hit(client)
        request[TARGET] = target_of(request, websocket)
    elif route == CREDENTIALS_ROUTE and request.method not in SAFE_METHODS:
        check_same_origin(request)
