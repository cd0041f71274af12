"""``BHIV_GATEWAY_*``: where each service's upstreams are and how the gateway treats traffic.

Table-valued settings are typed fields: the settings loader reads them as JSON or the compact
``key=value,key=value`` form (list values separated by ``|``; see README.md), and a bad value
stops start-up with one line naming its variable.
"""

import ipaddress
from typing import Annotated

import msgspec

from core.domain.routing.model import Strategy

ENV_PREFIX = "BHIV_GATEWAY_"
Rate = Annotated[str, msgspec.Meta(pattern=r"^\d+/\d+(\.\d+)?(:\d+)?$")]
"""``limit/period_seconds[:burst]``, e.g. ``600/60`` or ``600/60:50``."""
Weight = Annotated[int, msgspec.Meta(ge=0)]
Seconds = Annotated[float, msgspec.Meta(gt=0)]


def _default_security_headers() -> dict[str, str]:
    return {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}


class GatewaySettings(msgspec.Struct, frozen=True):
    upstreams: dict[str, list[str]] = msgspec.field(default_factory=dict)
    """``{"logistics": ["http://a:8001", ...]}`` or ``logistics=http://a:8001|http://b:8001,crm=...``;
    a service not named keeps ``http://127.0.0.1:<its port>``."""
    strategies: dict[str, Strategy] = msgspec.field(default_factory=dict)
    """``crm=least_connections,llm=weighted`` (or JSON); unnamed services use round_robin."""
    weights: dict[str, Weight] = msgspec.field(default_factory=dict)
    """``http://a:8001=3,http://b:8001=1`` (or JSON); unnamed upstreams weigh 1."""
    connect_timeout_seconds: float = 2.0
    read_timeout_seconds: float = 60.0
    read_timeouts: dict[str, Seconds] = msgspec.field(default_factory=dict)
    """Per service, overriding the above: ``llm=300,crm=10``."""
    retries: int = 2
    max_body_bytes: int = 10_485_760
    client_body_timeout_seconds: float = 30.0
    """Longest silence of a client sending a proxied body (408 after it)."""
    pool_connections: int = 512
    """Connections per upstream at most (kept alive); beyond, a request waits for a free one."""
    upstream_ca_file: str = ""
    """PEM file of the CAs that sign ``https://`` upstreams' certificates; empty: the system's."""
    health_interval_seconds: float = 5.0
    health_timeout_seconds: float = 2.0
    health_path: str = "/health/ready"
    eject_after_failures: int = 3
    eject_seconds: float = 15.0
    trusted_proxies: list[str] = msgspec.field(default_factory=list)
    """CIDRs whose ``X-Forwarded-For`` is believed; empty: none."""
    cors_origins: list[str] = msgspec.field(default_factory=list)
    cors_methods: str = "GET,POST,PUT,PATCH,DELETE,OPTIONS"
    cors_headers: str = "authorization,content-type,x-request-id,traceparent"
    cors_max_age_seconds: int = 600
    security_headers: dict[str, str] = msgspec.field(default_factory=_default_security_headers)
    ip_rate_limits: dict[str, Rate] = msgspec.field(
        default_factory=lambda: {"*": "3000/60", "auth": "300/60"}
    )
    """Per client IP and route class: ``class=limit/period[:burst]``."""
    identity_rate_limits: dict[str, Rate] = msgspec.field(default_factory=lambda: {"*:*": "1200/60"})
    """Per user or client, by role and route class: ``role:class=limit/period[:burst]``."""

    def __post_init__(self) -> None:
        for cidr in self.trusted_proxies:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise ValueError(f"{cidr!r} is not a CIDR - at `$.trusted_proxies`") from None
        for service, urls in self.upstreams.items():
            if not urls or not all(url.startswith(("http://", "https://")) for url in urls):
                raise ValueError(f"the upstreams of {service} must be http(s) URLs - at `$.upstreams`")
