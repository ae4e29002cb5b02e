"""The policy every proxied request passes before any connection is made.

In order: it must come from the UI's own origin if it changes anything or opens a
websocket; the client must be within its request rate; its target must parse, be
allowed by name, and (for IP literals) by address. Names are judged by address later,
inside the resolver (see :mod:`.addresses`), on the very answer that is connected to.

:class:`TargetPolicy` is the one judge of targets: the proxy route, ``api/check``,
``api/credentials`` and the upstream client itself all ask it.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from multidict import istr

from ..edge.errors import MissingTarget, ProxyError, TargetAddressNotAllowed, TargetNotAllowed
from ..target.parse import Target, parse_target
from .addresses import AddressPolicy
from .allowlist import Allowlist
from .origin import OriginCheck
from .ratelimit import RequestRate, client_id

TARGET_HEADER = "X-Target-Server"
TARGET_PARAM = "target"
_TARGET_HEADER = istr(TARGET_HEADER)
_UPGRADE = istr("Upgrade")


def is_websocket_upgrade(request: web.Request) -> bool:
    """Whether the request asks to upgrade to a websocket."""
    upgrade = request.headers.get(_UPGRADE)
    return upgrade is not None and upgrade.lower() == "websocket"


class TargetPolicy:
    """Whether a target may be reached: by its name and port, and, for an IP, its address."""

    def __init__(self, allowlist: Allowlist, addresses: AddressPolicy):
        self.allowlist = allowlist
        self.addresses = addresses
        # Verdicts by target and by spelling (targets repeat; the policy is fixed at start).
        self._addresses: dict[Target, str | None] = {}
        self._raw: dict[tuple[str, bool], Target | ProxyError] = {}

    def judge(self, target: Target) -> Target:
        """Return the target if it may be reached; raise the error that says why not."""
        reason = self.allowlist.refusal(target)
        if reason is not None:
            raise TargetNotAllowed(reason)
        if target.ip is not None:
            self.judge_address(target)
        return target

    def judge_raw(self, raw: str, websocket: bool = False) -> Target:
        """Parse a target as the browser sent it, then judge it."""
        key = (raw, websocket)
        verdict = self._raw.get(key)
        if verdict is None:
            try:
                verdict = self.judge(parse_target(raw, websocket))
            except ProxyError as exc:
                verdict = exc
            if len(self._raw) > 4096:
                self._raw.clear()
            self._raw[key] = verdict
        if isinstance(verdict, ProxyError):
            raise type(verdict)(verdict.message)
        return verdict

    def judge_address(self, target: Target) -> None:
        """Judge an IP-literal target's address the way the resolver judges a name's."""
        if target.ip is None:
            return
        try:
            reason = self._addresses[target]
        except KeyError:
            reason = None
            if not self.allowlist.names_host_port(target.host, target.port):
                reason = self.addresses.violation(target.ip)
            if len(self._addresses) > 4096:
                self._addresses.clear()
            self._addresses[target] = reason
        if reason is not None:
            raise TargetAddressNotAllowed(
                f"The address {target.ip} is not allowed as a target: it is {reason}."
            )


@dataclass(frozen=True, slots=True)
class Admission:
    """A proxied request the policy let through: its target and who asks."""

    target: Target
    client: str
    websocket: bool


class Gate:
    """Origin, rate and target policy for ``api/proxy``, configured once."""

    def __init__(
        self,
        targets: TargetPolicy,
        origins: OriginCheck,
        rate: RequestRate,
        client_id_header: str,
    ):
        self.targets = targets
        self.origins = origins
        self.rate = rate
        self.client_id_header = client_id_header

    def admit(self, request: web.Request) -> Admission:
        """Apply the origin, rate and target policy; raise the matching error."""
        websocket = is_websocket_upgrade(request)
        if websocket:
            self.origins.check(request)
        else:
            self.origins.check_unless_safe(request)
        client = client_id(request, self.client_id_header)
        self.rate.hit(client)
        raw = request.headers.get(_TARGET_HEADER)
        if raw is None:
            raw = request.query.get(TARGET_PARAM)
        if not raw:
            raise MissingTarget()
        return Admission(self.targets.judge_raw(raw, websocket), client, websocket)
