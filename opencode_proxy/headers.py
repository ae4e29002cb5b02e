"""Which headers cross the proxy, in each direction.

The browser's identity (cookies, Kubeflow's user headers, any Authorization) never
reaches a sandbox, and nothing a sandbox answers may set state in the notebook's origin
(cookies, HSTS, Clear-Site-Data, CORS grants) or bring up the browser's password dialog.
"""

from __future__ import annotations

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from .credentials import authorization_for
from .keys import REQUEST_ID, SETTINGS
from .targets import Target

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)

# Never forwarded upstream: the user's identity, the proxy's own control headers, and
# headers the proxy sets itself.
REQUEST_DROP = HOP_BY_HOP | {
    "host",
    "cookie",
    "authorization",
    "kubeflow-userid",
    "kubeflow-groups",
    "x-target-server",
    "origin",
    "expect",
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-prefix",
    "x-real-ip",
    "x-request-id",
}
REQUEST_DROP_PREFIXES = ("x-auth-request-",)
# The websocket handshake is redone upstream by the proxy's own client.
WEBSOCKET_DROP = REQUEST_DROP | {
    "sec-websocket-key",
    "sec-websocket-version",
    "sec-websocket-extensions",
    "sec-websocket-protocol",
    "sec-websocket-accept",
    "content-length",
}

# Never passed back to the browser: state in the notebook's origin, auth prompts, and
# the security headers the proxy sets itself.
RESPONSE_DROP = HOP_BY_HOP | {
    "set-cookie",
    "set-cookie2",
    "www-authenticate",
    "content-length",
    "strict-transport-security",
    "clear-site-data",
    "alt-svc",
    "content-security-policy",
    "content-security-policy-report-only",
    "x-content-type-options",
    "service-worker-allowed",
    "report-to",
    "reporting-endpoints",
    "nel",
    "server",
    "date",
}
RESPONSE_DROP_PREFIXES = ("access-control-",)

# Every proxied response: if a browser ever renders it, it runs in a sandbox with no
# origin, no scripts and no requests, so it cannot act as the user.
SANDBOX_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "X-Content-Type-Options": "nosniff",
}


def _kept(
    headers: CIMultiDictProxy[str], drop: frozenset[str], prefixes: tuple[str, ...]
) -> CIMultiDict[str]:
    """A copy without the dropped headers, prefixes, and headers named in Connection."""
    named: frozenset[str] = frozenset()
    if "Connection" in headers:
        named = frozenset(
            token.strip().lower()
            for value in headers.getall("Connection")
            for token in value.split(",")
            if token.strip()
        )
    kept: CIMultiDict[str] = CIMultiDict()
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in drop or lowered in named or lowered.startswith(prefixes):
            continue
        kept.add(name, value)
    return kept


def upstream_request_headers(
    incoming: CIMultiDictProxy[str],
    target: Target,
    *,
    peer: str | None,
    scheme: str,
    forwarded_prefix: str,
    request_id: str,
    websocket: bool = False,
) -> CIMultiDict[str]:
    """The headers to send upstream for a browser request."""
    headers = _kept(incoming, WEBSOCKET_DROP if websocket else REQUEST_DROP, REQUEST_DROP_PREFIXES)
    headers["Host"] = target.netloc
    # OpenCode (and other servers) judge cross-site requests by Origin; seen from the
    # upstream, the proxy is the client, so the request comes from the target's own origin.
    if "Origin" in incoming:
        headers["Origin"] = target.origin
    if peer:
        headers["X-Forwarded-For"] = peer
    headers["X-Forwarded-Proto"] = incoming.get("X-Forwarded-Proto", scheme)
    if "Host" in incoming:
        headers["X-Forwarded-Host"] = incoming["Host"]
    headers["X-Forwarded-Prefix"] = forwarded_prefix
    headers["X-Request-Id"] = request_id
    return headers


def headers_for_upstream(
    request: web.Request, target: Target, websocket: bool = False
) -> CIMultiDict[str]:
    """The headers to send upstream for this browser request, credentials included."""
    headers = upstream_request_headers(
        request.headers,
        target,
        peer=request.remote,
        scheme=request.scheme,
        forwarded_prefix=request.app[SETTINGS].proxy_base.rstrip("/"),
        request_id=request[REQUEST_ID],
        websocket=websocket,
    )
    authorization = authorization_for(request, target)
    if authorization is not None:
        headers["Authorization"] = authorization
    return headers


def browser_response_headers(upstream: CIMultiDictProxy[str]) -> CIMultiDict[str]:
    """The headers to send the browser for an upstream response."""
    headers = _kept(upstream, RESPONSE_DROP, RESPONSE_DROP_PREFIXES)
    headers.update(SANDBOX_HEADERS)
    return headers
