"""The gateway's typed settings turned into what its parts take: routes per service, trusted
networks, rate tables, response headers. The settings loader has validated every value."""

import ipaddress
from collections.abc import Mapping

from adapters.http.gateway.client_ip import Network
from adapters.http.gateway.settings import GatewaySettings
from apps._shared.config import ConfigError
from core.domain.routing.model import ServiceRoute, Strategy, Upstream
from core.ports.rate_limit import RateLimit


def service_routes(settings: GatewaySettings, default_ports: Mapping[str, int]) -> dict[str, ServiceRoute]:
    named = set(settings.upstreams) | set(settings.strategies) | set(settings.read_timeouts)
    unknown = named - set(default_ports)
    if unknown:
        raise ConfigError(f"BHIV_GATEWAY_* names unknown services: {', '.join(sorted(unknown))}")
    weights = {url.rstrip("/"): weight for url, weight in settings.weights.items()}
    routes = {}
    for service, port in default_ports.items():
        urls = [url.rstrip("/") for url in settings.upstreams.get(service) or [f"http://127.0.0.1:{port}"]]
        routes[service] = ServiceRoute(
            service=service,
            upstreams=tuple(Upstream(url, weights.get(url, 1)) for url in urls),
            strategy=settings.strategies.get(service, Strategy.ROUND_ROBIN),
            connect_timeout=settings.connect_timeout_seconds,
            read_timeout=settings.read_timeouts.get(service, settings.read_timeout_seconds),
        )
    return routes


def trusted_networks(settings: GatewaySettings) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in settings.trusted_proxies)


def parse_rate(text: str) -> RateLimit:
    """``limit/period[:burst]``, e.g. ``600/60`` or ``600/60:50`` (its shape already checked)."""
    rate, _, burst = text.partition(":")
    limit, _, period = rate.partition("/")
    return RateLimit(int(limit), float(period), int(burst) if burst else None)


def rate_table(rates: Mapping[str, str]) -> dict[str, RateLimit]:
    return {key: parse_rate(value) for key, value in rates.items()}


def header_table(headers: Mapping[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items())
