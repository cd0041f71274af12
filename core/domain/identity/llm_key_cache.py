"""What the gateway remembers of an LLM API key between requests, in the shared key-value store.

A key is read from the database once per ``ttl`` at most, not on every request. Revoking writes a
tombstone over the entry (``forget``), so the gateway that revoked, and every gateway sharing the
store (Redis), refuses the key at once; gateways with a store of their own see it within ``ttl``.

Why a revocation racing an exchange cannot leave the key usable: an exchange caches what it read
with ``add`` (never over an entry present), and only for what is left of ``ttl`` since it read
the database; the tombstone is written with ``set`` after the revocation commits and lives
``2 * ttl``. An exchange that read the key before the commit either finds the tombstone present
(its ``add`` fails) or comes so late that its entry would already have expired (it writes nothing).
"""

from datetime import datetime

import msgspec

from core.domain.access import Role
from core.domain.identity.llm_keys import LlmApiKey
from core.domain.identity.model import User, UserStatus
from core.ports.kv import KeyValueStore

_ENTRY = "llm-key:"
DEFAULT_TTL_SECONDS = 10.0


class KeyOwner(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    role: Role
    status: UserStatus
    customer_id: str | None = None

    @classmethod
    def of(cls, user: User) -> "KeyOwner":
        return cls(id=user.id, role=user.role, status=user.status, customer_id=user.customer_id)


class CachedKey(msgspec.Struct, frozen=True, kw_only=True):
    key: LlmApiKey | None
    """None: no key has this hash."""
    owner: KeyOwner | None
    read_at: float
    """When the database said so (epoch seconds)."""


class LlmKeyCache:
    def __init__(self, kv: KeyValueStore, ttl_seconds: float = DEFAULT_TTL_SECONDS) -> None:
        self._kv, self.ttl = kv, ttl_seconds
        self._decoder = msgspec.json.Decoder(CachedKey)

    async def get(self, secret_hash: str, now: datetime) -> CachedKey | None:
        raw = await self._kv.get(_ENTRY + secret_hash)
        if raw is None:
            return None
        try:
            entry = self._decoder.decode(raw)
        except msgspec.DecodeError:  # written by another version: read the database instead
            return None
        return entry if now.timestamp() - entry.read_at < self.ttl or _is_tombstone(entry) else None

    async def remember(self, secret_hash: str, entry: CachedKey, now: datetime) -> None:
        """Unless an entry (a tombstone) is there, for what is left of ``ttl`` since the read."""
        remaining = self.ttl - (now.timestamp() - entry.read_at)
        if remaining > 0:
            await self._kv.add(_ENTRY + secret_hash, msgspec.json.encode(entry), ttl_seconds=remaining)

    async def forget(self, revoked: LlmApiKey, now: datetime) -> None:
        """Overwrites whatever is cached with the revoked key: refused from now on."""
        tombstone = CachedKey(key=revoked, owner=None, read_at=now.timestamp())
        await self._kv.set(
            _ENTRY + revoked.secret_hash, msgspec.json.encode(tombstone), ttl_seconds=2 * self.ttl
        )


def _is_tombstone(entry: CachedKey) -> bool:
    return entry.key is not None and entry.key.revoked_at is not None
