"""Revoking every token of a subject at once, by remembering when it happened."""

from core.domain.identity.denylist import DENYLIST_KEY_PREFIX, denylist_key
from core.ports.clock import Clock
from core.ports.kv import KeyValueStore
from core.ports.revocation import SubjectRevocations

DEFAULT_TTL_SECONDS = 900.0 + 60.0
"""The longest access-token lifetime plus leeway: after that every older token has expired."""
REVOKED_BEFORE_KEY_PREFIX = "revoked-before:"
REVOCATION_KEY_PREFIXES = (DENYLIST_KEY_PREFIX, REVOKED_BEFORE_KEY_PREFIX)
"""Keys read for every verified token and almost never present: a store may remember absences."""


class KvSubjectRevocations(SubjectRevocations):
    """Stores ``revoked-before:<subject>`` = now (epoch seconds, ASCII); a token verifier refuses
    tokens of that subject issued before that instant."""

    def __init__(self, kv: KeyValueStore, clock: Clock, ttl_seconds: float = DEFAULT_TTL_SECONDS) -> None:
        self._kv = kv
        self._clock = clock
        self._ttl_seconds = ttl_seconds

    async def revoke_all(self, subject: str) -> None:
        now = self._clock.now().timestamp()
        await self._kv.set(_key(subject), repr(now).encode("ascii"), ttl_seconds=self._ttl_seconds)

    async def revoked_before(self, subject: str) -> float | None:
        """Epoch seconds of the subject's latest revoke_all; None when none is in force."""
        value = await self._kv.get(_key(subject))
        return None if value is None else float(value.decode("ascii"))


def _key(subject: str) -> str:
    return REVOKED_BEFORE_KEY_PREFIX + subject


class TokenRevocationCheck:
    """Both revocations of an access token (its own ``jti`` on the denylist, and a revoke_all of
    its subject after its ``iat``) read with one ``get_many``. A store may answer "absent"
    from memory only while it is told of every write (see docs/decisions/0015), so a revocation
    takes effect everywhere as soon as the store has it."""

    def __init__(self, kv: KeyValueStore) -> None:
        self._kv = kv

    async def is_revoked(self, jti: str, subject: str, issued_at: float) -> bool:
        denied, revoked_before = await self._kv.get_many([denylist_key(jti), _key(subject)])
        if denied is not None:
            return True
        return revoked_before is not None and issued_at < float(revoked_before.decode("ascii"))
