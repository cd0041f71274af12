from datetime import datetime

import msgspec
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.oauth.tables import refresh_tokens
from core.domain.identity.tokens import RefreshToken
from core.ports.clock import Clock
from core.ports.tokens import RefreshTokenRepository


class SqlRefreshTokenRepository(RefreshTokenRepository):
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    @translated
    async def add(self, token: RefreshToken) -> None:
        await self._session.execute(refresh_tokens.insert().values(**msgspec.structs.asdict(token)))

    @translated
    async def get_by_hash(self, token_hash: str, *, lock: bool = True) -> RefreshToken | None:
        query = select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return RefreshToken(**row) if row else None

    @translated
    async def mark_used(self, token_id: str) -> None:
        await self._session.execute(
            update(refresh_tokens).where(refresh_tokens.c.id == token_id).values(used_at=self._now())
        )

    @translated
    async def revoke_family(self, family_id: str) -> int:
        result = await self._session.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=self._now())
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    @translated
    async def revoke_subject(self, subject: str) -> int:
        result = await self._session.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.subject == subject, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=self._now())
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def _now(self) -> datetime:
        return self._clock.now()
