"""The routes each service declares to the gateway (``x-bhiv``, adapters/http/route_policy.py),
read from its OpenAPI document and matched by method and path template."""

import asyncio
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from adapters.http.route_policy import EXTENSION, RouteDeclaration
from core.domain.routing.pool import UpstreamPool
from core.domain.threat.fields import NO_CONTENT, ContentFields
from core.ports.upstream import UpstreamError, UpstreamReadTimeout, UpstreamTransport

log = logging.getLogger("bhiv.gateway")
OPENAPI_PATH = b"/openapi/openapi.json"
REFRESH_SECONDS = 60.0
MAX_DOCUMENT_BYTES = 8 * 1_048_576
_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_PARAMETER = re.compile(r"\\\{[^/]+?\\\}")


@dataclass(frozen=True)
class RoutePolicy:
    content: ContentFields = NO_CONTENT
    public: bool = False


STRICT = RoutePolicy()
"""What an undeclared route (or one of a service not read yet) gets: a token, strict fields."""


class ServiceRoutes:
    def __init__(self, routes: list[tuple[str, str, RoutePolicy]]) -> None:
        """``routes``: (method, path template, policy). Matched as Litestar routes: a static
        segment wins over a parameter at the first place they differ (``/inbound/replay`` before
        ``/inbound/{carrier}``), so the policy applied is that of the route that will answer."""
        ordered = sorted(routes, key=lambda route: _precedence(route[1]))
        self._routes = [(method, _pattern(path), policy) for method, path, policy in ordered]

    def lookup(self, method: str, path: str) -> RoutePolicy:
        path = path.rstrip("/") or "/"  # Litestar hands a mount its path with a trailing slash
        for route_method, template, policy in self._routes:
            if route_method == method and template.fullmatch(path):
                return policy
        return STRICT


def routes_of(document: Mapping[str, Any]) -> ServiceRoutes:
    """Every operation of an OpenAPI document with what it declares; an operation that declares
    nothing, or something malformed (logged), is strict. Undeclared operations are kept too, so
    that a parameter route's policy never covers a static route that Litestar sends elsewhere."""
    routes = []
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(path, str) or not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if method in _METHODS and isinstance(operation, dict):
                routes.append((method.upper(), path, _declared(method, path, operation)))
    return ServiceRoutes(routes)


def _declared(method: str, path: str, operation: dict[str, Any]) -> RoutePolicy:
    if EXTENSION not in operation:
        return STRICT
    try:
        declared = msgspec.convert(operation[EXTENSION], RouteDeclaration)
    except msgspec.ValidationError as error:
        log.warning("ignoring the %s of %s %s: %s", EXTENSION, method.upper(), path, error)
        return STRICT
    return RoutePolicy(content=ContentFields(declared.content), public=declared.public)


def _precedence(template: str) -> tuple[int, ...]:
    return tuple(1 if segment.startswith("{") else 0 for segment in template.strip("/").split("/"))


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile(_PARAMETER.sub("[^/]+", re.escape(template)))


class RoutePolicies:
    """One table per service, read from a healthy upstream of it; until a service has been read,
    all its routes are strict."""

    def __init__(self, pools: Mapping[str, UpstreamPool]) -> None:
        self._pools = pools
        self._tables: dict[str, ServiceRoutes] = {}
        self._read_at: dict[str, float] = {}
        self._stale = set(pools)

    def lookup(self, service: str, method: str, path: str) -> RoutePolicy:
        table = self._tables.get(service)
        return STRICT if table is None else table.lookup(method, path)

    def upstream_became_healthy(self, url: str) -> None:
        self._stale.update(
            name for name, pool in self._pools.items() if any(s.url == url for s in pool.states)
        )

    async def run(self, client: UpstreamTransport) -> None:
        while True:
            now = time.monotonic()
            for service in self._pools:
                if service in self._stale or now - self._read_at.get(service, 0.0) >= REFRESH_SECONDS:
                    await self.refresh(service, client)
            await asyncio.sleep(1.0)

    async def refresh(self, service: str, client: UpstreamTransport) -> bool:
        healthy = [state for state in self._pools[service].states if state.healthy]
        if not healthy:
            return False
        try:
            document = await _fetch(client, healthy[0].url)
        except (
            UpstreamError,
            UpstreamReadTimeout,
            TimeoutError,
            OSError,
            ValueError,
            msgspec.DecodeError,
        ) as error:
            # The health checker reports an upstream that is down; this is for a debugging session.
            log.debug("route policies of %s not read from %s: %s", service, healthy[0].url, error)
            return False
        self._tables[service] = routes_of(document)
        self._read_at[service] = time.monotonic()
        self._stale.discard(service)
        return True


async def _fetch(client: UpstreamTransport, url: str) -> dict[str, Any]:
    async with asyncio.timeout(10.0):
        response = await client.request(url, "GET", OPENAPI_PATH, [], connect_timeout=2.0, read_timeout=5.0)
        try:
            body, finished = bytearray(), False
            while not finished:
                chunk, finished = await response.read()
                body += chunk
                if len(body) > MAX_DOCUMENT_BYTES:
                    raise ValueError("the OpenAPI document is too large")
        finally:
            response.release()
    if response.status != 200:
        raise ValueError(f"the OpenAPI document answered {response.status}")
    document = msgspec.json.decode(bytes(body))
    if not isinstance(document, dict):
        raise ValueError("the OpenAPI document is not an object")
    return document
