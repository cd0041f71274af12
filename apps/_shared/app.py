"""``build_service_app``: what every service shares, so each ``apps/<service>`` stays thin."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from dishka import Provider, make_async_container
from dishka.integrations.litestar import setup_dishka
from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.types import ControllerRouterHandler
from opentelemetry import trace

from adapters.http.edge import EdgeMiddleware
from adapters.http.health import HealthController, metrics
from adapters.http.metrics import HttpMetrics
from adapters.http.problems import EXCEPTION_HANDLERS
from apps._shared.ioc import infrastructure_providers
from apps._shared.relay import run_outbox_relay
from apps._shared.settings import PlatformSettings
from core.ports.health import HealthProbe

VERSION = "0.1.0"


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    title: str
    description: str
    route_handlers: Sequence[ControllerRouterHandler] = ()
    providers: Sequence[Provider] = field(default_factory=tuple)
    """The service's own providers, added after the infrastructure ones."""


def build_service_app(
    spec: ServiceSpec, settings: PlatformSettings, overrides: Sequence[Provider] = ()
) -> Litestar:
    """Overrides come last, so a test's provider replaces whatever it provides."""
    container = make_async_container(
        *infrastructure_providers(settings, spec.name),
        *spec.providers,
        *overrides,
        context={PlatformSettings: settings},
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # Resolve the app-scoped graph now: a bad DSN fails at start, not on the first request.
        await container.get(list[HealthProbe])
        relay = None
        if settings.outbox.relay_enabled:
            relay = asyncio.create_task(run_outbox_relay(container, settings.outbox, spec.name))
        try:
            yield
        finally:
            if relay is not None:
                relay.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await relay
            await container.close()

    http_metrics = HttpMetrics(spec.name)
    app = Litestar(
        route_handlers=[HealthController, metrics, *spec.route_handlers],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        request_max_body_size=settings.http.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title=spec.title, version=VERSION, description=spec.description, path="/openapi"
        ),
        logging_config=None,
        lifespan=[lifespan],
        state=State({"metrics": http_metrics, "service": spec.name}),
    )
    setup_dishka(container, app)
    tracer = trace.get_tracer(f"bhiv.{spec.name}")
    app.asgi_handler = EdgeMiddleware(
        app.asgi_handler,
        service=spec.name,
        metrics=http_metrics,
        tracer=tracer,
        access_log_enabled=settings.http.access_log,
    )
    return app
