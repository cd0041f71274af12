"""The audit log is append-only in the database, and tampering by someone who bypasses that
(an administrator of the database) is found and named. On SQLite and PostgreSQL."""

import pytest
from sqlalchemy import exc, select, text

from adapters.db.audit_reader import SqlAuditReader
from adapters.db.engine import create_engine
from adapters.db.errors import translate_errors
from adapters.db.settings import DatabaseSettings
from adapters.db.tables import audit_chain_heads
from core.ports.audit import AppendOnlyViolation
from tests.contracts.audit_fixtures import append, entry, guards_off, whole_chain
from tests.contracts.db_fixtures import Database


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'read' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 1",
        "UPDATE audit_chain_heads SET seq = 0",
        "DELETE FROM audit_chain_heads",
    ],
)
async def test_the_database_refuses_to_change_or_remove_audit_rows(
    database: Database, statement: str
) -> None:
    await append(database, entry(0))

    with pytest.raises(exc.IntegrityError, match="append-only"):
        async with database.engine.begin() as connection:
            await connection.execute(text(statement))
    with pytest.raises(AppendOnlyViolation), translate_errors():
        async with database.engine.begin() as connection:
            await connection.execute(text(statement))

    assert (await SqlAuditReader(database.engine).verify_chain("gateway")).ok


@pytest.mark.postgres
async def test_postgresql_refuses_to_truncate_the_audit_log(postgres_settings: DatabaseSettings) -> None:
    engine = create_engine(postgres_settings)
    try:
        with pytest.raises(exc.IntegrityError, match="append-only"):
            async with engine.begin() as connection:
                await connection.exec_driver_sql("TRUNCATE audit_log")
    finally:
        await engine.dispose()


async def test_verification_names_a_row_altered_behind_the_applications_back(database: Database) -> None:
    await append(database, *(entry(n) for n in range(6)))
    target = (await whole_chain(database))[3]

    async with guards_off(database) as connection:
        await connection.execute(
            text("UPDATE audit_log SET action = :action WHERE id = :id"), {"action": "read", "id": target.id}
        )

    verification = await SqlAuditReader(database.engine, batch_size=2).verify_chain("gateway")
    assert verification.broken is not None
    assert (verification.broken.seq, verification.broken.record_id) == (4, target.id)
    assert (verification.ok, verification.records) == (False, 3)


async def test_verification_names_a_row_whose_changes_are_no_longer_json(database: Database) -> None:
    await append(database, entry(0), entry(1))
    target = (await whole_chain(database))[1]

    async with guards_off(database) as connection:
        await connection.execute(text("UPDATE audit_log SET changes = '{' WHERE id = :id"), {"id": target.id})

    broken = (await SqlAuditReader(database.engine).verify_chain("gateway")).broken
    assert broken is not None
    assert (broken.seq, broken.record_id) == (2, target.id)


async def test_a_row_deleted_from_the_middle_shows_as_a_gap(database: Database) -> None:
    await append(database, *(entry(n) for n in range(5)))

    async with guards_off(database) as connection:
        await connection.execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": 3})

    broken = (await SqlAuditReader(database.engine).verify_chain("gateway")).broken
    assert broken is not None
    assert (broken.seq, broken.record_id) == (3, None)
    assert "seq 3 is missing" in broken.reason


async def test_a_row_deleted_from_the_end_shows_against_the_chain_head(database: Database) -> None:
    await append(database, *(entry(n) for n in range(3)))

    async with guards_off(database) as connection:
        await connection.execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": 3})

    verification = await SqlAuditReader(database.engine).verify_chain("gateway")
    assert verification.broken is not None
    assert verification.broken.seq == 3
    assert "head" in verification.broken.reason
    async with database.engine.connect() as connection:
        head = (await connection.execute(select(audit_chain_heads.c.seq))).scalar_one()
    assert head == 3
