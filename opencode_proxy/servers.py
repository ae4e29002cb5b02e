"""Servers the operator configured: shown to every user, not editable in the UI."""

from __future__ import annotations

from dataclasses import dataclass, field

from .allowlist import Allowlist
from .errors import BadTarget
from .settings import SettingsError
from .targets import Target, parse_target


@dataclass(frozen=True)
class ManagedServer:
    """One preconfigured OpenCode server."""

    name: str
    target: Target
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The server's canonical base URL."""
        return self.target.url

    def public(self, *, default: bool) -> dict[str, object]:
        """What the UI may know about this server: never its password."""
        return {
            "name": self.name,
            "url": self.url,
            "username": self.username,
            "managed": True,
            "default": default,
            "credentials": self.password is not None,
        }


def parse_server_option(text: str) -> ManagedServer:
    """Parse ``URL`` or ``NAME=URL`` as given to ``--server``."""
    name, sep, url = text.partition("=")
    if not sep or "://" in name:
        name, url = "", text
    try:
        target = parse_target(url.strip())
    except BadTarget as exc:
        raise SettingsError(f"invalid --server {text!r}: {exc.message}") from None
    return ManagedServer(name=name.strip() or target.netloc, target=target)


def check_allowed(servers: tuple[ManagedServer, ...], allowlist: Allowlist) -> None:
    """Refuse to start with a managed server the allow patterns would refuse anyway."""
    for server in servers:
        if not allowlist.matches(server.target):
            raise SettingsError(
                f"server {server.url} is not covered by any --allow pattern "
                f"({', '.join(allowlist.texts)})"
            )
