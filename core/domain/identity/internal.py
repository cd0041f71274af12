"""The gateway calling another service on its own behalf (checking a customer with CRM). It is
the token issuer, so it signs itself a short-lived client token holding only what the call needs,
instead of sending itself a client_credentials request over the network (decision 0027)."""

from datetime import timedelta

from core.domain.access import Permission, Role
from core.domain.identity.oauth import TokenIssuer
from core.ports.clock import Clock

INTERNAL_SUBJECT = "internal:gateway"
RENEW_BEFORE = timedelta(seconds=30)


class InternalTokens:
    def __init__(self, issuer: TokenIssuer, clock: Clock) -> None:
        self._issuer, self._clock = issuer, clock
        self._held: dict[Permission, tuple[str, float]] = {}

    async def token(self, permission: Permission, role: Role) -> str:
        """A bearer token of the internal client with ``permission`` only, reused until shortly
        before it expires."""
        now = self._clock.now().timestamp()
        held = self._held.get(permission)
        if held is not None and held[1] - RENEW_BEFORE.total_seconds() > now:
            return held[0]
        token, claims = await self._issuer.access_token(
            subject=INTERNAL_SUBJECT, kind="client", role=role, scope=str(permission), customer_id=None
        )
        self._held[permission] = (token, float(claims.exp))
        return token
