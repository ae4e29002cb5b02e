"""The service's configuration: one frozen object, validated once at start-up.

Every setting is a field of :class:`Settings` and is written here once: its default, the
sentence that explains it, and how a command line spells it. :mod:`.cli` builds the
argument parser and the environment variables from these fields and nothing else.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

MIB = 1024 * 1024
PROXY_PATH = "api/proxy/"
ENV_PREFIX = "OPENCODE_PROXY_"

# A prefix is plain path segments: letters, digits and the unreserved/sub-delim characters
# that never need quoting in a URL path or escaping in HTML.
_PREFIX_SEGMENT = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@-]+$")
_DNS_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_SIZE = re.compile(r"^(?P<number>\d+)\s*(?P<unit>|k|kib|m|mib|g|gib)$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "kib": 1024, "m": MIB, "mib": MIB, "g": 1024 * MIB, "gib": 1024 * MIB}
LOG_LEVELS = ("debug", "info", "warning", "error")


class SettingsError(ValueError):
    """A configuration value is invalid; the message names the setting."""


def parse_size(text: str) -> int:
    """Parse a byte size such as ``16777216``, ``64KiB`` or ``16MiB``."""
    match = _SIZE.match(text.strip())
    if match is None:
        raise ValueError(f"not a size: {text!r} (use e.g. 1048576, 512KiB or 16MiB)")
    return int(match["number"]) * _UNITS[match["unit"].lower()]


def normalize_prefix(raw: str) -> str:
    """Validate a URL path prefix and return it without its trailing slash ('' for root)."""
    value = raw.strip()
    if value in ("", "/"):
        return ""
    if "://" in value or not value.startswith("/"):
        raise SettingsError(f"prefix must be a path starting with '/', got {raw!r}")
    if "//" in value:
        raise SettingsError(f"prefix must not contain '//', got {raw!r}")
    segments = value.strip("/").split("/")
    for segment in segments:
        if segment in (".", ".."):
            raise SettingsError(f"prefix must not contain '.' or '..' segments, got {raw!r}")
        if not _PREFIX_SEGMENT.match(segment):
            raise SettingsError(
                f"prefix may hold only letters, digits and -._~!$&'()*+,;=:@ , got {raw!r}"
            )
    return "/" + "/".join(segments)


def _is_dns_name(text: str) -> bool:
    labels = text.split(".")
    return len(text) <= 253 and all(_DNS_LABEL.match(label) for label in labels)


def _stderr_is_terminal(_: Mapping[str, str]) -> str:
    return "console" if sys.stderr.isatty() else "json"


def parse_state_dir(text: str) -> Path | None:
    """A state directory as the command line gives it: ``''`` or ``none`` for memory."""
    value = text.strip()
    if value.lower() in ("", "none"):
        return None
    return Path(value).expanduser()


def default_state_dir(environ: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/opencode-proxy``, else ``$HOME/.local/share/opencode-proxy``.

    In Kubeflow ``$HOME`` is the notebook's persistent volume; the root filesystem is
    read-only.
    """
    data_home = environ.get("XDG_DATA_HOME")
    if data_home and Path(data_home).is_absolute():
        return Path(data_home) / "opencode-proxy"
    home = environ.get("HOME")
    return (Path(home) if home else Path.home()) / ".local" / "share" / "opencode-proxy"


@dataclass(frozen=True)
class Option:
    """How the command line offers one setting."""

    help: str
    #: The flag without its dashes; the field name with dashes when not given.
    flag: str | None = None
    metavar: str | None = None
    #: Parses one command-line value; the field's type when not given.
    parse: Callable[[str], Any] | None = None
    choices: tuple[str, ...] | None = None
    #: A default that depends on the environment (``NB_PREFIX``, a terminal).
    from_environment: Callable[[Mapping[str, str]], Any] | None = None
    #: How the help names the default, when printing the value would mislead.
    shown_default: str | None = None


