"""The service's configuration: one frozen object, validated once at start-up."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

DEFAULT_ALLOW = ("*.svc.cluster.local",)
# Cluster services nobody's sandbox should be: the Kubernetes API and the system namespaces.
DEFAULT_DENY = (
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.*",
    "*.kube-system",
    "*.kube-system.*",
    "*.istio-system",
    "*.istio-system.*",
)
# Where cluster names may resolve to: the private ranges pod and service networks use.
DEFAULT_ALLOW_NETWORKS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
DEFAULT_UI_DIR = Path(__file__).parent / "static"
MIB = 1024 * 1024
PROXY_PATH = "/api/proxy/"

# A prefix is plain path segments: letters, digits and the unreserved/sub-delim characters
# that never need quoting in a URL path or escaping in HTML.
_PREFIX_SEGMENT = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@-]+$")


class SettingsError(ValueError):
    """A configuration value is invalid; the message names the setting."""


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


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its command line and environment."""

    host: str = "0.0.0.0"
    port: int = 8888
    prefix: str = ""
    allow: tuple[str, ...] = DEFAULT_ALLOW
    servers: tuple[str, ...] = ()
    ui_dir: Path = DEFAULT_UI_DIR
    log_format: Literal["json", "console"] = "json"
    log_level: str = "info"
    connect_timeout: float = 10.0
    shutdown_timeout: float = 5.0
    max_ws_message: int = 16 * MIB
    workers: int = 1
    deny: tuple[str, ...] = DEFAULT_DENY
    allow_networks: tuple[str, ...] = DEFAULT_ALLOW_NETWORKS
    allow_origins: tuple[str, ...] = ()
    servers_file: Path | None = None
    credential_idle_timeout: float = 8 * 3600.0
    client_id_header: str = "kubeflow-userid"
    rate_limit: float = 50.0
    rate_burst: int = 200
    max_streams: int = 64
    max_body_size: int = 0
    header_timeout: float = 10.0
    discover_namespace: str = ""
    discover_selector: str = "app.kubernetes.io/name=opencode"
    discover_port_name: str = "opencode"
    discover_interval: float = 30.0
    cluster_domain: str = "cluster.local"
    kubernetes_api: str = ""
    kubernetes_token_file: Path | None = None
    # Derived: where proxied requests live, ``<prefix>/api/proxy/``.
    proxy_base: str = field(init=False, repr=False)
    # Derived: whether each proxied request gets a log line (at info and debug).
    access_log: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "prefix", normalize_prefix(self.prefix))
        object.__setattr__(self, "proxy_base", self.prefix + PROXY_PATH)
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
        if self.credential_idle_timeout <= 0:
            raise SettingsError("credential-idle-timeout must be positive")
        if self.rate_limit < 0 or self.rate_burst < 1:
            raise SettingsError("rate-limit must not be negative and rate-burst at least 1")
        if self.max_streams < 0 or self.max_body_size < 0:
            raise SettingsError("max-streams and max-body-size must not be negative")
        if self.discover_interval < 1:
            raise SettingsError("discover-interval must be at least 1 second")
        if self.header_timeout <= 0:
            raise SettingsError("header-timeout must be positive")
        if self.log_level.lower() not in ("debug", "info", "warning", "error", "critical"):
            raise SettingsError("log-level must be debug, info, warning, error or critical")
