"""The operator's server list: shown to every user, not editable in the UI.

They come from ``--server [NAME=]URL`` and from ``--servers-file`` (JSON or YAML)::

    servers:
      - name: Team sandbox
        url: http://oc.team-a.svc.cluster.local:4096
        username: opencode                 # optional; "opencode" when a password is set
        password_file: /etc/opencode/pass  # or password_env: SANDBOX_PASSWORD
        default: true                      # optional; else the first server is the default

Passwords are read once at start-up and only ever used in ``Authorization`` headers
the proxy adds; ``/api/config`` says only whether a server has credentials.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..edge.errors import ProxyError
from ..settings import SettingsError
from .parse import Target, parse_target
from .vault import DEFAULT_USERNAME

if TYPE_CHECKING:
    from ..policy.gate import TargetPolicy
    from .discovery import Discovery

_KEYS = frozenset({"name", "url", "username", "password_file", "password_env", "default"})


@dataclass(frozen=True)
class ManagedServer:
    """One preconfigured OpenCode server."""

    name: str
    target: Target
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    default: bool = False

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


def _target(url: object, where: str) -> Target:
    if not isinstance(url, str):
        raise SettingsError(f"{where}: 'url' must be a URL such as http://host:4096")
    try:
        return parse_target(url.strip())
    except ProxyError as exc:
        raise SettingsError(f"{where}: {exc.message}") from None


def parse_server_option(text: str) -> ManagedServer:
    """Parse ``URL`` or ``NAME=URL`` as given to ``--server``."""
    name, sep, url = text.partition("=")
    if not sep or "://" in name:
        name, url = "", text
    target = _target(url, f"--server {text!r}")
    return ManagedServer(name=name.strip() or target.netloc, target=target)


def load_servers_file(path: Path, environ: Mapping[str, str]) -> tuple[ManagedServer, ...]:
    """Read a servers file (JSON, or YAML when not JSON) and the passwords it points at."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise SettingsError(f"cannot read servers file {path}: {exc.strerror}") from None
    try:
        data: Any = json.loads(text)
    except ValueError:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SettingsError(f"servers file {path} is neither JSON nor YAML: {exc}") from None
    if isinstance(data, dict):
        data = data.get("servers")
    if not isinstance(data, list):
        raise SettingsError(f"servers file {path} must hold a list under 'servers'")
    return tuple(
        _server_entry(entry, f"{path} entry {i + 1}", environ) for i, entry in enumerate(data)
    )


def _server_entry(entry: object, where: str, environ: Mapping[str, str]) -> ManagedServer:
    if not isinstance(entry, dict):
        raise SettingsError(f"{where}: must be a mapping with at least 'url'")
    unknown = set(entry) - _KEYS
    if unknown:
        raise SettingsError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    target = _target(entry.get("url"), where)
    password = _password(entry, where, environ)
    username = entry.get("username")
    if username is not None and (not isinstance(username, str) or ":" in username):
        raise SettingsError(f"{where}: 'username' must be text without ':'")
    if password is not None and not username:
        username = DEFAULT_USERNAME
    name = entry.get("name") or target.netloc
    if not isinstance(name, str):
        raise SettingsError(f"{where}: 'name' must be text")
    return ManagedServer(name, target, username, password, bool(entry.get("default", False)))


def _password(entry: dict[str, Any], where: str, environ: Mapping[str, str]) -> str | None:
    if "password_file" in entry and "password_env" in entry:
        raise SettingsError(f"{where}: give password_file or password_env, not both")
    if "password_file" in entry:
        try:
            password = Path(str(entry["password_file"])).read_text().rstrip("\r\n")
        except OSError as exc:
            raise SettingsError(f"{where}: cannot read password_file: {exc.strerror}") from None
    elif "password_env" in entry:
        name = str(entry["password_env"])
        if name not in environ:
            raise SettingsError(f"{where}: environment variable {name} is not set")
        password = environ[name]
    else:
        return None
    if not password:
        raise SettingsError(f"{where}: the password is empty")
    return password


def default_index(servers: tuple[ManagedServer, ...]) -> int:
    """Which server is the default: the one marked so, else the first."""
    for index, server in enumerate(servers):
        if server.default:
            return index
    return 0


class Catalog:
    """The servers offered to every user: the operator's, then the discovered ones."""

    def __init__(self, configured: tuple[ManagedServer, ...], policy: TargetPolicy):
        for server in configured:
            try:
                policy.judge(server.target)
            except ProxyError as exc:
                raise SettingsError(
                    f"server {server.url} is refused by the policy: {exc.message}"
                ) from None
        self.configured = configured
        self.discovery: Discovery | None = None

    @property
    def servers(self) -> tuple[ManagedServer, ...]:
        """Every server offered now."""
        if self.discovery is None:
            return self.configured
        return self.configured + self.discovery.servers

    def public(self) -> list[dict[str, object]]:
        """The list as ``api/config`` shows it: never a password."""
        servers = self.servers
        default = default_index(servers)
        return [s.public(default=i == default) for i, s in enumerate(servers)]

    def managed_credentials(self) -> list[tuple[Target, str, str]]:
        """Target, username and password of every configured server that has a password."""
        return [
            (s.target, s.username or DEFAULT_USERNAME, s.password)
            for s in self.configured
            if s.password
        ]
