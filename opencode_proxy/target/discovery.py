"""Find a user's sandboxes: OpenCode Services in a namespace, listed and watched.

Off unless ``--discover-namespace`` is set. The proxy lists the Services matching
``--discover-selector`` through the Kubernetes API with its service account, then
watches them (list, then watch from the list's resourceVersion; relist when the watch
expires or breaks), and offers each as a managed server in ``/api/config``. The allow
and deny patterns still apply: a Service whose name they refuse is skipped.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import structlog

from ..edge.errors import ProxyError
from ..settings import Settings
from .catalog import Catalog, ManagedServer
from .parse import parse_target

if TYPE_CHECKING:
    from ..policy.gate import TargetPolicy

log = structlog.get_logger("opencode_proxy.discovery")

SERVICE_ACCOUNT = Path("/var/run/secrets/kubernetes.io/serviceaccount")
NAME_ANNOTATION = "opencode-proxy/display-name"
RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class ApiAccess:
    """Where the Kubernetes API is and how to authenticate to it."""

    url: str
    token_file: Path
    ca_file: Path | None

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiAccess:
        """The configured API, or the in-cluster one from the service account."""
        if settings.kubernetes_api:
            url = settings.kubernetes_api.rstrip("/")
        else:
            host = os.environ.get("KUBERNETES_SERVICE_HOST", "kubernetes.default.svc")
            port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
            url = f"https://{host}:{port}"
        token = settings.kubernetes_token_file or SERVICE_ACCOUNT / "token"
        ca = SERVICE_ACCOUNT / "ca.crt"
        return cls(url, token, ca if url.startswith("https:") and ca.exists() else None)

    def headers(self) -> dict[str, str]:
        """Authorization from the token file, read each time (tokens are rotated)."""
        try:
            token = self.token_file.read_text().strip()
        except OSError:
            return {}
        return {"Authorization": f"Bearer {token}"}


def server_from_service(service: dict[str, Any], settings: Settings) -> ManagedServer | None:
    """The OpenCode server a Service stands for, or None if it has no usable port."""
    metadata = service.get("metadata", {})
    name, namespace = metadata.get("name"), metadata.get("namespace")
    ports = service.get("spec", {}).get("ports") or []
    tcp = [p for p in ports if p.get("protocol", "TCP") == "TCP" and "port" in p]
    if not name or not namespace or not tcp:
        return None
    named = [p for p in tcp if p.get("name") == settings.discover_port_name]
    port = (named or tcp)[0]["port"]
    host = f"{name}.{namespace}.svc.{settings.cluster_domain}"
    try:
        target = parse_target(f"http://{host}:{port}")
    except ProxyError:
        return None
    display = (metadata.get("annotations") or {}).get(NAME_ANNOTATION) or name
    return ManagedServer(name=str(display), target=target)


class Discovery:
    """The Services found so far, kept current by list and watch."""

    def __init__(self, settings: Settings, policy: TargetPolicy, access: ApiAccess):
        self.settings = settings
        self.policy = policy
        self.access = access
        self.services: dict[str, ManagedServer] = {}

    @property
    def servers(self) -> tuple[ManagedServer, ...]:
        """The discovered servers, sorted by name."""
        return tuple(sorted(self.services.values(), key=lambda s: s.name))

    def _path(self) -> str:
        return f"{self.access.url}/api/v1/namespaces/{self.settings.discover_namespace}/services"

    def _params(self) -> dict[str, str]:
        return (
            {"labelSelector": self.settings.discover_selector}
            if self.settings.discover_selector
            else {}
        )

    def _apply(self, kind: str, service: dict[str, Any]) -> None:
        uid = service.get("metadata", {}).get("uid") or service.get("metadata", {}).get("name")
        if not uid:
            return
        if kind == "DELETED":
            self.services.pop(uid, None)
            return
        server = server_from_service(service, self.settings)
        reason = None
        if server is not None:
            try:
                self.policy.judge(server.target)
            except ProxyError as exc:
                reason = exc.message
        if server is None or reason is not None:
            log.info(
                "discovery.skipped", service=service.get("metadata", {}).get("name"), reason=reason
            )
            self.services.pop(uid, None)
            return
        self.services[uid] = server

    async def list(self, session: aiohttp.ClientSession) -> str:
        """Replace what is known with a fresh list; return its resourceVersion."""
        async with session.get(
            self._path(), params=self._params(), headers=self.access.headers()
        ) as response:
            response.raise_for_status()
            body = await response.json()
        self.services.clear()
        for item in body.get("items") or []:
            item.setdefault("metadata", {}).setdefault(
                "namespace", self.settings.discover_namespace
            )
            self._apply("ADDED", item)
        log.info("discovery.listed", count=len(self.services))
        return str(body.get("metadata", {}).get("resourceVersion", ""))

    async def watch(self, session: aiohttp.ClientSession, version: str) -> None:
        """Follow changes from ``version`` until the API ends the watch (after the interval)."""
        seconds = max(1, int(self.settings.discover_interval))
        params = {
            **self._params(),
            "watch": "1",
            "resourceVersion": version,
            "allowWatchBookmarks": "true",
            "timeoutSeconds": str(seconds),
        }
        timeout = aiohttp.ClientTimeout(total=seconds + 30)
        async with session.get(
            self._path(), params=params, headers=self.access.headers(), timeout=timeout
        ) as response:
            if response.status == 410:
                return  # the version is too old: relist
            response.raise_for_status()
            async for line in response.content:
                if not line.strip():
                    continue
                event = json.loads(line)
                kind = event.get("type")
                if kind == "ERROR":
                    return  # typically 410 Gone inside the stream: relist
                if kind in ("ADDED", "MODIFIED", "DELETED"):
                    self._apply(kind, event.get("object") or {})

    async def run(self) -> None:
        """List, watch for the refresh interval, list again; back off after failures."""
        ssl_context: ssl.SSLContext | bool = True
        if self.access.ca_file is not None:
            ssl_context = ssl.create_default_context(cafile=str(self.access.ca_file))
        connector = aiohttp.TCPConnector(ssl=ssl_context)
        async with aiohttp.ClientSession(connector=connector, trust_env=False) as session:
            while True:
                try:
                    await self.watch(session, await self.list(session))
                except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                    log.warning("discovery.failed", error=str(exc) or type(exc).__name__)
                    await asyncio.sleep(RETRY_SECONDS)
                except Exception:
                    # Anything else is a bug, but one answer the API gave must not end
                    # discovery for the life of the process: log it whole and carry on.
                    log.exception("discovery.error")
                    await asyncio.sleep(RETRY_SECONDS)

    def start(self, catalog: Catalog) -> asyncio.Task[None]:
        """Run in the background, offering what is found through ``catalog``."""
        catalog.discovery = self
        task = asyncio.ensure_future(self.run())
        task.add_done_callback(_ended)
        return task


def _ended(task: asyncio.Task[None]) -> None:
    """Say so loudly if discovery ever stops other than by being cancelled at shutdown."""
    if task.cancelled():
        return
    error = task.exception()
    log.error(
        "discovery.stopped",
        error=repr(error) if error is not None else "returned",
        message="Discovery has stopped: servers found from now on will not be offered.",
    )
