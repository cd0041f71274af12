"""LLM API keys in SQL: looked up by the SHA-256 of the key, never by the key."""

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.identity.tables import llm_api_keys
from adapters.db.pagination import oldest_first
from core.domain.access import Permission
from core.domain.errors import NotFound
from core.domain.identity.llm_keys import LlmApiKey
from core.ports.identity import LlmApiKeyRepository
from core.ports.pagination import Page, PageRequest


class SqlLlmApiKeyRepository(LlmApiKeyRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def get(self, key_id: str, *, lock: bool = False) -> LlmApiKey | None:
        statement = select(llm_api_keys).where(llm_api_keys.c.id == key_id)
        if lock:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).first()
        return None if row is None else _key(row)

    @translated
    async def get_by_hash(self, secret_hash: str) -> LlmApiKey | None:
        statement = select(llm_api_keys).where(llm_api_keys.c.secret_hash == secret_hash)
        row = (await self._session.execute(statement)).first()
        return None if row is None else _key(row)

    @translated
    async def add(self, key: LlmApiKey) -> None:
        await self._session.execute(insert(llm_api_keys).values(**_values(key)))

    @translated
    async def revoke(self, key_id: str, at: datetime) -> None:
        statement = update(llm_api_keys).where(llm_api_keys.c.id == key_id).values(revoked_at=at)
        if cast(CursorResult[Any], await self._session.execute(statement)).rowcount == 0:
            raise NotFound("LLM API key not found")

    @translated
    async def touch(self, key_id: str, at: datetime) -> None:
        statement = update(llm_api_keys).where(llm_api_keys.c.id == key_id).values(last_used_at=at)
        await self._session.execute(statement)

    @translated
    async def list(self, owner_id: str | None, page: PageRequest) -> Page[LlmApiKey]:
        statement = select(llm_api_keys)
        if owner_id is not None:
            statement = statement.where(llm_api_keys.c.owner_id == owner_id)
        rows = (await self._session.execute(oldest_first(statement, page, llm_api_keys.c.id))).all()
        return Page.of([_key(row) for row in rows], page, key=lambda key: key.id)


def _values(key: LlmApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "owner_id": key.owner_id,
        "name": key.name,
        "prefix": key.prefix,
        "secret_hash": key.secret_hash,
        "scopes": " ".join(sorted(key.scopes)),
        "created_at": key.created_at,
        "expires_at": key.expires_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
        "daily_token_limit": key.daily_token_limit,
        "rpm_limit": key.rpm_limit,
    }


def _key(row: Row[Any]) -> LlmApiKey:
    known = Permission._value2member_map_
    return LlmApiKey(
        id=row.id,
        owner_id=row.owner_id,
        name=row.name,
        prefix=row.prefix,
        secret_hash=row.secret_hash,
        # A name this version does not know (written by a newer one) is ignored, never a 500.
        scopes=frozenset(Permission(name) for name in row.scopes.split() if name in known),
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
        daily_token_limit=row.daily_token_limit,
        rpm_limit=row.rpm_limit,
    )
