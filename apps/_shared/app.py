"""``build_service_app``: what every service shares, so each ``apps/<service>`` stays thin."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from dishka import STRICT_VALIDATION, AsyncContainer, Provider, make_async_container
from dishka.exceptions import NoFactoryError
from dishka.integrations.litestar import setup_dishka
from litestar import Litestar
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.types import ASGIApp, ControllerRouterHandler, Receive, Scope, Send
from opentelemetry import trace
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.audit import AuditChain
from adapters.http.access import PUBLIC, declared_access, required_permissions
from adapters.http.audit.controller import service_audit_controller
from adapters.http.auth import AuthenticationMiddleware
from adapters.http.docs import docs_assets, openapi_config
from adapters.http.edge import EdgeMiddleware
from adapters.http.health import HealthController, metrics
from adapters.http.idempotency import IdempotencyMiddleware
from adapters.http.media_type import BodyMediaTypeMiddleware
from adapters.http.metrics import HttpMetrics
from adapters.http.problems import EXCEPTION_HANDLERS
from adapters.http.whoami import whoami
from apps._shared.ioc import infrastructure_providers
from apps._shared.relay import run_outbox_relay
from apps._shared.settings import PlatformSettings, for_service
from core.ports.health import HealthProbe

VERSION = "0.1.0"
OPENAPI_PATH = "/openapi"
StartupHook = Callable[[AsyncContainer], Coroutine[Any, Any, None]]
AsgiWrapper = Callable[[ASGIApp], ASGIApp]
Lifespan = Callable[[Litestar], AbstractAsyncContextManager[None]]


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    title: str
    description: str
    route_handlers: Sequence[ControllerRouterHandler] = ()
    providers: Sequence[Provider] = field(default_factory=tuple)
    """The service's own providers, added after the infrastructure ones."""
    on_startup: Sequence[StartupHook] = ()
    """Run once the container is built, before the first request (e.g. ensure a signing key)."""
    asgi_wrappers: Sequence[AsgiWrapper] = ()
    """Pure ASGI layers inside the edge middleware, before routing; the first is outermost."""
    middleware: Sequence[DefineMiddleware] = ()
    """Route middleware after authentication (it sees ``scope["user"]``)."""
    lifespans: Sequence[Lifespan] = ()
    """Entered after the shared lifespan (the container is up), left before it."""
    state: Mapping[str, Any] = field(default_factory=dict)
    """Added to the app's state; ``readiness_reports`` (name -> callable) extends /health/ready."""
    background: Sequence[StartupHook] = ()
    """Long-running loops (consumers, checkers), started after start-up, cancelled at shutdown."""
    serves_own_audit: bool = True
    """``/v1/audit`` and ``/v1/audit/verify`` for the service's own chain; the gateway's admin
    API serves every chain instead."""
    mounts_without_request_scope: Sequence[str] = ()
    """Path prefixes of pure ASGI mounts (the gateway's proxy) that resolve nothing per request,
    so no request-scoped container is opened for them."""


def service_container(
    spec: ServiceSpec, settings: PlatformSettings, overrides: Sequence[Provider] = ()
) -> AsyncContainer:
    """The one way a service's container is made, for its app and for the ``bhiv`` command alike.
    Overrides come last and say so (``override=True``): the graph is validated strictly at start."""
    return make_async_container(
        *infrastructure_providers(settings),
        *spec.providers,
        *overrides,
        context={PlatformSettings: settings, AuditChain: AuditChain(spec.name)},
        validation_settings=STRICT_VALIDATION,
    )


def build_service_app(
    spec: ServiceSpec, settings: PlatformSettings, overrides: Sequence[Provider] = ()
) -> Litestar:
    settings = for_service(settings, spec.name)
    container = service_container(spec, settings, overrides)

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # Resolve the app-scoped graph now: a bad DSN fails at start, not on the first request.
        await container.get(list[HealthProbe])
        with contextlib.suppress(NoFactoryError):  # a service without a database of its own
            http_metrics.watch_pool((await container.get(AsyncEngine)).pool)
        for hook in spec.on_startup:
            await hook(container)
        loops: list[asyncio.Task[None]] = [asyncio.create_task(loop(container)) for loop in spec.background]
        if settings.outbox.relay_enabled:
            loops.append(asyncio.create_task(run_outbox_relay(container, settings.outbox, spec.name)))
        try:
            yield
        finally:
            for task in loops:
                task.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            await container.close()

    http_metrics = HttpMetrics(spec.name, VERSION)
    app = Litestar(
        route_handlers=[
            HealthController,
            metrics,
            whoami,
            docs_assets(OPENAPI_PATH),
            *([service_audit_controller(spec.name)] if spec.serves_own_audit else []),
            *spec.route_handlers,
        ],
        middleware=[
            AuthenticationMiddleware,
            BodyMediaTypeMiddleware,
            IdempotencyMiddleware,
            *spec.middleware,
        ],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        request_max_body_size=settings.http.max_body_bytes,
        openapi_config=openapi_config(
            title=spec.title, version=VERSION, description=spec.description, path=OPENAPI_PATH
        ),
        logging_config=None,
        lifespan=[lifespan, *spec.lifespans],
        state=State({"metrics": http_metrics, "service": spec.name, **spec.state}),
    )
    _open_framework_routes(app)
    _document_access(app)
    without_scope = app.asgi_handler
    setup_dishka(container, app)
    if spec.mounts_without_request_scope:
        app.asgi_handler = _skip_request_scope(
            app.asgi_handler, without_scope, spec.mounts_without_request_scope
        )
    tracer = trace.get_tracer(f"bhiv.{spec.name}")
    inner = app.asgi_handler
    for wrap in reversed(spec.asgi_wrappers):
        inner = wrap(inner)
    app.asgi_handler = EdgeMiddleware(
        inner,
        service=spec.name,
        metrics=http_metrics,
        tracer=tracer,
        access_log_enabled=settings.http.access_log,
    )
    return app


def _skip_request_scope(with_scope: ASGIApp, without_scope: ASGIApp, prefixes: Sequence[str]) -> ASGIApp:
    exact = tuple(prefixes)
    nested = tuple(f"{prefix}/" for prefix in prefixes)

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        bare = path in exact or path.startswith(nested)
        await (without_scope if bare else with_scope)(scope, receive, send)

    return route


def _open_framework_routes(app: Litestar) -> None:
    """Litestar's own routes cannot declare access: its OpenAPI document and the automatic
    OPTIONS answers (CORS preflights carry no credentials) are public; nothing else is."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if declared_access(handler.opt) is not None:
                continue
            if route.path.startswith(OPENAPI_PATH) or handler.http_methods == {"OPTIONS"}:
                handler.opt.update(PUBLIC)


def _document_access(app: Litestar) -> None:
    """Each operation's OpenAPI description ends with who may call it, from its access rule."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            access = declared_access(handler.opt)
            if access == "permission":
                needed = " or ".join(f"`{permission}`" for permission in required_permissions(handler.opt))
                rule = f"Requires the {needed} permission."
            elif access == "authenticated":
                rule = "Requires a valid access token."
            else:
                continue
            handler.description = f"{handler.description}\n\n{rule}" if handler.description else rule
