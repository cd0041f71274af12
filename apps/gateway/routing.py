"""The gateway's request path around Litestar, in order:

EdgeMiddleware (correlation id, span, metrics; built by build_service_app)
-> OpenAIErrorPaths        errors on /api/llm/v1/{chat/completions,embeddings,models} OpenAI-shaped
-> ClientIpMiddleware      resolves the client IP into RequestState (trusted proxies)
-> ResponseHeadersMiddleware  CORS preflights, security headers
-> ThreatGateMiddleware    a blocked IP is refused; behaviour tracked after the answer
-> IpRateLimitMiddleware   per client IP and route class
-> EdgeAuthenticationMiddleware  the route's access known before routing; its token verified
                           (no database), 401 before any body is read; an LLM API key on
                           /api/llm/v1/ exchanged for its owner's access token
-> ThreatScreenMiddleware  inspection by the route's field rules, charged to the identity (or IP);
                           a blocked identity is refused; anonymous bodies capped small
-> Litestar routing -> AuthenticationMiddleware (route permission, with the edge's claims)
-> IdentityRateLimitMiddleware (per user or client, by role and route class)
-> a service's mount: load-balanced, health-checked upstream (ServiceProxy)
"""

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from functools import partial

from litestar import Litestar
from litestar.middleware import DefineMiddleware

from adapters.http.gateway.client_ip import ClientIpMiddleware
from adapters.http.gateway.edge_auth import EdgeAuthenticationMiddleware
from adapters.http.gateway.rate_limit import IdentityRateLimitMiddleware, IpRateLimitMiddleware, RateLimits
from adapters.http.gateway.response_headers import ResponseHeadersMiddleware
from adapters.http.gateway.settings import GatewaySettings
from adapters.http.gateway.threat_screen import ThreatGateMiddleware, ThreatScreenMiddleware
from adapters.http.health import READINESS_REPORTS
from adapters.http.openai_errors import GATEWAY_OPENAI_PATHS, OpenAIErrorPaths
from adapters.system.clock import SystemClock
from apps._shared.app import AsgiWrapper, ServiceSpec
from apps._shared.settings import SERVICE_PORTS, PlatformSettings
from apps.gateway.config import header_table, rate_table
from apps.gateway.runtime import GatewayRuntime
from core.ports.rate_limit import RateLimiter


def threat_gate(settings: PlatformSettings) -> list[AsgiWrapper]:
    """The IP blocklist: once the client IP is known, before any rate limit (a blocked
    attacker's requests must not spend anyone's budget)."""
    return [ThreatGateMiddleware] if settings.threat.enabled else []  # type: ignore[list-item]


def threat_screen(settings: PlatformSettings) -> list[AsgiWrapper]:
    """Inspection, once the caller is known: strikes and inspection time are charged to it."""
    if not settings.threat.enabled:
        return []
    screen = partial(
        ThreatScreenMiddleware,
        anonymous_max_body_bytes=settings.threat.anonymous_max_body_bytes,
        body_timeout_seconds=settings.gateway.client_body_timeout_seconds,
    )
    return [screen]  # type: ignore[list-item]


def asgi_wrappers(
    settings: PlatformSettings, runtime: GatewayRuntime, limits: RateLimits
) -> list[AsgiWrapper]:
    gateway = settings.gateway
    return [
        partial(OpenAIErrorPaths, prefixes=GATEWAY_OPENAI_PATHS),
        partial(ClientIpMiddleware, trusted=runtime.trusted),
        partial(
            ResponseHeadersMiddleware,
            security_headers=header_table(gateway.security_headers),
            cors_origins=gateway.cors_origins,
            cors_methods=gateway.cors_methods,
            cors_headers=gateway.cors_headers,
            cors_max_age=gateway.cors_max_age_seconds,
        ),
        *threat_gate(settings),
        partial(IpRateLimitMiddleware, limits=limits),
        partial(EdgeAuthenticationMiddleware, policies=runtime.policies),  # type: ignore[list-item]
        *threat_screen(settings),
    ]


def with_routing(spec: ServiceSpec, settings: PlatformSettings) -> ServiceSpec:
    """The gateway's spec with its proxied mounts, request path, and routing lifespan."""
    gateway: GatewaySettings = settings.gateway
    runtime = GatewayRuntime(gateway, SERVICE_PORTS, SystemClock())
    limits = RateLimits(rate_table(gateway.ip_rate_limits), rate_table(gateway.identity_rate_limits))

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        limits.limiter = await app.state.dishka_container.get(RateLimiter)
        async with runtime.lifespan(app):
            yield

    return dataclasses.replace(
        spec,
        route_handlers=[*spec.route_handlers, *runtime.route_handlers()],
        asgi_wrappers=[*asgi_wrappers(settings, runtime, limits), *spec.asgi_wrappers],
        middleware=[DefineMiddleware(IdentityRateLimitMiddleware, limits=limits), *spec.middleware],
        lifespans=[lifespan, *spec.lifespans],
        state={**spec.state, READINESS_REPORTS: {"upstreams": runtime.report}},
        mounts_without_request_scope=[*spec.mounts_without_request_scope, *runtime.mount_paths()],
    )
