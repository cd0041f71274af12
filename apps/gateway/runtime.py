"""One gateway's routing state: a pool and a proxy per service, the shared client, the checker."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

from litestar import Litestar, asgi
from litestar.handlers import ASGIRouteHandler

from adapters.http.access import GATEWAY, ROUTE_CLASS_KEY
from adapters.http.gateway.client_ip import is_trusted
from adapters.http.gateway.proxy import ServiceProxy
from adapters.http.gateway.route_policies import RoutePolicies
from adapters.http.gateway.settings import GatewaySettings
from adapters.upstream.client import UpstreamClient
from adapters.upstream.health_checker import ActiveHealthChecker
from apps.gateway.config import service_routes, trusted_networks
from core.domain.routing.pool import UpstreamPool
from core.domain.routing.retry import RetryPolicy
from core.ports.clock import Clock


class GatewayRuntime:
    def __init__(self, settings: GatewaySettings, services: Mapping[str, int], clock: Clock) -> None:
        self.settings = settings
        self.trusted = trusted_networks(settings)
        routes = service_routes(
            settings, {name: port for name, port in services.items() if name != "gateway"}
        )
        self.pools = {
            name: UpstreamPool(
                name,
                route.upstreams,
                route.strategy,
                clock,
                failure_threshold=settings.eject_after_failures,
                cool_down_seconds=settings.eject_seconds,
            )
            for name, route in routes.items()
        }
        retry = RetryPolicy(max_retries=settings.retries)
        self.proxies = {
            name: ServiceProxy(
                route,
                self.pools[name],
                retry,
                max_body_bytes=settings.max_body_bytes,
                client_body_timeout=settings.client_body_timeout_seconds,
                gateway=self,
            )
            for name, route in routes.items()
        }
        self.policies = RoutePolicies(self.pools)
        self.checker = ActiveHealthChecker(
            list(self.pools.values()),
            path=settings.health_path,
            interval_seconds=settings.health_interval_seconds,
            timeout_seconds=settings.health_timeout_seconds,
            on_healthy=self.policies.upstream_became_healthy,
        )
        self._client: UpstreamClient | None = None

    @property
    def client(self) -> UpstreamClient:
        if self._client is None:
            raise RuntimeError("the gateway's lifespan has not started")
        return self._client

    def is_trusted(self, peer: str | None) -> bool:
        return peer is not None and is_trusted(peer, self.trusted)

    def mount_paths(self) -> list[str]:
        return [f"/api/{name}" for name in self.proxies]

    def route_handlers(self) -> list[ASGIRouteHandler]:
        """One mount per service; the gateway's edge authenticates them (a token, unless the
        service declared the route public) and the service checks again."""
        return [
            asgi(
                path,
                is_mount=True,
                copy_scope=True,
                opt={"access": GATEWAY, ROUTE_CLASS_KEY: name},
                name=f"proxy-{name}",
            )(proxy)
            for path, (name, proxy) in zip(self.mount_paths(), self.proxies.items(), strict=True)
        ]

    def report(self) -> dict[str, Any]:
        return {name: pool.report() for name, pool in self.pools.items()}

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncIterator[None]:
        # The client adds no headers of its own (no Accept-Encoding: an answer would come back
        # compressed to a client that never asked) and keeps no cookies (one client serves all).
        ca_file = self.settings.upstream_ca_file or None
        self._client = UpstreamClient(self.settings.pool_connections, ca_file=ca_file)
        # Checks have connections of their own: a pool full of slow requests must not make an
        # upstream that answers look down.
        checks = UpstreamClient(connections_per_upstream=1, ca_file=ca_file)
        checker = asyncio.create_task(self.checker.run(checks))
        policies = asyncio.create_task(self.policies.run(checks))
        try:
            yield
        finally:
            for task in (checker, policies):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await checks.close()
            await self._client.close()
            self._client = None