def setting(default: Any, help: str, **option: Any) -> Any:
    """A Settings field with its default and the command line's description of it."""
    return field(default=default, metadata={"option": Option(help, **option)})


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its command line and environment."""

    # Serving
    host: str = setting("0.0.0.0", "address to listen on")
    port: int = setting(8888, "port to listen on")
    prefix: str = setting(
        "",
        "URL path prefix everything is served under (Kubeflow sets NB_PREFIX)",
        from_environment=lambda environ: environ.get("NB_PREFIX") or "/",
    )
    ui_dir: Path = setting(
        Path(__file__).parent / "static",
        "directory of the built web UI",
        metavar="DIR",
        shown_default="the UI built into the package",
    )
    workers: int = setting(1, "processes sharing the port", metavar="N")
    shutdown_timeout: float = setting(
        5.0,
        "seconds to let requests finish after SIGTERM; requests still running then are "
        "answered 503, event streams end and websockets close with 1001 at once",
        metavar="SECONDS",
    )
    log_format: Literal["json", "console"] = setting(
        "json",
        "log format (json when stderr is not a terminal)",
        choices=("json", "console"),
        from_environment=_stderr_is_terminal,
    )
    log_level: str = setting("info", "minimum level to log", choices=LOG_LEVELS)

    # Which servers may be reached
    allow: tuple[str, ...] = setting(
        ("*.svc.cluster.local",),
        "target servers the proxy may reach: host glob with optional port, e.g. "
        "'*.svc.cluster.local', 'sandbox.ns.svc.cluster.local:4096', '127.0.0.1:4096', "
        "'localhost:*'; repeat the flag, or separate with commas in the variable",
        metavar="PATTERN",
    )
    # Cluster services nobody's sandbox should be: the Kubernetes API and system namespaces.
    deny: tuple[str, ...] = setting(
        (
            "kubernetes",
            "kubernetes.default",
            "kubernetes.default.*",
            "*.kube-system",
            "*.kube-system.*",
            "*.istio-system",
            "*.istio-system.*",
        ),
        "target servers refused even when an allow pattern covers them (same syntax); "
        "an allow pattern naming the exact host:port wins; repeatable",
        metavar="PATTERN",
    )
    # Where cluster names may resolve to: the private ranges pod and service networks use.
    allow_networks: tuple[str, ...] = setting(
        ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"),
        "networks (CIDR) an allowed name may resolve to; loopback, link-local, metadata "
        "and this host's own addresses stay refused unless an allow pattern names the "
        "exact host:port; repeatable",
        flag="allow-network",
        metavar="CIDR",
    )
    allow_origins: tuple[str, ...] = setting(
        (),
        "extra origins (scheme://host[:port]) whose pages may use the proxy for "
        "websockets and state-changing requests; the UI's own origin always may",
        flag="allow-origin",
        metavar="ORIGIN",
    )
    servers: tuple[str, ...] = setting(
        (),
        "an OpenCode server to offer every user, as URL or NAME=URL; the first is the "
        "default; repeatable",
        flag="server",
        metavar="[NAME=]URL",
    )
    servers_file: Path | None = setting(
        None,
        "JSON or YAML file of preconfigured servers (name, url, username, password_file "
        "or password_env, default); shown to users without their secrets",
        parse=Path,
        metavar="FILE",
    )
    connect_timeout: float = setting(
        10.0,
        "seconds to wait for a target server to accept a connection (then 504)",
        metavar="SECONDS",
    )
    max_ws_message: int = setting(
        16 * MIB,
        "largest websocket message relayed, in bytes (suffixes KiB, MiB)",
        parse=parse_size,
        metavar="SIZE",
    )
    credential_idle_timeout: float = setting(
        30 * 24 * 3600.0,
        "seconds after which passwords a browser stored, and the cookie holding their key, "
        "are forgotten when unused; every use renews them",
        metavar="SECONDS",
    )

    # What the proxy keeps
    state_dir: Path | None = setting(
        None,
        "directory of the proxy's database: each user's servers, default server and "
        "preferences, and the passwords browsers stored, sealed with a key only the "
        "browser's cookie holds; '' or 'none' keeps all of it in memory until the proxy stops",
        parse=parse_state_dir,
        metavar="DIR",
        from_environment=default_state_dir,
        shown_default="$XDG_DATA_HOME/opencode-proxy, else $HOME/.local/share/opencode-proxy",
    )
    state_on_error: Literal["fail", "memory"] = setting(
        "fail",
        "when the state directory cannot be used (unwritable, corrupt, from a newer "
        "version): 'fail' stops start-up with the reason, 'memory' warns and keeps state "
        "in memory until the proxy stops",
        choices=("fail", "memory"),
    )

    # Limits per client
    client_id_header: str = setting(
        "kubeflow-userid",
        "header a trusted ingress sets to name the user, for per-user limits; never "
        "forwarded to a target (empty: use the peer address)",
        metavar="NAME",
    )
    rate_limit: float = setting(
        50.0, "proxied requests per second per client, sustained (0: no limit)", metavar="N"
    )
    rate_burst: int = setting(200, "proxied requests a client may burst", metavar="N")
    max_streams: int = setting(
        64, "open event streams plus websockets per client (0: no limit)", metavar="N"
    )
    max_body_size: int = setting(
        0,
        "largest request body forwarded, in bytes with suffixes KiB, MiB, GiB (0: no limit)",
        parse=parse_size,
        metavar="SIZE",
    )
    header_timeout: float = setting(
        10.0,
        "seconds a client has to send a request's headers, counted from a new "
        "connection or from the first byte of each later request on it",
        metavar="SECONDS",
    )
    body_timeout: float = setting(
        30.0,
        "seconds a request body may stall (no byte arriving while the proxy wants "
        "more) before the request is answered 408",
        metavar="SECONDS",
    )

    # Discovery
    discover_namespace: str = setting(
        "",
        "find OpenCode Services in this namespace through the Kubernetes API and offer "
        "them as servers (off when empty)",
        metavar="NS",
    )
    discover_selector: str = setting(
        "app.kubernetes.io/name=opencode",
        "label selector of the Services to offer",
        metavar="SELECTOR",
    )
    discover_port_name: str = setting(
        "opencode",
        "name of the Service port OpenCode listens on (else the first TCP port)",
        metavar="NAME",
    )
    discover_interval: float = setting(
        30.0,
        "seconds between full relists of the Services (changes in between arrive by watch)",
        metavar="SECONDS",
    )
    cluster_domain: str = setting("cluster.local", "the cluster's DNS domain", metavar="DOMAIN")
    kubernetes_api: str = setting(
        "",
        "URL of the Kubernetes API (default: in-cluster, from KUBERNETES_SERVICE_HOST)",
        metavar="URL",
        shown_default="in-cluster",
    )
    kubernetes_token_file: Path | None = setting(
        None,
        "service account token file (default: the in-cluster one)",
        parse=Path,
        metavar="FILE",
        shown_default="in-cluster",
    )

    # Derived: where proxied requests live, ``<prefix>/api/proxy/``.
    proxy_base: str = field(init=False, repr=False)
    # Derived: whether each proxied request gets a log line (at info and debug).
    access_log: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "prefix", normalize_prefix(self.prefix))
        object.__setattr__(self, "proxy_base", self.prefix + "/" + PROXY_PATH)
        object.__setattr__(self, "access_log", self.log_level.lower() in ("debug", "info"))
        if not 0 <= self.port <= 65535:
            raise SettingsError(f"port must be between 0 and 65535, got {self.port}")
        if self.connect_timeout <= 0:
            raise SettingsError("connect-timeout must be positive")
        if self.shutdown_timeout < 0:
            raise SettingsError("shutdown-timeout must not be negative")
        if self.max_ws_message < 1024:
            raise SettingsError("max-ws-message must be at least 1024 bytes")
        if self.workers < 1:
            raise SettingsError("workers must be at least 1")
        if self.log_format not in ("json", "console"):
            raise SettingsError("log-format must be 'json' or 'console'")
        if self.credential_idle_timeout < 60:
            raise SettingsError("credential-idle-timeout must be at least 60 seconds")
        if self.state_on_error not in ("fail", "memory"):
            raise SettingsError("state-on-error must be 'fail' or 'memory'")
        if self.rate_limit < 0 or self.rate_burst < 1:
            raise SettingsError("rate-limit must not be negative and rate-burst at least 1")
        if self.max_streams < 0 or self.max_body_size < 0:
            raise SettingsError("max-streams and max-body-size must not be negative")
        if self.discover_interval < 1:
            raise SettingsError("discover-interval must be at least 1 second")
        if self.header_timeout <= 0 or self.body_timeout <= 0:
            raise SettingsError("header-timeout and body-timeout must be positive")
        if self.log_level.lower() not in (*LOG_LEVELS, "critical"):
            raise SettingsError("log-level must be debug, info, warning or error")
        if not _is_dns_name(self.cluster_domain.lower().rstrip(".")):
            raise SettingsError(
                f"cluster-domain must be a DNS name such as cluster.local, "
                f"got {self.cluster_domain!r}"
            )


def options() -> tuple[tuple[str, Option], ...]:
    """Every setting the command line offers: the field name and its option."""
    return tuple((f.name, f.metadata["option"]) for f in fields(Settings) if "option" in f.metadata)


def flag_of(name: str, option: Option) -> str:
    """The command-line flag of a setting, with its dashes."""
    return "--" + (option.flag or name.replace("_", "-"))


def env_of(name: str, option: Option) -> str:
    """The environment variable of a setting: ``OPENCODE_PROXY_`` and the flag's name."""
    return ENV_PREFIX + (option.flag or name).upper().replace("-", "_")
