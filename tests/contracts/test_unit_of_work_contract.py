import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.tables import outbox
from adapters.db.uow import SqlUnitOfWork
from core.domain.errors import Conflict
from core.ports.events import Event
from tests.contracts.db_fixtures import Database, commit_events, new_event, write_events

OWNER = "relay-1"


async def claim_all(database: Database) -> list[str]:
    records = await database.outbox_store().claim(owner=OWNER, limit=1000, lease_seconds=30)
    return [record.id for record in records]


async def test_commit_makes_outbox_events_visible_to_claim(database: Database) -> None:
    event = new_event()
    await commit_events(database, event)

    [record] = await database.outbox_store().claim(owner=OWNER, limit=10, lease_seconds=30)

    assert record.id == event.id
    assert record.stream == "orders"
    assert record.event == event
    assert record.attempts == 1


async def test_leaving_the_block_without_commit_writes_nothing(database: Database) -> None:
    async with database.unit_of_work() as uow:
        uow.outbox.add("orders", new_event())

    assert await claim_all(database) == []


async def test_an_exception_inside_the_block_rolls_back_and_propagates(database: Database) -> None:
    async def fail_after_writing() -> None:
        async with database.unit_of_work() as uow:
            uow.outbox.add("orders", new_event())
            await uow.outbox.flush(uow.session)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_after_writing()

    assert await database.outbox_store().pending_count() == 0


async def test_rollback_discards_what_was_added_before_it(database: Database) -> None:
    kept = new_event()
    async with database.unit_of_work() as uow:
        uow.outbox.add("orders", new_event())
        await uow.rollback()
        uow.outbox.add("orders", kept)
        await uow.commit()

    assert await claim_all(database) == [kept.id]


async def test_events_of_one_unit_of_work_keep_the_order_they_were_added_in(
    database: Database,
) -> None:
    ids = await write_events(database, 50)

    assert await claim_all(database) == ids


async def test_an_event_id_written_twice_surfaces_as_conflict(database: Database) -> None:
    event = new_event()
    await commit_events(database, event)

    with pytest.raises(Conflict):
        await commit_events(database, event)
    assert await database.outbox_store().pending_count() == 1


class OutboxRowCounter:
    """Stands in for a context's repository: it works on the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count(self) -> int:
        return (await self.session.execute(select(func.count()).select_from(outbox))).scalar_one()

    async def insert_raw(self, event: Event) -> None:
        await self.session.execute(
            insert(outbox).values(
                id=event.id,
                stream="raw",
                event_type=event.type,
                payload=event.payload,
                occurred_at=event.occurred_at,
                created_at=event.occurred_at,
            )
        )


class CountingUnitOfWork(SqlUnitOfWork):
    def bind_repositories(self, session: AsyncSession) -> None:
        self.rows = OutboxRowCounter(session)


async def test_subclass_repositories_share_the_transaction_of_the_unit_of_work(
    database: Database,
) -> None:
    async with CountingUnitOfWork(database.sessions) as uow:
        await uow.rows.insert_raw(new_event())
        uow.outbox.add("orders", new_event())
        assert await uow.rows.count() == 1
    assert await database.outbox_store().pending_count() == 0

    async with CountingUnitOfWork(database.sessions) as uow:
        await uow.rows.insert_raw(new_event())
        uow.outbox.add("orders", new_event())
        await uow.commit()
    assert await database.outbox_store().pending_count() == 2
