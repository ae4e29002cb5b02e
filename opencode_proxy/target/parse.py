"""Parse a target server address and build the upstream URL beneath it.

A target is a base URL ``http[s]://host[:port][/base]``. Parsing is strict on purpose:
everything a browser or a URL library might read two ways (userinfo, backslashes,
percent-encoded hosts, numeric host spellings, dot segments) is refused instead of being
normalised, so the host the allowlist judges is the host the proxy connects to.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote

from yarl import URL

from ..edge.errors import BadPath, BadTarget

MAX_TARGET_LENGTH = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}
# ws/wss name the same servers as http/https; they are accepted for upgrades only.
WEBSOCKET_SCHEMES = {"ws": "http", "wss": "https"}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_TARGET = re.compile(
    r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)(?P<path>/[^?#]*)?$"
)
_AUTHORITY = re.compile(
    r"^(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<name>[^:\[\]]+))(?::(?P<port>\d{1,5}))?$"
)
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# WHATWG URL parsing treats a host whose last label is a number as an IPv4 address in
# one of many spellings (decimal, octal, hex, short forms). Only the canonical dotted
# quad is accepted; every other spelling is refused as ambiguous.
_NUMERIC_LABEL = re.compile(r"^(?:0[xX][0-9A-Fa-f]*|[0-9]+)$")
# Characters a path may carry as they are (RFC 3986 pchar, plus '/'); '%' only as an escape.
_PATH = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$")
_DOT_SEGMENT = re.compile(r"^(?:\.|%2[eE]){1,2}$")
# Characters that must be escaped before a path segment goes upstream.
_UNSAFE_PATH_CHAR = re.compile(r"[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]|%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed, normalised target server, with the spellings the proxy needs made once."""

    scheme: str
    host: str
    port: int
    base_path: str
    ip: IPAddress | None
    #: ``host:port`` with the port always present (IPv6 in brackets).
    host_port: str = field(init=False, compare=False)
    #: Host and port as they appear in a URL: the port only when not the default.
    netloc: str = field(init=False, compare=False)
    #: The target's own origin, as a browser would send it in ``Origin``.
    origin: str = field(init=False, compare=False)
    #: The canonical form of the target: origin and base path.
    url: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        host = f"[{self.host}]" if self.ip is not None and self.ip.version == 6 else self.host
        netloc = host if DEFAULT_PORTS[self.scheme] == self.port else f"{host}:{self.port}"
        origin = f"{self.scheme}://{netloc}"
        object.__setattr__(self, "host_port", f"{host}:{self.port}")
        object.__setattr__(self, "netloc", netloc)
        object.__setattr__(self, "origin", origin)
        object.__setattr__(self, "url", origin + self.base_path)


@lru_cache(maxsize=1024)
def parse_target(raw: str, websocket: bool = False) -> Target:
    """Parse a target base URL, raising :class:`BadTarget` with the reason when it is unsafe."""
    if len(raw) > MAX_TARGET_LENGTH:
        raise BadTarget(f"The target address is longer than {MAX_TARGET_LENGTH} characters.")
    if not raw.isascii() or not raw.isprintable() or any(c.isspace() for c in raw):
        raise BadTarget(
            "The target address may contain only printable ASCII characters without spaces."
        )
    if "\\" in raw:
        raise BadTarget("The target address must not contain a backslash.")
    match = _TARGET.match(raw)
    if match is None:
        raise BadTarget(
            "The target must be a base URL like http://host:port with no query or fragment."
        )
    scheme = match["scheme"].lower()
    if websocket and scheme in WEBSOCKET_SCHEMES:
        scheme = WEBSOCKET_SCHEMES[scheme]
    if scheme not in DEFAULT_PORTS:
        allowed = "http, https, ws or wss" if websocket else "http or https"
        raise BadTarget(f"The target's scheme must be {allowed}.")
    authority = match["authority"]
    if "@" in authority:
        raise BadTarget(
            "The target must not contain a user name or password: give them in the "
            "Username and Password fields (or to api/credentials) instead."
        )
    host, ip, port = _parse_authority(authority, scheme)
    return Target(scheme, host, port, _parse_base_path(match["path"] or ""), ip)


def _parse_authority(authority: str, scheme: str) -> tuple[str, IPAddress | None, int]:
    match = _AUTHORITY.match(authority)
    if match is None:
        raise BadTarget("The target's host or port is malformed.")
    port = DEFAULT_PORTS[scheme]
    if match["port"] is not None:
        port = int(match["port"])
        if not 1 <= port <= 65535:
            raise BadTarget("The target's port must be between 1 and 65535.")
    if match["ipv6"] is not None:
        try:
            ip6 = ipaddress.IPv6Address(match["ipv6"])
        except ValueError:
            raise BadTarget("The target's IPv6 address is malformed.") from None
        return ip6.compressed, ip6, port
    return (*_parse_name(match["name"]), port)


def _parse_name(name: str) -> tuple[str, IPAddress | None]:
    host = name.lower()
    if host.endswith("."):
        host = host[:-1]
    labels = host.split(".")
    if _NUMERIC_LABEL.match(labels[-1]):
        try:
            ip4 = ipaddress.IPv4Address(host)
        except ValueError:
            raise BadTarget(
                "The target's host looks like an IP address but is not a plain dotted quad."
            ) from None
        return ip4.compressed, ip4
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise BadTarget(
            "The target's host name may contain only letters, digits, '-' and '.' "
            "(use punycode for international names)."
        )
    return host, None


def _parse_base_path(path: str) -> str:
    if not _PATH.match(path):
        raise BadTarget("The target's path contains characters that must be escaped.")
    segments = path.split("/")[1:]
    if segments and segments[-1] == "":
        segments.pop()
    for segment in segments:
        if segment == "":
            raise BadTarget("The target's path must not contain '//'.")
        if _DOT_SEGMENT.match(segment):
            raise BadTarget("The target's path must not contain '.' or '..' segments.")
    return "".join("/" + segment for segment in segments)


def forward_path(target: Target, tail: str) -> str:
    """Join a raw (still percent-encoded) request path tail under the target's base path.

    The result is only ever used as the path of a URL built from the target's scheme,
    host and port, so nothing in ``tail`` can change where the request goes; dot segments
    (plain or escaped) are refused so it cannot climb out of the base path either.
    """
    if _UNSAFE_PATH_CHAR.search(tail):
        tail = _UNSAFE_PATH_CHAR.sub(_escape_char, tail)
    if "." in tail or "%2e" in tail.lower():
        for segment in tail.split("/"):
            if _DOT_SEGMENT.match(segment):
                raise BadPath("The path must not contain '.' or '..' segments.")
    return target.base_path + "/" + tail


def _escape_char(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode())


def forward_query(raw_query: str) -> str:
    """Remove every ``target`` parameter from a raw query string, keeping the rest as sent."""
    if "target" not in raw_query and "%" not in raw_query:
        return raw_query
    kept = [
        item
        for item in raw_query.split("&")
        if unquote(item.partition("=")[0].replace("+", " ")) != "target"
    ]
    return "&".join(kept)


def upstream_url(target: Target, tail: str, raw_query: str, websocket: bool = False) -> URL:
    """The URL to request upstream: always the target's scheme, host and port."""
    scheme = target.scheme
    if websocket:
        scheme = "wss" if scheme == "https" else "ws"
    host = f"[{target.host}]" if target.ip is not None and target.ip.version == 6 else target.host
    return URL.build(
        scheme=scheme,
        host=host,
        port=target.port,
        path=forward_path(target, tail),
        query_string=forward_query(raw_query),
        encoded=True,
    )
