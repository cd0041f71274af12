"""LLM API keys: a user creates, lists and revokes their own; admins list and revoke anyone's."""

from datetime import datetime

import msgspec

from core.domain.access import Permission, Principal
from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.errors import Forbidden, NotFound, RuleViolated
from core.domain.events import publish
from core.domain.identity.audit import LLM_KEYS
from core.domain.identity.events import IdentityLlmKeyCreated, IdentityLlmKeyRevoked
from core.domain.identity.llm_key_cache import LlmKeyCache
from core.domain.identity.llm_keys import (
    DEFAULT_KEY_SCOPES,
    MAX_KEY_LIMIT,
    LlmApiKey,
    allowed_key_scopes,
    hash_key,
    new_key_secret,
    shown_prefix,
)
from core.domain.identity.model import UserStatus
from core.domain.identity.use_cases._common import existing_user
from core.ports.clock import Clock, IdGenerator
from core.ports.identity import IdentityUnitOfWork
from core.ports.pagination import Page, PageRequest

MAX_NAME_LENGTH = 100
KEY_ADMIN_PERMISSIONS = (Permission.USERS_MANAGE, Permission.LLM_ADMIN)


class NewLlmApiKey(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    scopes: frozenset[Permission] | None = None
    """None: ``llm:use``."""
    expires_at: datetime | None = None
    daily_token_limit: int | None = None
    rpm_limit: int | None = None


class IssuedLlmApiKey(msgspec.Struct, frozen=True, kw_only=True):
    key: LlmApiKey
    secret: str
    """The whole key (``bhiv_sk_...``), shown once, at creation; only its SHA-256 is stored."""


class CreateLlmApiKey:
    """- Only a signed-in user owns keys (a service client has its own credentials).
    - A key's scopes are LLM permissions (`llm:use`, `llm:admin`) that its owner's role allows;
      without scopes it gets `llm:use`; an empty list is refused.
    - The name is 1 to 100 characters; an expiry, when given, is in the future; the daily token
      limit and the requests-per-minute limit, when given, are 1 to 2147483647 (the LLM service
      enforces them).
    - The key (`bhiv_sk_` and 256 random bits) is answered once; only its SHA-256 is stored, and
      lists show its first characters. The creation is audited without the hash."""

    def __init__(self, uow: IdentityUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, cmd: NewLlmApiKey, principal: Principal, by: Invocation) -> IssuedLlmApiKey:
        if principal.kind != "user":
            raise Forbidden("only users own LLM API keys")
        name = cmd.name.strip()
        if not 0 < len(name) <= MAX_NAME_LENGTH:
            raise RuleViolated(f"the key name must be 1 to {MAX_NAME_LENGTH} characters")
        now = self._clock.now()
        if cmd.expires_at is not None and cmd.expires_at <= now:
            raise RuleViolated("expires_at must be in the future")
        for limit, value in (("daily_token_limit", cmd.daily_token_limit), ("rpm_limit", cmd.rpm_limit)):
            if value is not None and not 1 <= value <= MAX_KEY_LIMIT:
                raise RuleViolated(
                    f"{limit} must be 1 to {MAX_KEY_LIMIT} (omit it for no limit of the key's own)"
                )
        secret = new_key_secret()
        async with self._uow as uow:
            owner = await existing_user(uow, principal.subject)
            if owner.status is not UserStatus.ACTIVE:
                raise Forbidden("a disabled user cannot create keys")
            scopes = DEFAULT_KEY_SCOPES if cmd.scopes is None else cmd.scopes
            allowed = allowed_key_scopes(owner.role)
            if not scopes:
                raise RuleViolated("a key needs at least one scope; omit scopes for llm:use")
            if not scopes <= allowed:
                extra = ", ".join(sorted(scopes - allowed))
                raise RuleViolated(f"a key of this account cannot hold: {extra}")
            key = LlmApiKey(
                id=self._ids.new_id(),
                owner_id=owner.id,
                name=name,
                prefix=shown_prefix(secret),
                secret_hash=hash_key(secret),
                scopes=frozenset(scopes),
                created_at=now,
                expires_at=cmd.expires_at,
                daily_token_limit=cmd.daily_token_limit,
                rpm_limit=cmd.rpm_limit,
            )
            await uow.llm_keys.add(key)
            created = IdentityLlmKeyCreated(key_id=key.id, owner_id=owner.id)
            publish(uow, created, self._ids.new_id(), now, by.correlation_id)
            record(uow, by, now, LLM_KEYS.change("create", None, key))
            await uow.commit()
        return IssuedLlmApiKey(key=key, secret=secret)


class ListOwnLlmApiKeys:
    """- The caller's own keys, revoked and expired ones included, oldest first; never a secret."""

    def __init__(self, uow: IdentityUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, principal: Principal, page: PageRequest) -> Page[LlmApiKey]:
        async with self._uow as uow:
            return await uow.llm_keys.list(principal.subject, page)


class ListLlmApiKeys:
    """- Every user's keys, oldest first; never a secret."""

    def __init__(self, uow: IdentityUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, page: PageRequest) -> Page[LlmApiKey]:
        async with self._uow as uow:
            return await uow.llm_keys.list(None, page)


class RevokeLlmApiKey:
    """- A user revokes their own keys; admins (`users:manage` or `llm:admin`) anyone's. Someone
      else's key is answered as not found, so its existence is not revealed.
    - A revoked key is refused at once by the gateway that revoked it and by every gateway sharing
      its key-value store (within seconds by others). Revoking a revoked key changes nothing.
    - The revocation is audited and published (`identity.llm_key_revoked`)."""

    def __init__(self, uow: IdentityUnitOfWork, clock: Clock, ids: IdGenerator, cache: LlmKeyCache) -> None:
        self._uow, self._clock, self._ids, self._cache = uow, clock, ids, cache

    async def execute(self, key_id: str, principal: Principal, by: Invocation) -> LlmApiKey:
        async with self._uow as uow:
            key = await uow.llm_keys.get(key_id, lock=True)
            if key is None or not _may_manage(principal, key):
                raise NotFound("LLM API key not found")
            if key.revoked_at is not None:
                await self._cache.forget(key, self._clock.now())
                return key
            now = self._clock.now()
            revoked = msgspec.structs.replace(key, revoked_at=now)
            await uow.llm_keys.revoke(key.id, now)
            record(uow, by, now, LLM_KEYS.change("revoke", key, revoked))
            event = IdentityLlmKeyRevoked(key_id=key.id, owner_id=key.owner_id)
            publish(uow, event, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        await self._cache.forget(revoked, self._clock.now())
        return revoked


def _may_manage(principal: Principal, key: LlmApiKey) -> bool:
    if principal.kind == "user" and principal.subject == key.owner_id:
        return True
    return any(principal.has(permission) for permission in KEY_ADMIN_PERMISSIONS)
