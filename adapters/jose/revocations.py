"""Token revocations on the shared key-value store (Redis in production, in-process embedded).

Two keys, both read for every verified token and almost never present, so named ``seldom:`` for
the store to remember their absence (decision 0015): ``seldom:revoked-jti:<jti>`` for one token,
``seldom:revoked-before:<subject>`` = the instant of the subject's revocation, in epoch seconds.
Each lives as long as a token it concerns could: the access-token lifetime plus leeway.
"""

from core.domain.identity.tokens import TokenPolicy
from core.ports.clock import Clock
from core.ports.kv import SELDOM_PRESENT, KeyValueStore
from core.ports.revocation import TokenRevocations

_TOKEN = SELDOM_PRESENT + "revoked-jti:"
_SUBJECT = SELDOM_PRESENT + "revoked-before:"


class KvTokenRevocations(TokenRevocations):
    def __init__(self, kv: KeyValueStore, clock: Clock, policy: TokenPolicy) -> None:
        self._kv = kv
        self._clock = clock
        self._leeway = policy.leeway.total_seconds()
        self._longest_life = (policy.access_ttl + policy.leeway).total_seconds()

    async def revoke_token(self, jti: str, *, expires_at: int) -> None:
        remaining = expires_at - self._clock.now().timestamp() + self._leeway
        if remaining > 0:
            await self._kv.set(_TOKEN + jti, b"1", ttl_seconds=remaining)

    async def revoke_subject(self, subject: str) -> float:
        now = self._clock.now().timestamp()
        await self._kv.set(_SUBJECT + subject, repr(now).encode("ascii"), ttl_seconds=self._longest_life)
        return now

    async def revoked_before(self, subject: str) -> float | None:
        value = await self._kv.get(_SUBJECT + subject)
        return None if value is None else float(value.decode("ascii"))

    async def is_revoked(self, jti: str, subject: str, issued_at: float) -> bool:
        denied, revoked_before = await self._kv.get_many([_TOKEN + jti, _SUBJECT + subject])
        if denied is not None:
            return True
        return revoked_before is not None and issued_at < float(revoked_before.decode("ascii"))
