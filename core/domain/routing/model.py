"""What a service's upstreams are and how traffic is spread over them."""

from enum import StrEnum

import msgspec


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"
    LEAST_CONNECTIONS = "least_connections"
    WEIGHTED = "weighted"


class Upstream(msgspec.Struct, frozen=True):
    url: str
    """Scheme, host and port, no trailing slash: ``http://10.0.0.5:8001``."""
    weight: int = 1
    """Share of traffic under ``weighted``; 0 takes none."""


class ServiceRoute(msgspec.Struct, frozen=True):
    """Where one service's traffic goes, and how long the gateway waits for it."""

    service: str
    upstreams: tuple[Upstream, ...]
    strategy: Strategy
    connect_timeout: float
    read_timeout: float


class Failure(StrEnum):
    CONNECT = "connect"
    """No connection could be made, or it broke before a response began."""
    TIMEOUT = "timeout"
    UNAVAILABLE = "unavailable"
    """The upstream answered 502, 503 or 504."""
