"""The :class:`Proxy`: every object a request's handlers need, built once from the settings.

Handlers are bound to the parts they use when the application is made (see
:mod:`.app`); nothing is looked up per request. The parts, in the order a proxied
request meets them: the gate (origin, rate, target policy), the catalog and the vault
(the operator's servers, the passwords sealed in the state database), the header rules
and the upstream client, and beside them the metrics, the user's activity, the open
streams and their caps, the drain that a shutdown waits on, and the guard (the one
middleware) that every request passes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web
from aiohttp.abc import AbstractResolver

from .edge.activity import Activity
from .edge.metrics import Metrics
from .edge.middleware import RequestGuard
from .policy.addresses import AddressPolicy, own_addresses, parse_networks
from .policy.allowlist import Allowlist
from .policy.gate import Gate, TargetPolicy
from .policy.origin import OriginCheck
from .policy.ratelimit import RequestRate, StreamCap
from .relay.client import Upstream
from .relay.headers import HeaderRules
from .relay.streams import StreamRegistry
from .serve.drain import Drain
from .settings import Settings
from .state.database import Database
from .target.catalog import Catalog, load_servers_file, parse_server_option
from .target.vault import CredentialVault


@dataclass(eq=False)
class Proxy:
    """The service's parts, shared by every request of one application."""

    settings: Settings
    targets: TargetPolicy
    origins: OriginCheck
    gate: Gate
    catalog: Catalog
    database: Database
    vault: CredentialVault
    header_rules: HeaderRules
    upstream: Upstream
    metrics: Metrics
    activity: Activity
    streams: StreamRegistry
    stream_cap: StreamCap
    drain: Drain
    guard: RequestGuard

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        resolver: AbstractResolver | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Proxy:
        """Parse and check the configuration once; raise SettingsError if it is wrong."""
        allowlist = Allowlist(settings.allow, settings.deny)
        targets = TargetPolicy(
            allowlist, AddressPolicy(parse_networks(settings.allow_networks), own_addresses())
        )
        origins = OriginCheck(settings.allow_origins)
        servers = tuple(parse_server_option(s) for s in settings.servers)
        if settings.servers_file is not None:
            servers += load_servers_file(
                settings.servers_file, os.environ if environ is None else environ
            )
        catalog = Catalog(servers, targets)
        metrics = Metrics()
        database = Database(
            settings.state_dir, fallback=settings.state_on_error == "memory", metrics=metrics
        )
        vault = CredentialVault(
            database,
            settings.credential_idle_timeout,
            user_header=settings.client_id_header,
            cookie_path=settings.prefix + "/",
            managed=catalog.managed_credentials(),
        )
        drain = Drain()
        return cls(
            settings=settings,
            targets=targets,
            origins=origins,
            gate=Gate(
                targets,
                origins,
                RequestRate(settings.rate_limit, settings.rate_burst),
                settings.client_id_header,
            ),
            catalog=catalog,
            database=database,
            vault=vault,
            header_rules=HeaderRules(settings.client_id_header, settings.proxy_base.rstrip("/")),
            upstream=Upstream(targets, settings.connect_timeout, resolver),
            metrics=metrics,
            activity=Activity(),
            streams=StreamRegistry(metrics.open_streams),
            stream_cap=StreamCap(settings.max_streams),
            drain=drain,
            guard=RequestGuard(metrics, drain, vault),
        )

    async def on_shutdown(self, app: web.Application) -> None:
        """End every stream at once, then give requests the rest of the shutdown timeout."""
        self.drain.draining = True
        await self.streams.shutdown()
        await self.drain.run(self.settings.shutdown_timeout)
