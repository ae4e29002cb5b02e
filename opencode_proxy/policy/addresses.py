"""Where an allowed name may lead: resolve once, judge every address, connect to those.

The judging happens inside the resolver the proxy's upstream client connects through, so
the addresses checked are exactly the addresses connected to: a name that answers a
harmless address to the check and the metadata server to the connect (DNS rebinding)
cannot win, because there is no second lookup. IP-literal targets never reach a resolver
(aiohttp skips it for them), so the upstream client judges those itself, before it
connects (see :class:`.gate.TargetPolicy`).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from ..settings import SettingsError
from ..target.parse import IPAddress
from .allowlist import Allowlist

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Cloud metadata services; some sit inside ranges a cluster may allow (fd00:ec2::254 is ULA).
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)
# IPv6 prefixes that carry an IPv4 address inside: judged as the IPv4 they hide, they could
# reach anything, so they are refused outright.
_EMBEDDED_IPV4 = tuple(
    ipaddress.ip_network(n)
    for n in (
        "::ffff:0:0/96",  # IPv4-mapped
        "::/96",  # IPv4-compatible (deprecated)
        "64:ff9b::/96",  # NAT64
        "64:ff9b:1::/48",  # local-use NAT64
        "2002::/16",  # 6to4
        "2001::/32",  # Teredo
    )
)
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")


class AddressNotAllowed(OSError):
    """Raised inside the resolver; the proxy turns it into a 403."""

    def __init__(self, host: str, address: str, reason: str):
        super().__init__(f"{host} resolves to {address} ({reason})")
        self.host = host
        self.address = address
        self.reason = reason


def parse_networks(texts: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Parse CIDR strings; raise :class:`SettingsError` naming a bad one."""
    networks = []
    for text in texts:
        try:
            networks.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError:
            raise SettingsError(
                f"invalid network {text!r}: expected CIDR like 10.0.0.0/8"
            ) from None
    return tuple(networks)


def own_addresses() -> frozenset[IPAddress]:
    """The addresses this host's name resolves to (a pod's own IP in Kubernetes)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, proto=socket.IPPROTO_TCP)
    except OSError:
        return frozenset()
    return frozenset(ipaddress.ip_address(info[4][0]) for info in infos)


class AddressPolicy:
    """Which resolved addresses a target may be reached at."""

    def __init__(self, networks: Iterable[IPNetwork], own: Iterable[IPAddress] = ()):
        self.networks = tuple(networks)
        self.own = frozenset(own)

    def violation(self, address: IPAddress) -> str | None:
        """Why the address may not be connected to, or None when it may."""
        if address in METADATA:
            return "a cloud metadata address"
        if address.is_loopback:
            return "a loopback address"
        if address.is_unspecified or (address.version == 4 and address in _THIS_NETWORK):
            return "an unspecified address"
        if address.is_link_local:
            return "a link-local address"
        if address.is_multicast:
            return "a multicast address"
        if address.version == 6 and any(address in n for n in _EMBEDDED_IPV4):
            return "an IPv6 address with an IPv4 address inside"
        if address in self.own:
            return "this proxy's own address"
        if not any(address.version == n.version and address in n for n in self.networks):
            return "outside the allowed networks"
        return None


class GuardedResolver(AbstractResolver):
    """Resolve with ``inner`` and refuse the whole answer if any address is not allowed.

    A host and port that an allow pattern names exactly (``127.0.0.1:4096``,
    ``sandbox.local:4096``) are the operator's explicit choice and are not judged.
    """

    def __init__(self, inner: AbstractResolver, policy: AddressPolicy, allowlist: Allowlist):
        self.inner = inner
        self.policy = policy
        self.allowlist = allowlist

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self.inner.resolve(host, port, family)
        if self.allowlist.names_host_port(host, port):
            return results
        for result in results:
            reason = self.policy.violation(ipaddress.ip_address(result["host"]))
            if reason is not None:
                raise AddressNotAllowed(host, result["host"], reason)
        return results

    async def close(self) -> None:
        await self.inner.close()


def default_resolver() -> AbstractResolver:
    """aiohttp's default resolver (aiodns when installed, else the thread pool)."""
    return aiohttp.DefaultResolver()
