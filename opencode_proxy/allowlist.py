"""Which target servers the proxy may reach: host patterns, parsed once, judged per request.

A pattern is a host glob with an optional port: ``*.svc.cluster.local`` (any port),
``sandbox.team-a.svc.cluster.local:4096``, ``127.0.0.1:4096``, ``[::1]:4096``,
``localhost:*``, or ``*`` alone for every host. A leading ``*.`` stands for one or more
whole labels; a ``*`` inside a label matches within that label only. IP literals are
never matched by a wildcard: an address is allowed only when a pattern names it exactly.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler

from .errors import MissingTarget, TargetNotAllowed
from .keys import ALLOWLIST, TARGET
from .settings import SettingsError
from .targets import IPAddress, Target, parse_target

TARGET_HEADER = "X-Target-Server"
TARGET_PARAM = "target"
PROXY_ROUTE = "proxy"

_PATTERN = re.compile(
    r"^(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9*.-]+))(?::(?P<port>\d{1,5}|\*))?$"
)
_GLOB_LABEL = re.compile(r"^[a-z0-9*](?:[a-z0-9*-]*[a-z0-9*])?$")


@dataclass(frozen=True)
class HostPattern:
    """One parsed allow or deny pattern."""

    text: str
    port: int | None
    ip: IPAddress | None = None
    exact: str | None = None
    glob: re.Pattern[str] | None = None

    @classmethod
    def parse(cls, text: str) -> HostPattern:
        """Parse ``host[:port]``; raise :class:`SettingsError` naming the bad pattern."""
        match = _PATTERN.match(text.strip())
        if match is None:
            raise SettingsError(f"invalid host pattern {text!r}: expected host[:port]")
        port = None if match["port"] in (None, "*") else int(match["port"])
        if port is not None and not 1 <= port <= 65535:
            raise SettingsError(f"invalid port in host pattern {text!r}")
        if match["ipv6"] is not None:
            try:
                return cls(text, port, ip=ipaddress.IPv6Address(match["ipv6"]))
            except ValueError:
                raise SettingsError(f"invalid IPv6 address in host pattern {text!r}") from None
        host = match["host"].lower().rstrip(".")
        try:
            return cls(text, port, ip=ipaddress.IPv4Address(host))
        except ValueError:
            pass
        if not all(_GLOB_LABEL.match(label) for label in host.split(".")):
            raise SettingsError(f"invalid host pattern {text!r}")
        if "*" not in host:
            return cls(text, port, exact=host)
        return cls(text, port, glob=_compile_glob(host))

    @property
    def names_exact_host_port(self) -> bool:
        """True when the pattern names one host and one port, with no wildcard."""
        return self.port is not None and self.glob is None

    def matches(self, target: Target) -> bool:
        """Whether the target's host and port fall under this pattern."""
        if self.port is not None and self.port != target.port:
            return False
        if target.ip is not None:
            return self.ip is not None and self.ip == target.ip
        if self.exact is not None:
            return self.exact == target.host
        return self.glob is not None and self.glob.match(target.host) is not None


def _compile_glob(host: str) -> re.Pattern[str]:
    if host == "*":
        return re.compile(r"^.+$")
    labels = host.split(".")
    parts = []
    for index, label in enumerate(labels):
        if label == "*" and index == 0:
            parts.append(r"(?:[a-z0-9-]+\.)*[a-z0-9-]+")
        else:
            parts.append("[a-z0-9-]*".join(re.escape(p) for p in label.split("*")))
    return re.compile("^" + r"\.".join(parts) + "$")


class Allowlist:
    """A set of host patterns; ``matches`` is true when any of them covers the target."""

    def __init__(self, patterns: tuple[str, ...] | list[str]):
        self.patterns = tuple(HostPattern.parse(p) for p in patterns)
        self._cache: dict[Target, bool] = {}

    @property
    def texts(self) -> list[str]:
        """The patterns as the operator wrote them."""
        return [p.text for p in self.patterns]

    def matches(self, target: Target) -> bool:
        """Whether any pattern covers the target (memoised: targets repeat)."""
        verdict = self._cache.get(target)
        if verdict is None:
            verdict = any(p.matches(target) for p in self.patterns)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[target] = verdict
        return verdict

    def names_exactly(self, target: Target) -> bool:
        """Whether a pattern names exactly this target's host and port (no wildcard)."""
        return any(p.names_exact_host_port and p.matches(target) for p in self.patterns)


def is_websocket_upgrade(request: web.Request) -> bool:
    """Whether the request asks to upgrade to a websocket."""
    upgrade = request.headers.get("Upgrade")
    return upgrade is not None and upgrade.lower() == "websocket"


def target_of(request: web.Request) -> Target:
    """Parse and judge the target named by the request; raise the matching error."""
    raw = request.headers.get(TARGET_HEADER)
    if raw is None:
        raw = request.query.get(TARGET_PARAM)
    if raw is None or raw == "":
        raise MissingTarget()
    target = parse_target(raw, is_websocket_upgrade(request))
    if not request.app[ALLOWLIST].matches(target):
        raise TargetNotAllowed(
            f"This notebook's policy does not allow the server {target.host_port}: "
            f"allowed are {', '.join(request.app[ALLOWLIST].texts) or 'none'}."
        )
    return target


@web.middleware
async def allowlist_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Judge the target of every proxied request before any connection is made."""
    if request.match_info.route.name == PROXY_ROUTE:
        request[TARGET] = target_of(request)
    return await handler(request)
