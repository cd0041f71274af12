import asyncio
from datetime import timedelta

from adapters.db.engine import create_engine
from adapters.db.outbox import SqlOutboxStore
from adapters.system.clock import SystemClock
from tests.contracts.db_fixtures import Database, write_events


async def test_claim_returns_the_oldest_rows_first_and_respects_the_limit(database: Database) -> None:
    ids = await write_events(database, 5)
    ids += await write_events(database, 5)
    store = database.outbox_store()

    first = await store.claim(owner="a", limit=4, lease_seconds=30)
    second = await store.claim(owner="a", limit=100, lease_seconds=30)

    assert [record.id for record in first] == ids[:4]
    assert [record.id for record in second] == ids[4:]


async def test_a_leased_row_is_skipped_by_other_owners(database: Database) -> None:
    ids = await write_events(database, 3)
    store = database.outbox_store()

    await store.claim(owner="a", limit=2, lease_seconds=30)
    claimed_by_b = await store.claim(owner="b", limit=10, lease_seconds=30)

    assert [record.id for record in claimed_by_b] == ids[2:]


async def test_concurrent_claimers_never_get_the_same_row(database: Database) -> None:
    ids = await write_events(database, 200)
    second_engine = create_engine(database.settings)
    stores = {"a": database.outbox_store(), "b": SqlOutboxStore(second_engine, SystemClock())}
    claimed: dict[str, list[str]] = {"a": [], "b": []}

    async def drain(owner: str) -> None:
        while records := await stores[owner].claim(owner=owner, limit=7, lease_seconds=30):
            claimed[owner] += [record.id for record in records]
            await asyncio.sleep(0)

    try:
        await asyncio.gather(drain("a"), drain("b"))
    finally:
        await second_engine.dispose()

    assert not set(claimed["a"]) & set(claimed["b"])
    assert sorted(claimed["a"] + claimed["b"]) == sorted(ids)


async def test_an_expired_lease_can_be_claimed_again_and_counts_the_attempt(
    database: Database,
) -> None:
    [event_id] = await write_events(database, 1)
    store = database.outbox_store()

    [first] = await store.claim(owner="a", limit=1, lease_seconds=0)
    [again] = await store.claim(owner="b", limit=1, lease_seconds=30)

    assert first.id == again.id == event_id
    assert (first.attempts, again.attempts) == (1, 2)


async def test_mark_published_only_marks_rows_still_leased_to_that_owner(database: Database) -> None:
    ids = await write_events(database, 3)
    store = database.outbox_store()
    await store.claim(owner="a", limit=3, lease_seconds=0)
    await store.claim(owner="b", limit=1, lease_seconds=30)

    marked_by_a = await store.mark_published("a", ids)
    marked_by_b = await store.mark_published("b", ids)

    assert (marked_by_a, marked_by_b) == (2, 1)
    assert await store.pending_count() == 0


async def test_mark_published_with_no_ids_marks_nothing(database: Database) -> None:
    assert await database.outbox_store().mark_published("a", []) == 0


async def test_published_rows_are_not_claimed_again(database: Database) -> None:
    ids = await write_events(database, 2)
    store = database.outbox_store()
    await store.claim(owner="a", limit=1, lease_seconds=0)
    await store.mark_published("a", ids[:1])

    remaining = await store.claim(owner="a", limit=10, lease_seconds=0)

    assert [record.id for record in remaining] == ids[1:]


async def test_purge_deletes_only_rows_published_before_the_cutoff(database: Database) -> None:
    ids = await write_events(database, 3)
    store = database.outbox_store()
    await store.claim(owner="a", limit=2, lease_seconds=30)
    await store.mark_published("a", ids[:2])
    now = SystemClock().now()

    assert await store.purge_published(now - timedelta(hours=1)) == 0
    assert await store.purge_published(now + timedelta(seconds=1)) == 2
    assert await store.pending_count() == 1
    [unpublished] = await store.claim(owner="a", limit=10, lease_seconds=30)
    assert unpublished.id == ids[2]


async def test_pending_count_counts_rows_not_yet_published(database: Database) -> None:
    store = database.outbox_store()
    assert await store.pending_count() == 0

    ids = await write_events(database, 4)
    await store.claim(owner="a", limit=3, lease_seconds=30)
    assert await store.pending_count() == 4

    await store.mark_published("a", ids[:3])
    assert await store.pending_count() == 1
