from collections.abc import Sequence
from datetime import datetime

import msgspec
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.engine import READ_ONLY
from adapters.db.errors import translate_errors
from adapters.db.oauth.tables import signing_keys
from core.ports.tokens import SigningKeyRecord, SigningKeyRecords


class SqlSigningKeyRecords(SigningKeyRecords):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def live(self, now: datetime) -> Sequence[SigningKeyRecord]:
        query = (
            select(signing_keys)
            .where((signing_keys.c.retire_after.is_(None)) | (signing_keys.c.retire_after > now))
            .order_by(signing_keys.c.created_at.desc(), signing_keys.c.kid.desc())
        )
        with translate_errors():
            async with self._engine.connect() as connection:
                # A read: on SQLite it must not wait for the write lock, which a grant signing its
                # token inside its own transaction holds.
                await connection.execution_options(**{READ_ONLY: True})
                rows = (await connection.execute(query)).mappings().all()
        return [SigningKeyRecord(**row) for row in rows]

    async def add_current(self, record: SigningKeyRecord, *, retire_others_after: datetime) -> None:
        retire = (
            update(signing_keys)
            .where(signing_keys.c.retire_after.is_(None))
            .values(retire_after=retire_others_after)
        )
        with translate_errors():
            async with self._engine.begin() as connection:
                await connection.execute(retire)
                await connection.execute(signing_keys.insert().values(**msgspec.structs.asdict(record)))
