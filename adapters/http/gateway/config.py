"""The gateway's settings parsed once: upstream pools, timeouts, trusted networks, limits."""

import ipaddress
import json
from collections.abc import Mapping

import msgspec

from adapters.http.gateway.settings import GatewaySettings
from core.domain.routing.model import Strategy, Upstream
from core.ports.rate_limit import RateLimit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ServiceRoute(msgspec.Struct, frozen=True):
    service: str
    upstreams: tuple[Upstream, ...]
    strategy: Strategy
    connect_timeout: float
    read_timeout: float


def parse_table(text: str, *, lists: bool = False) -> dict[str, object]:
    """JSON object, or ``key=value,key=value`` (list values separated by ``|``)."""
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError("expected a JSON object")
        return value
    table: dict[str, object] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, sep, value = item.rpartition("=") if "://" in item.split("=", 1)[0] else item.partition("=")
        if not sep:
            raise ValueError(f"{item!r} is not key=value")
        table[key.strip()] = [v.strip() for v in value.split("|") if v.strip()] if lists else value.strip()
    return table


def service_routes(settings: GatewaySettings, default_ports: Mapping[str, int]) -> dict[str, ServiceRoute]:
    lists = parse_table(settings.upstreams, lists=True)
    strategies = parse_table(settings.strategies)
    weights = {url.rstrip("/"): int(str(weight)) for url, weight in parse_table(settings.weights).items()}
    read_timeouts = parse_table(settings.read_timeouts)
    unknown = (set(lists) | set(strategies) | set(read_timeouts)) - set(default_ports)
    if unknown:
        raise ValueError(f"unknown services in the gateway settings: {', '.join(sorted(unknown))}")
    routes = {}
    for service, port in default_ports.items():
        urls = lists.get(service) or [f"http://127.0.0.1:{port}"]
        if not isinstance(urls, list) or not all(isinstance(url, str) for url in urls):
            raise ValueError(f"the upstreams of {service} must be a list of URLs")
        upstreams = tuple(Upstream(url.rstrip("/"), weights.get(url.rstrip("/"), 1)) for url in urls)
        routes[service] = ServiceRoute(
            service=service,
            upstreams=upstreams,
            strategy=Strategy(str(strategies.get(service, Strategy.ROUND_ROBIN))),
            connect_timeout=settings.connect_timeout_seconds,
            read_timeout=float(str(read_timeouts.get(service, settings.read_timeout_seconds))),
        )
    return routes


def trusted_networks(settings: GatewaySettings) -> tuple[Network, ...]:
    cidrs = (part.strip() for part in settings.trusted_proxies.split(","))
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs if cidr)


def parse_rate(text: str) -> RateLimit:
    """``limit/period[:burst]``, e.g. ``600/60`` or ``600/60:50``."""
    rate, _, burst = text.partition(":")
    limit, _, period = rate.partition("/")
    return RateLimit(int(limit), float(period), int(burst) if burst else None)


def rate_table(text: str) -> dict[str, RateLimit]:
    return {key: parse_rate(str(value)) for key, value in parse_table(text).items()}


def header_table(text: str) -> tuple[tuple[bytes, bytes], ...]:
    return tuple(
        (name.lower().encode("latin-1"), str(value).encode("latin-1"))
        for name, value in parse_table(text).items()
    )
