"""The gateway turning an LLM API key into a short-lived access token of the key's owner, so that
the LLM service verifies one kind of credential only and never sees a key (decision 0031)."""

import hmac
from collections import OrderedDict

from core.domain.identity.llm_key_cache import CachedKey, KeyOwner, LlmKeyCache
from core.domain.identity.llm_keys import LlmApiKey, hash_key, key_permissions
from core.domain.identity.oauth import TokenIssuer
from core.domain.identity.tokens import AccessTokenClaims, InvalidToken, format_scope
from core.ports.clock import Clock
from core.ports.identity import IdentityUnitOfWork
from core.ports.kv import KeyValueStore
from core.ports.revocation import TokenRevocations

RENEW_BEFORE_SECONDS = 30.0
TOUCH_EVERY_SECONDS = 60.0
"""``last_used_at`` is written at most this often per key (by all gateways sharing the store)."""
MAX_HELD_TOKENS = 10_000
_TOUCHED = "llm-key-used:"

Minted = tuple[str, AccessTokenClaims]


class LlmKeyTokens:
    """Tokens minted for keys, reused until shortly before they expire (one process's memory):
    a key used for every request costs one signature per token lifetime, not one per request."""

    def __init__(self, issuer: TokenIssuer, clock: Clock) -> None:
        self._issuer, self._clock = issuer, clock
        self._held: OrderedDict[tuple[str, ...], Minted] = OrderedDict()

    async def token(
        self, key: LlmApiKey, owner: KeyOwner, scope: str, revoked_before: float | None
    ) -> Minted:
        """A token for ``owner`` through ``key`` with ``scope``; none issued before the owner's
        latest session revocation (``revoked_before``) is reused: every service refuses those."""
        held_as = (key.id, owner.id, owner.role, scope, owner.customer_id or "")
        now = self._clock.now().timestamp()
        held = self._held.get(held_as)
        if held is not None:
            claims = held[1]
            if claims.exp - RENEW_BEFORE_SECONDS > now and (
                revoked_before is None or claims.iat > revoked_before
            ):
                return held
        minted = await self._issuer.access_token(
            subject=owner.id,
            kind="user",
            role=owner.role,
            scope=scope,
            customer_id=owner.customer_id,
            api_key_id=key.id,
            api_key_limits=key.limits,
        )
        self._held[held_as] = minted
        self._held.move_to_end(held_as)
        while len(self._held) > MAX_HELD_TOKENS:
            self._held.popitem(last=False)
        return minted


class ExchangeLlmApiKey:
    """- An unknown, revoked or expired key is refused (401), and so is a key whose owner is
      disabled or whose owner's current role allows none of its scopes.
    - The token says who the owner is now: their current role, the key's scopes within it, their
      customer, and the key's id (`akid`). A change to the owner that ends their sessions (disabled,
      role changed, password changed) is seen at once, whatever is cached.
    - A use is recorded (`last_used_at`) at most once a minute per key."""

    def __init__(
        self,
        uow: IdentityUnitOfWork,
        cache: LlmKeyCache,
        tokens: LlmKeyTokens,
        revocations: TokenRevocations,
        kv: KeyValueStore,
        clock: Clock,
    ) -> None:
        self._uow, self._cache, self._tokens = uow, cache, tokens
        self._revocations, self._kv, self._clock = revocations, kv, clock

    async def execute(self, presented: str) -> Minted:
        digest = hash_key(presented)
        entry = await self._cache.get(digest, self._clock.now())
        if entry is None:
            entry = await self._read(digest)
            await self._cache.remember(digest, entry, self._clock.now())
        if entry.key is not None and entry.key.revoked_at is None:
            revoked_before = await self._revocations.revoked_before(entry.key.owner_id)
            if revoked_before is not None and entry.read_at <= revoked_before:
                entry = await self._read(digest)  # not cached: the stale entry expires on its own
        else:
            revoked_before = None
        key, owner = entry.key, entry.owner
        # A lookup by hash of 256 random bits; compared once more in constant time all the same.
        if key is None or not hmac.compare_digest(key.secret_hash, digest):
            raise InvalidToken("unknown LLM API key")
        now = self._clock.now()
        if not key.usable_at(now) or owner is None:
            raise InvalidToken("the LLM API key is revoked or expired", stale=True)
        allowed = key_permissions(key, owner.role, owner.status)
        if not allowed:
            raise InvalidToken("the LLM API key's owner may no longer use it", stale=True)
        minted = await self._tokens.token(key, owner, format_scope(allowed), revoked_before)
        await self._touch(key)
        return minted

    async def _read(self, digest: str) -> CachedKey:
        read_at = self._clock.now().timestamp()
        async with self._uow as uow:
            key = await uow.llm_keys.get_by_hash(digest)
            owner = None if key is None else await uow.users.get(key.owner_id)
        return CachedKey(key=key, owner=None if owner is None else KeyOwner.of(owner), read_at=read_at)

    async def _touch(self, key: LlmApiKey) -> None:
        if not await self._kv.add(_TOUCHED + key.id, b"1", ttl_seconds=TOUCH_EVERY_SECONDS):
            return
        async with self._uow as uow:
            await uow.llm_keys.touch(key.id, self._clock.now())
            await uow.commit()
