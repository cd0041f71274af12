"""``BHIV_GATEWAY_*``: where each service's upstreams are and how the gateway treats traffic.

Table-valued settings take JSON or a compact form (see README.md's configuration table);
``config.py`` parses them once at start.
"""

import msgspec

ENV_PREFIX = "BHIV_GATEWAY_"
DEFAULT_SECURITY_HEADERS = (
    '{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}'
)


class GatewaySettings(msgspec.Struct, frozen=True):
    upstreams: str = ""
    """``{"logistics": ["http://a:8001", ...]}`` or ``logistics=http://a:8001|http://b:8001,crm=...``;
    a service not named keeps ``http://127.0.0.1:<its port>``."""
    strategies: str = ""
    """``crm=least_connections,llm=weighted`` (or JSON); unnamed services use round_robin."""
    weights: str = ""
    """``http://a:8001=3,http://b:8001=1`` (or JSON); unnamed upstreams weigh 1."""
    connect_timeout_seconds: float = 2.0
    read_timeout_seconds: float = 60.0
    read_timeouts: str = ""
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
    trusted_proxies: str = ""
    """Comma-separated CIDRs whose ``X-Forwarded-For`` is believed; empty: none."""
    cors_origins: str = ""
    cors_methods: str = "GET,POST,PUT,PATCH,DELETE,OPTIONS"
    cors_headers: str = "authorization,content-type,x-request-id,traceparent"
    cors_max_age_seconds: int = 600
    security_headers: str = DEFAULT_SECURITY_HEADERS
    ip_rate_limits: str = "*=3000/60,auth=300/60"
    """Per client IP and route class: ``class=limit/period[:burst]``."""
    identity_rate_limits: str = "*:*=1200/60"
    """Per user or client, by role and route class: ``role:class=limit/period[:burst]``."""
