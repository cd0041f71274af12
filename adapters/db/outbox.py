from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from adapters.db.engine import READ_ONLY
from adapters.db.errors import translated
from adapters.db.tables import outbox
from core.ports.clock import Clock
from core.ports.events import Event
from core.ports.outbox import OutboxRecord, OutboxStore
from core.ports.uow import Outbox

_ONE_TICK = timedelta(microseconds=1)


class SqlOutbox(Outbox):
    """Stages events in memory; ``flush`` writes them in the unit of work's transaction."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._rows: list[dict[str, Any]] = []
        self._last_created_at: datetime | None = None

    def add(self, stream: str, event: Event) -> None:
        self._rows.append(
            {
                "id": event.id,
                "stream": stream,
                "event_type": event.type,
                "payload": event.payload,
                "occurred_at": event.occurred_at,
                "correlation_id": event.correlation_id,
                "traceparent": event.traceparent,
                "created_at": self._next_created_at(),
                "attempts": 0,
            }
        )

    async def flush(self, session: AsyncSession) -> None:
        if self._rows:
            rows, self._rows = self._rows, []
            await session.execute(insert(outbox), rows)

    def discard(self) -> None:
        self._rows.clear()

    def _next_created_at(self) -> datetime:
        # Strictly increasing within one unit of work, so its events keep the order they were
        # added in even when the clock does not tick between two of them.
        now = self._clock.now()
        if self._last_created_at is not None and now <= self._last_created_at:
            now = self._last_created_at + _ONE_TICK
        self._last_created_at = now
        return now


class SqlOutboxStore(OutboxStore):
    """Claims are an ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING``.

    PostgreSQL skips rows another relay is claiming right now; SQLite ignores the locking
    clause but runs each claim under its single write lock (``BEGIN IMMEDIATE``), which gives
    the same guarantee.
    """

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    @translated
    async def claim(self, *, owner: str, limit: int, lease_seconds: float) -> list[OutboxRecord]:
        now = self._clock.now()
        claimable = (
            select(outbox.c.id)
            .where(
                outbox.c.published_at.is_(None),
                outbox.c.lease_until.is_(None) | (outbox.c.lease_until <= now),
            )
            .order_by(outbox.c.created_at, outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        statement = (
            update(outbox)
            .where(outbox.c.id.in_(claimable.scalar_subquery()))
            .values(
                lease_owner=owner,
                lease_until=now + timedelta(seconds=lease_seconds),
                attempts=outbox.c.attempts + 1,
            )
            .returning(*outbox.c)
        )
        async with self._engine.begin() as connection:
            rows = (await connection.execute(statement)).all()
        # RETURNING comes back in no particular order.
        return [_to_record(row) for row in sorted(rows, key=lambda row: (row.created_at, row.id))]

    @translated
    async def mark_published(self, owner: str, ids: list[str]) -> int:
        if not ids:
            return 0
        statement = (
            update(outbox)
            .where(
                outbox.c.id.in_(ids),
                outbox.c.lease_owner == owner,
                outbox.c.published_at.is_(None),
            )
            .values(published_at=self._clock.now(), lease_until=None)
        )
        async with self._engine.begin() as connection:
            return (await connection.execute(statement)).rowcount

    @translated
    async def purge_published(self, before: datetime) -> int:
        statement = delete(outbox).where(outbox.c.published_at.is_not(None), outbox.c.published_at < before)
        async with self._engine.begin() as connection:
            return (await connection.execute(statement)).rowcount

    @translated
    async def pending_count(self) -> int:
        statement = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        async with self._engine.connect() as connection:
            await connection.execution_options(**{READ_ONLY: True})
            return (await connection.execute(statement)).scalar_one()


def _to_record(row: Row[Any]) -> OutboxRecord:
    event = Event(
        id=row.id,
        type=row.event_type,
        payload=row.payload,
        occurred_at=row.occurred_at,
        correlation_id=row.correlation_id,
        traceparent=row.traceparent,
    )
    return OutboxRecord(id=row.id, stream=row.stream, event=event, attempts=row.attempts)
