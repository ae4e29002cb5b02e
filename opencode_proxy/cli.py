"""The command line: every option also read from ``OPENCODE_PROXY_<NAME>``; builds Settings."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .logs import default_log_format
from .settings import (
    DEFAULT_ALLOW,
    DEFAULT_ALLOW_NETWORKS,
    DEFAULT_DENY,
    DEFAULT_UI_DIR,
    MIB,
    Settings,
    SettingsError,
)

ENV_PREFIX = "OPENCODE_PROXY_"
_SIZE = re.compile(r"^(?P<number>\d+)\s*(?P<unit>|k|kib|m|mib|g|gib)$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "kib": 1024, "m": MIB, "mib": MIB, "g": 1024 * MIB, "gib": 1024 * MIB}


def parse_size(text: str) -> int:
    """Parse a byte size such as ``16777216``, ``64KiB`` or ``16MiB``."""
    match = _SIZE.match(text.strip())
    if match is None:
        raise ValueError(f"not a size: {text!r} (use e.g. 1048576, 512KiB or 16MiB)")
    return int(match["number"]) * _UNITS[match["unit"].lower()]


@dataclass(frozen=True)
class Option:
    """One setting: its flag, how to parse it, its default and its help."""

    name: str
    help: str
    parse: Callable[[str], Any] = str
    default: Any = None
    repeat: bool = False
    metavar: str | None = None
    choices: tuple[str, ...] | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper().replace("-", "_")

    @property
    def field(self) -> str:
        plural = {
            "server": "servers",
            "allow-network": "allow_networks",
            "allow-origin": "allow_origins",
        }
        return plural.get(self.name, self.name.replace("-", "_"))


def options(environ: Mapping[str, str]) -> tuple[Option, ...]:
    """Every option, with defaults that may depend on the environment (NB_PREFIX)."""
    return (
        Option("host", "address to listen on", default="0.0.0.0"),
        Option("port", "port to listen on", int, 8888),
        Option(
            "prefix",
            "URL path prefix everything is served under (Kubeflow sets NB_PREFIX)",
            default=environ.get("NB_PREFIX") or "/",
        ),
        Option(
            "allow",
            "target servers the proxy may reach: host glob with optional port, e.g. "
            "'*.svc.cluster.local', 'sandbox.ns.svc.cluster.local:4096', '127.0.0.1:4096', "
            "'localhost:*'; repeat the flag, or separate with commas in the variable",
            default=DEFAULT_ALLOW,
            repeat=True,
            metavar="PATTERN",
        ),
        Option(
            "deny",
            "target servers refused even when an allow pattern covers them (same syntax); "
            "an allow pattern naming the exact host:port wins; repeatable",
            default=DEFAULT_DENY,
            repeat=True,
            metavar="PATTERN",
        ),
        Option(
            "allow-network",
            "networks (CIDR) an allowed name may resolve to; loopback, link-local, metadata "
            "and this host's own addresses stay refused unless an allow pattern names the "
            "exact host:port; repeatable",
            default=DEFAULT_ALLOW_NETWORKS,
            repeat=True,
            metavar="CIDR",
        ),
        Option(
            "allow-origin",
            "extra origins (scheme://host[:port]) whose pages may use the proxy for "
            "websockets and state-changing requests; the UI's own origin always may",
            default=(),
            repeat=True,
            metavar="ORIGIN",
        ),
        Option(
            "servers-file",
            "JSON or YAML file of preconfigured servers (name, url, username, password_file "
            "or password_env, default); shown to users without their secrets",
            Path,
            None,
            metavar="FILE",
        ),
        Option(
            "credential-idle-timeout",
            "seconds after which unused stored credentials are forgotten",
            float,
            8 * 3600.0,
            metavar="SECONDS",
        ),
        Option(
            "client-id-header",
            "header a trusted ingress sets to name the user, for per-user limits (empty: "
            "use the peer address)",
            default="kubeflow-userid",
            metavar="NAME",
        ),
        Option(
            "rate-limit",
            "proxied requests per second per client, sustained (0: no limit)",
            float,
            50.0,
            metavar="N",
        ),
        Option("rate-burst", "proxied requests a client may burst", int, 200, metavar="N"),
        Option(
            "max-streams",
            "open event streams plus websockets per client (0: no limit)",
            int,
            64,
            metavar="N",
        ),
        Option(
            "max-body-size",
            "largest request body forwarded, in bytes with suffixes KiB, MiB, GiB (0: no limit)",
            parse_size,
            0,
            metavar="SIZE",
        ),
        Option(
            "header-timeout",
            "seconds a new connection has to send complete request headers",
            float,
            10.0,
            metavar="SECONDS",
        ),
        Option(
            "discover-namespace",
            "find OpenCode Services in this namespace through the Kubernetes API and offer "
            "them as servers (off when empty)",
            default="",
            metavar="NS",
        ),
        Option(
            "discover-selector",
            "label selector of the Services to offer",
            default="app.kubernetes.io/name=opencode",
            metavar="SELECTOR",
        ),
        Option(
            "discover-port-name",
            "name of the Service port OpenCode listens on (else the first TCP port)",
            default="opencode",
            metavar="NAME",
        ),
        Option(
            "discover-interval",
            "seconds between full relists of the Services (changes in between arrive by watch)",
            float,
            30.0,
            metavar="SECONDS",
        ),
        Option(
            "cluster-domain", "the cluster's DNS domain", default="cluster.local", metavar="DOMAIN"
        ),
        Option(
            "kubernetes-api",
            "URL of the Kubernetes API (default: in-cluster, from KUBERNETES_SERVICE_HOST)",
            default="",
            metavar="URL",
        ),
        Option(
            "kubernetes-token-file",
            "service account token file (default: the in-cluster one)",
            Path,
            None,
            metavar="FILE",
        ),
        Option(
            "server",
            "an OpenCode server to offer every user, as URL or NAME=URL; the first is the "
            "default; repeatable",
            default=(),
            repeat=True,
            metavar="[NAME=]URL",
        ),
        Option("ui-dir", "directory of the built web UI", Path, DEFAULT_UI_DIR, metavar="DIR"),
        Option(
            "log-format",
            "log format (json when stderr is not a terminal)",
            default=default_log_format(),
            choices=("json", "console"),
        ),
        Option(
            "log-level",
            "minimum level to log",
            default="info",
            choices=("debug", "info", "warning", "error"),
        ),
        Option(
            "connect-timeout",
            "seconds to wait for a target server to accept a connection (then 504)",
            float,
            10.0,
            metavar="SECONDS",
        ),
        Option(
            "shutdown-timeout",
            "seconds to let requests finish after SIGTERM",
            float,
            5.0,
            metavar="SECONDS",
        ),
        Option(
            "max-ws-message",
            "largest websocket message relayed, in bytes (suffixes KiB, MiB)",
            parse_size,
            16 * MIB,
            metavar="SIZE",
        ),
        Option("workers", "processes sharing the port", int, 1, metavar="N"),
    )


def build_parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    """The argument parser; its help names each option's variable and default."""
    parser = argparse.ArgumentParser(
        prog="opencode-proxy",
        description=(
            "Serve the OpenCode web UI under a Kubeflow notebook prefix and proxy its API "
            "calls, event streams and terminals to OpenCode servers in sandbox pods."
        ),
        epilog="Every option can also be set with the environment variable named in its help.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    for option in options(environ):
        default = option.default
        shown = ",".join(default) if isinstance(default, tuple) else default
        parser.add_argument(
            option.flag,
            dest=option.field,
            action="append" if option.repeat else "store",
            default=None,
            metavar=option.metavar,
            choices=option.choices,
            help=f"{option.help} [env {option.env}; default: {shown or 'none'}]",
        )
    return parser


def settings_from(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Parse the command line and environment into validated Settings (exit 2 on error)."""
    environ = os.environ if environ is None else environ
    parser = build_parser(environ)
    args = parser.parse_args(argv)
    values: dict[str, Any] = {}
    for option in options(environ):
        given = getattr(args, option.field)
        source = option.flag
        if given is None and option.env in environ:
            given = environ[option.env]
            source = option.env
            if option.repeat:
                given = [item for item in given.split(",") if item.strip()]
            elif option.choices and given not in option.choices:
                parser.error(f"{source}: must be one of {', '.join(option.choices)}")
        if given is None:
            values[option.field] = option.default
            continue
        try:
            if option.repeat:
                values[option.field] = tuple(option.parse(item.strip()) for item in given)
            else:
                values[option.field] = option.parse(given)
        except ValueError as exc:
            parser.error(f"{source}: {exc}")
    try:
        return Settings(**values)
    except SettingsError as exc:
        parser.error(str(exc))
        raise  # unreachable: parser.error exits
