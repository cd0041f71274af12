"""What the layers of one request tell each other, typed, under one key of the ASGI scope.

The gateway's layers run outside Litestar (client IP, rate limits, edge authentication, threat
screen) and later ones read what earlier ones learnt; a typo in a string key would be a silent
miss, an attribute of this class is checked by mypy."""

from dataclasses import dataclass
from typing import Any

from core.domain.access import Principal
from core.domain.identity.tokens import AccessTokenClaims
from core.ports.rate_limit import RateDecision, RateLimit

_KEY = "bhiv"


@dataclass(eq=False)
class RequestState:
    client_ip: str | None = None
    """Resolved through trusted proxies (gateway); None elsewhere: the socket peer is used."""
    principal: Principal | None = None
    """The caller, as the gateway's edge verified its token."""
    claims: AccessTokenClaims | None = None
    public: bool = False
    """The edge let the request through without a token (a public route, or one a service
    declared public)."""
    route_policy: Any = None
    """The service route's declaration (``route_policies.RoutePolicy``), when the edge found one."""
    forged_token: bool = False
    """The edge refused a bearer token that was never good (counted as token flooding)."""
    rate_decision: RateDecision | None = None
    """The tighter budget the response reports in ``RateLimit-*`` headers."""
    pending_ip_hit: tuple[str, RateLimit] | None = None
    """The IP's rate-limit hit, charged together with the identity's once it is known."""


def request_state(scope: Any) -> RequestState:
    """This request's state, made on first use."""
    state: dict[str, Any] = scope.setdefault("state", {})
    found = state.get(_KEY)
    if found is None:
        found = state[_KEY] = RequestState()
    return found
