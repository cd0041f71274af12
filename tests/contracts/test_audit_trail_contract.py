"""The audit log as units of work write it: with the change or not at all, one unbroken chain
per service however many write at once, and searchable. On SQLite and PostgreSQL."""

import asyncio
from datetime import timedelta

import pytest

from adapters.db.audit_reader import SqlAuditReader
from adapters.db.engine import create_engine, session_factory
from adapters.db.uow import SqlUnitOfWork
from core.domain.audit.chain import GENESIS_HASH
from core.domain.errors import Conflict, RuleViolated
from core.ports.audit import AuditFilter
from core.ports.pagination import MAX_LIMIT, PageRequest
from tests.contracts.audit_fixtures import T0, append, entry, whole_chain
from tests.contracts.db_fixtures import Database, new_event


async def test_a_committed_unit_of_work_writes_its_records_with_consecutive_seq_and_linked_hashes(
    database: Database,
) -> None:
    await append(database, entry(0), entry(1), entry(2))
    await append(database, entry(3), entry(4))

    records = await whole_chain(database)

    assert [record.seq for record in records] == [1, 2, 3, 4, 5]
    assert [record.prev_hash for record in records] == [GENESIS_HASH] + [r.hash for r in records[:-1]]
    assert [record.entry for record in records] == [entry(n) for n in range(5)]
    verification = await SqlAuditReader(database.engine).verify_chain("gateway")
    assert (verification.ok, verification.records, verification.head_hash) == (True, 5, records[-1].hash)


async def test_leaving_the_block_without_commit_writes_neither_the_change_nor_its_record(
    database: Database,
) -> None:
    async with database.unit_of_work("gateway") as uow:
        uow.audit.record(entry(0))
        uow.outbox.add("changes", new_event())

    assert await whole_chain(database) == []
    assert await SqlAuditReader(database.engine).chains() == []
    assert await database.outbox_store().pending_count() == 0


async def test_rollback_discards_the_records_staged_before_it(database: Database) -> None:
    async with database.unit_of_work("gateway") as uow:
        uow.audit.record(entry(0))
        await uow.rollback()
        uow.audit.record(entry(1))
        await uow.commit()

    assert [(record.seq, record.entry) for record in await whole_chain(database)] == [(1, entry(1))]


async def test_a_commit_that_fails_writes_no_record_and_leaves_the_chain_as_it_was(
    database: Database,
) -> None:
    await append(database, entry(0))
    taken = new_event()
    await append(database, change=taken)

    with pytest.raises(Conflict):
        await append(database, entry(1), change=taken)

    await append(database, entry(2))
    assert [(r.seq, r.entry) for r in await whole_chain(database)] == [(1, entry(0)), (2, entry(2))]
    assert (await SqlAuditReader(database.engine).verify_chain("gateway")).ok


async def test_concurrent_units_of_work_form_one_unbroken_chain(database: Database) -> None:
    engines = [create_engine(database.settings) for _ in range(2)]
    try:
        others = [session_factory(engine) for engine in engines]
        writers = [
            append(
                database,
                entry(n),
                uow=SqlUnitOfWork(others[n % 2] if n < 4 else database.sessions, audit_chain="gateway"),
            )
            for n in range(20)
        ]
        await asyncio.gather(*writers)
    finally:
        for engine in engines:
            await engine.dispose()

    records = await whole_chain(database)
    assert [record.seq for record in records] == list(range(1, 21))
    assert sorted(record.entry.resource_id + record.entry.correlation_id for record in records) == sorted(
        entry(n).resource_id + entry(n).correlation_id for n in range(20)
    )
    verification = await SqlAuditReader(database.engine).verify_chain("gateway")
    assert (verification.ok, verification.records) == (True, 20)


async def test_each_service_has_its_own_chain_starting_at_seq_1(database: Database) -> None:
    await append(database, entry(0), entry(1), chain="gateway")
    await append(database, entry(2), chain="crm")

    reader = SqlAuditReader(database.engine)
    assert await reader.chains() == ["crm", "gateway"]
    assert [r.seq for r in await whole_chain(database, "crm")] == [1]
    assert [r.seq for r in await whole_chain(database, "gateway")] == [1, 2]
    assert [(await reader.verify_chain(name)).ok for name in ("crm", "gateway")] == [True, True]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (AuditFilter(actor_id="user-2"), [1, 4, 7]),
        (AuditFilter(resource_type="client"), [2, 5, 8]),
        (AuditFilter(resource_type="user", resource_id="user-0"), [0, 3, 6]),
        (AuditFilter(action="delete"), [6, 7, 8]),
        (AuditFilter(chain="crm"), [8]),
        (AuditFilter(since=T0 + timedelta(seconds=2), until=T0 + timedelta(seconds=5)), [2, 3, 4]),
        (AuditFilter(actor_id="user-2", action="delete", chain="gateway"), [7]),
    ],
)
async def test_each_search_filter_keeps_only_matching_records(
    database: Database, query: AuditFilter, expected: list[int]
) -> None:
    for n in range(9):
        chain = "crm" if n == 8 else "gateway"
        actor = "user-2" if n % 3 == 1 else "user-1"
        await append(
            database,
            entry(
                n,
                actor=actor,
                action="delete" if n >= 6 else "update",
                resource=("user", "user", "client")[n % 3],
            ),
            chain=chain,
        )

    page = await SqlAuditReader(database.engine).search(query, PageRequest())

    assert [record.entry.correlation_id for record in page.items] == [f"corr-{n}" for n in reversed(expected)]
    assert page.next_cursor is None


async def test_pages_return_every_record_exactly_once_newest_first(database: Database) -> None:
    for batch in range(5):
        await append(database, *(entry(batch * 5 + n) for n in range(5)))
    reader = SqlAuditReader(database.engine)

    seen: list[int] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = await reader.search(AuditFilter(), PageRequest(limit=7, after=cursor))
        seen += [record.seq for record in page.items]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == list(range(25, 0, -1))
    assert pages == 4


async def test_a_page_holds_at_most_200_records(database: Database) -> None:
    await append(database, *(entry(n) for n in range(201)))

    with pytest.raises(RuleViolated, match="limit"):
        PageRequest(limit=500)
    page = await SqlAuditReader(database.engine).search(AuditFilter(), PageRequest(limit=MAX_LIMIT))

    assert len(page.items) == 200
    assert page.next_cursor is not None


@pytest.mark.parametrize("cursor", ["garbage!", "e30", "WyIyMDI0LTA2LTAxVDEyOjAwOjAwIiwieCJd"])
async def test_a_cursor_the_reader_did_not_issue_is_refused(database: Database, cursor: str) -> None:
    with pytest.raises(RuleViolated, match="cursor"):
        await SqlAuditReader(database.engine).search(AuditFilter(), PageRequest(limit=10, after=cursor))
