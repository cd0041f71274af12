"""Revoked access tokens, kept until they would have expired anyway."""

from core.ports.clock import Clock
from core.ports.kv import KeyValueStore

DENYLIST_KEY_PREFIX = "revoked-jti:"


def denylist_key(jti: str) -> str:
    return DENYLIST_KEY_PREFIX + jti


class TokenDenylist:
    """- A revoked token stays refused until its ``exp`` (plus leeway), then is forgotten.
    - Shared by every service on the same key-value backend (Redis in production)."""

    def __init__(self, kv: KeyValueStore, clock: Clock, *, leeway_seconds: float = 30.0) -> None:
        self._kv = kv
        self._clock = clock
        self._leeway = leeway_seconds

    async def revoke(self, jti: str, *, expires_at: int) -> None:
        remaining = expires_at - self._clock.now().timestamp() + self._leeway
        if remaining > 0:
            await self._kv.set(denylist_key(jti), b"1", ttl_seconds=remaining)

    async def is_revoked(self, jti: str) -> bool:
        return await self._kv.get(denylist_key(jti)) is not None
