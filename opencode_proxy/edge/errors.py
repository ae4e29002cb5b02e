"""Errors that reach a client: each has an HTTP status and a stable machine code.

Callers match on the type, never on the message. Every error becomes the JSON body
``{"error": code, "message": sentence}`` and the header ``X-Proxy-Error: code``, so the UI
can tell an answer of the proxy itself from one the upstream server gave.
"""

from __future__ import annotations

import json
from typing import ClassVar

from aiohttp import web

ERROR_HEADER = "X-Proxy-Error"


class ProxyError(Exception):
    """Base of every error the proxy answers with; carries an HTTP status hint."""

    status: int = 500
    code: ClassVar[str] = "internal_error"
    default_message: ClassVar[str] = "The proxy failed to handle this request."

    def __init__(
        self,
        message: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        status: int | None = None,
    ):
        self.message = message or self.default_message
        self.headers = headers or {}
        if status is not None:
            self.status = status
        super().__init__(self.message)

    def to_response(self) -> web.Response:
        """Render the error as a JSON response."""
        return error_response(self.status, self.code, self.message, self.headers)


class InternalError(ProxyError):
    """Something unexpected failed inside the proxy; details are only in its log."""


class BadRequest(ProxyError):
    status = 400
    code = "bad_request"
    default_message = "The request is malformed."


class MissingTarget(BadRequest):
    code = "missing_target"
    default_message = (
        "No target server given: send the X-Target-Server header or the target query parameter."
    )


class BadTarget(BadRequest):
    code = "bad_target"
    default_message = "The target server address is malformed."


class BadPath(BadRequest):
    code = "bad_path"
    default_message = "The path to forward is malformed."


class TooManyServers(BadRequest):
    code = "too_many_servers"
    default_message = "A user may keep at most 200 servers: remove some first."


class ValueTooLong(BadRequest):
    code = "value_too_long"
    default_message = "A value is longer than this service keeps."


class UnknownServer(BadRequest):
    code = "unknown_server"
    default_message = "That server is neither one of yours nor one the operator offers."


class UnknownPreference(BadRequest):
    code = "unknown_preference"
    default_message = "Only the preferences model, agent and variant are kept."


class BadUser(BadRequest):
    code = "bad_user"
    default_message = "The user name the ingress sent is too long to keep state for."


class WrongCredentials(ProxyError):
    status = 401
    code = "wrong_credentials"
    default_message = "The server refused this username and password."


class Forbidden(ProxyError):
    status = 403
    code = "forbidden"
    default_message = "This request is not allowed."


class TargetNotAllowed(Forbidden):
    code = "target_not_allowed"
    default_message = "This notebook's policy does not allow that target server."


class TargetAddressNotAllowed(Forbidden):
    code = "target_address_not_allowed"
    default_message = "The target server's address is not allowed by this notebook's policy."


class CrossSiteRequest(Forbidden):
    code = "cross_site_request"
    default_message = "This request did not come from this notebook's own page, so it was refused."


class BodyTooLarge(ProxyError):
    status = 413
    code = "body_too_large"
    default_message = "The request body is larger than this service accepts."

    @classmethod
    def over(cls, limit: int) -> BodyTooLarge:
        """The error for a body over ``limit`` bytes."""
        return cls(f"The request body is larger than the {limit} bytes this service accepts.")


class BodyTimeout(ProxyError):
    status = 408
    code = "body_timeout"
    default_message = "The request body stopped arriving, so the request was given up."


class RateLimited(ProxyError):
    status = 429
    code = "rate_limited"
    default_message = "Too many requests: slow down and retry shortly."


class TooManyStreams(ProxyError):
    status = 503
    code = "too_many_streams"
    default_message = "Too many open event streams and terminals: close some and retry."


class ShuttingDown(ProxyError):
    status = 503
    code = "shutting_down"
    default_message = (
        "The notebook service is shutting down and could not finish this request: retry."
    )


class StateUnavailable(ProxyError):
    """The proxy's database failed or is not open; nothing was stored."""

    status = 503
    code = "state_unavailable"
    default_message = "The proxy's database could not be used just now, so nothing was kept: retry."


class NotFound(ProxyError):
    status = 404
    code = "not_found"
    default_message = "Nothing is served at this path."


class MethodNotAllowed(ProxyError):
    status = 405
    code = "method_not_allowed"
    default_message = "This method is not allowed here."


class UpstreamError(ProxyError):
    """The target broke the exchange: closed early, or answered something unusable."""

    status = 502
    code = "upstream_error"
    default_message = "The target server failed."


class UpstreamRedirect(UpstreamError):
    """The target answered with a redirect, which is never passed on to the browser."""

    code = "upstream_redirect"
    default_message = "The target server answered with a redirect, which is not followed."


class UpstreamUnreachable(UpstreamError):
    code = "upstream_unreachable"
    default_message = "Could not connect to the target server."


class UpstreamRefusedUpgrade(UpstreamError):
    """The target answered a websocket upgrade with an HTTP error; its status is kept."""

    code = "upstream_refused_upgrade"
    default_message = "The target server refused the websocket connection."


class UpstreamTimeout(UpstreamError):
    status = 504
    code = "upstream_timeout"
    default_message = "The target server did not answer in time."


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON error response with the stable code in a header too."""
    body = json.dumps({"error": code, "message": message}).encode()
    response = web.Response(status=status, body=body, content_type="application/json")
    response.headers[ERROR_HEADER] = code
    response.headers["Cache-Control"] = "no-store"
    if headers:
        response.headers.update(headers)
    return response


_HTTP_CODES = {
    400: "bad_request",
    408: "body_timeout",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    431: "headers_too_large",
}


def http_exception_response(exc: web.HTTPException) -> web.StreamResponse:
    """Turn aiohttp's own HTTP errors (404 from the router, 405, 413...) into JSON errors."""
    code = _HTTP_CODES.get(exc.status, "http_error")
    message = {
        "not_found": "Nothing is served at this path.",
        "method_not_allowed": "This method is not allowed here.",
        "body_too_large": "The request body is larger than this service accepts.",
        "headers_too_large": "The request line or headers are larger than this service accepts.",
    }.get(code, exc.reason + ".")
    headers = {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "retry-after")}
    return error_response(exc.status, code, message, headers)
