"""Which headers cross the proxy, in each direction: allowlists, not denylists.

Upstream go only the headers OpenCode needs from a browser's request (content
negotiation, the body's own headers, conditional and range requests, ``x-opencode-*``,
tracing ids), then the ones the proxy sets itself. Anything else, a browser's or an
ingress's, stays behind: cookies, ``Authorization`` (the proxy adds its own from the
vault), the identity headers ingresses add (Kubeflow's, oauth2-proxy's, ALB's, IAP's)
and the operator's configured identity header, whatever its name.

Back to the browser go only headers that describe the answer's body and its caching;
nothing a sandbox sends may set state in the notebook's origin (cookies, HSTS,
Clear-Site-Data, CORS grants), bring up the browser's password dialog, pose as the
proxy (``X-Proxy-*``), or send the browser elsewhere: a ``Location`` is passed as
``X-Proxy-Redirect-Location``, which no browser follows, for the UI to show.
"""

from __future__ import annotations

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy, istr

from ..target.parse import Target

# From the browser, passed upstream as they are.
REQUEST_ALLOWED = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "cache-control",
        "content-encoding",
        "content-language",
        "content-type",
        "if-match",
        "if-modified-since",
        "if-none-match",
        "if-range",
        "if-unmodified-since",
        "last-event-id",
        "pragma",
        "range",
        "traceparent",
        "tracestate",
        "user-agent",
    }
)
REQUEST_ALLOWED_PREFIXES = ("x-opencode-",)
# Never upstream, even if a rule above came to cover them: who the user is, and tokens.
NEVER_UPSTREAM = frozenset(
    {
        "authorization",
        "cookie",
        "proxy-authorization",
        "kubeflow-userid",
        "kubeflow-groups",
        "x-forwarded-access-token",
        "x-forwarded-email",
        "x-forwarded-groups",
        "x-forwarded-preferred-username",
        "x-forwarded-user",
        "x-goog-iap-jwt-assertion",
    }
)
NEVER_UPSTREAM_PREFIXES = ("x-auth-request-", "x-amzn-oidc-", "x-goog-authenticated-user-")

# From the target, passed to the browser as they are.
RESPONSE_ALLOWED = frozenset(
    {
        "accept-ranges",
        "age",
        "cache-control",
        "content-disposition",
        "content-encoding",
        "content-language",
        "content-range",
        "content-type",
        "etag",
        "expires",
        "last-modified",
        "pragma",
        "retry-after",
        "vary",
    }
)
RESPONSE_ALLOWED_PREFIXES = ("x-opencode-",)
REDIRECT_HEADER = "X-Proxy-Redirect-Location"

# Every proxied response: if a browser ever renders it, it runs in a sandbox with no
# origin, no scripts and no requests, so it cannot act as the user.
SANDBOX_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "X-Content-Type-Options": "nosniff",
}

assert not REQUEST_ALLOWED & NEVER_UPSTREAM
assert not any(name.startswith(NEVER_UPSTREAM_PREFIXES) for name in REQUEST_ALLOWED)


_CONNECTION = istr("Connection")
_ORIGIN = istr("Origin")
_HOST = istr("Host")
_FORWARDED_PROTO = istr("X-Forwarded-Proto")
# Verdicts by header name as it was spelled (names repeat from request to request). The
# maps stay small: past this many spellings nothing more is remembered.
_MAX_REMEMBERED = 512
_KEEP, _DROP, _REDIRECT = 0, 1, 2


def _named_in_connection(headers: CIMultiDictProxy[str]) -> frozenset[str]:
    """Headers a sender marked hop-by-hop by naming them in ``Connection``."""
    if _CONNECTION not in headers:
        return frozenset()
    return frozenset(
        token.strip().lower()
        for value in headers.getall(_CONNECTION)
        for token in value.split(",")
        if token.strip()
    )


def _response_verdict(lowered: str) -> int:
    if lowered in RESPONSE_ALLOWED or lowered.startswith(RESPONSE_ALLOWED_PREFIXES):
        return _KEEP
    return _REDIRECT if lowered == "location" else _DROP


_RESPONSE_VERDICTS: dict[str, int] = {}


class HeaderRules:
    """The allowlists with the operator's identity header taken out, computed once."""

    def __init__(self, identity_header: str, forwarded_prefix: str):
        identity = identity_header.strip().lower()
        self.never = NEVER_UPSTREAM | ({identity} if identity else set())
        self.allowed = REQUEST_ALLOWED - self.never
        self.forwarded_prefix = forwarded_prefix
        self._verdicts: dict[str, bool] = {}

    def _passes(self, lowered: str) -> bool:
        return lowered in self.allowed or (
            lowered.startswith(REQUEST_ALLOWED_PREFIXES)
            and lowered not in self.never
            and not lowered.startswith(NEVER_UPSTREAM_PREFIXES)
        )

    def _kept_for_upstream(self, incoming: CIMultiDictProxy[str]) -> CIMultiDict[str]:
        hop = _named_in_connection(incoming)
        verdicts = self._verdicts
        kept: CIMultiDict[str] = CIMultiDict()
        for name, value in incoming.items():
            passes = verdicts.get(name)
            if passes is None:
                passes = self._passes(name.lower())
                if len(verdicts) < _MAX_REMEMBERED:
                    verdicts[name] = passes
            if passes and not (hop and name.lower() in hop):
                kept.add(name, value)
        return kept

    def upstream(
        self,
        request: web.Request,
        target: Target,
        request_id: str,
        authorization: str | None,
    ) -> CIMultiDict[str]:
        """The headers to send upstream for a browser request (the client adds Host)."""
        incoming = request.headers
        headers = self._kept_for_upstream(incoming)
        # OpenCode (and other servers) judge cross-site requests by Origin; seen from the
        # upstream, the proxy is the client, so the request comes from the target's origin.
        if _ORIGIN in incoming:
            headers[_ORIGIN] = target.origin
        peer = request.remote
        if peer:
            headers["X-Forwarded-For"] = peer
        headers[_FORWARDED_PROTO] = incoming.get(_FORWARDED_PROTO, request.scheme)
        host = incoming.get(_HOST)
        if host is not None:
            headers["X-Forwarded-Host"] = host
        headers["X-Forwarded-Prefix"] = self.forwarded_prefix
        headers["X-Request-Id"] = request_id
        if authorization is not None:
            headers["Authorization"] = authorization
        return headers


def browser_headers(upstream: CIMultiDictProxy[str], headers: CIMultiDict[str]) -> None:
    """Add to ``headers`` (a new response's, still empty) what the browser is sent of a
    target's answer's headers. (Filled in place: a response copies headers given to it.)"""
    hop = _named_in_connection(upstream)
    for name, value in upstream.items():
        verdict = _RESPONSE_VERDICTS.get(name)
        if verdict is None:
            verdict = _response_verdict(name.lower())
            if len(_RESPONSE_VERDICTS) < _MAX_REMEMBERED:
                _RESPONSE_VERDICTS[name] = verdict
        if hop and name.lower() in hop:
            continue
        if verdict == _KEEP:
            headers.add(name, value)
        elif verdict == _REDIRECT:
            headers[REDIRECT_HEADER] = value
    headers.update(SANDBOX_HEADERS)
