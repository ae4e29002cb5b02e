"""Which target servers the proxy may reach: host patterns, parsed once, judged per request.

A pattern is a host glob with an optional port: ``*.svc.cluster.local`` (any port),
``sandbox.team-a.svc.cluster.local:4096``, ``127.0.0.1:4096``, ``[::1]:4096``,
``localhost:*``, or ``*`` alone for every host. A ``*`` label at the start or the end
(``*.svc.cluster.local``, ``kubernetes.default.*``) stands for one or more whole labels;
a ``*`` inside a label matches within that label only. IP literals are never matched by
a wildcard: an address is allowed only when a pattern names it exactly.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..settings import SettingsError
from ..target.parse import IPAddress, Target

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
        return self.matches_host(target)

    def matches_host(self, target: Target) -> bool:
        """Whether the target's host falls under this pattern, whatever the port."""
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
        if label == "*" and (index == 0 or index == len(labels) - 1):
            # A whole-label wildcard at either end stands for one or more labels.
            parts.append(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*")
        else:
            parts.append("[a-z0-9-]*".join(re.escape(p) for p in label.split("*")))
    return re.compile("^" + r"\.".join(parts) + "$")


class Allowlist:
    """Allow and deny patterns, judged together; verdicts are memoised (targets repeat).

    A target is allowed when an allow pattern covers it and no deny pattern does. A host
    and port that an allow pattern names exactly is the operator's explicit choice and
    wins over the deny patterns.
    """

    def __init__(self, allow: Iterable[str], deny: Iterable[str] = ()):
        self.allow = tuple(HostPattern.parse(p) for p in allow)
        self.deny = tuple(HostPattern.parse(p) for p in deny)
        self._exact = frozenset(
            (p.exact if p.exact is not None else str(p.ip), p.port)
            for p in self.allow
            if p.names_exact_host_port
        )
        self._cache: dict[Target, str | None] = {}

    @property
    def texts(self) -> list[str]:
        """The allow patterns as the operator wrote them."""
        return [p.text for p in self.allow]

    @property
    def deny_texts(self) -> list[str]:
        """The deny patterns as the operator wrote them."""
        return [p.text for p in self.deny]

    def names_host_port(self, host: str, port: int) -> bool:
        """Whether an allow pattern names exactly this host and port (no wildcard)."""
        return (host.lower().rstrip("."), port) in self._exact

    def refusal(self, target: Target) -> str | None:
        """Why the target is refused, or None when it is allowed."""
        try:
            return self._cache[target]
        except KeyError:
            pass
        reason = self._judge(target)
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[target] = reason
        return reason

    def matches(self, target: Target) -> bool:
        """Whether the target is allowed."""
        return self.refusal(target) is None

    def _judge(self, target: Target) -> str | None:
        if not self.names_host_port(target.host, target.port):
            for pattern in self.deny:
                if pattern.matches(target):
                    return (
                        f"This notebook's policy denies the server {target.host_port} "
                        f"(pattern {pattern.text})."
                    )
        if not any(p.matches(target) for p in self.allow):
            return (
                f"This notebook's policy does not allow the server {target.host_port}: "
                + self._why_not_covered(target)
            )
        return None

    def _why_not_covered(self, target: Target) -> str:
        if not self.allow:
            return "it allows no servers at all."
        allowed = f"Allowed are {', '.join(self.texts)}."
        ports = sorted(
            {p.port for p in self.allow if p.port is not None and p.matches_host(target)}
        )
        if ports:
            listed = ", ".join(str(port) for port in ports)
            return f"{target.host} is allowed only on port {listed}, not {target.port}. {allowed}"
        if target.ip is not None and any(p.glob is not None for p in self.allow):
            return (
                f"{target.host} is an IP address, and wildcard patterns never cover addresses "
                f"(only a pattern naming it does): use the server's DNS name. {allowed}"
            )
        return allowed
