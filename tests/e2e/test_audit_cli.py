"""``bhiv audit verify`` as an operator runs it, against a SQLite database."""

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.db.engine import create_engine, session_factory
from adapters.db.settings import DatabaseSettings
from adapters.db.uow import SqlUnitOfWork
from core.domain.audit.model import Actor, AuditEntry, FieldChange
from tests.support.processes import run_bhiv


@pytest.fixture
async def database(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A migrated SQLite file with a mixed workload on two chains; the env that names it."""
    path = tmp_path / "bhiv.db"
    env = {"BHIV_DATABASE_URL": f"sqlite+aiosqlite:///{path}"}
    assert run_bhiv(["migrate"], env=env).returncode == 0
    engine = create_engine(DatabaseSettings(url=env["BHIV_DATABASE_URL"]))
    try:
        for n, (chain, action) in enumerate(
            [("gateway", "create"), ("crm", "create"), ("gateway", "update")] * 3
        ):
            async with SqlUnitOfWork(session_factory(engine), audit_chain=chain) as uow:
                uow.audit.record(
                    AuditEntry(
                        action=action,
                        resource_type="account",
                        resource_id=f"a-{n}",
                        actor=Actor(id="ops-1", kind="user", role="ops"),
                        occurred_at=datetime.now(UTC),
                        changes={"name": FieldChange(before=None, after=f"Acme {n}")},
                    )
                )
                await uow.commit()
    finally:
        await engine.dispose()
    return env, path


def lines_of(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_verify_prints_one_json_line_per_intact_chain_and_exits_0(
    database: tuple[dict[str, str], Path],
) -> None:
    env, _ = database
    result = run_bhiv(["audit", "verify"], env=env)

    assert result.returncode == 0, result.stderr
    lines = lines_of(result.stdout)
    assert [(line["chain"], line["ok"], line["records"]) for line in lines] == [
        ("crm", True, 3),
        ("gateway", True, 6),
    ]
    assert all("broken" not in line for line in lines)


def test_verify_names_an_altered_row_and_exits_1(database: tuple[dict[str, str], Path]) -> None:
    env, path = database
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("UPDATE audit_log SET resource_id = 'a-99' WHERE chain = 'gateway' AND seq = 4")
        [record_id] = db.execute("SELECT id FROM audit_log WHERE chain = 'gateway' AND seq = 4").fetchone()

    result = run_bhiv(["audit", "verify"], env=env)

    assert result.returncode == 1
    crm, gateway = lines_of(result.stdout)
    assert crm["ok"] is True
    assert gateway["ok"] is False
    assert gateway["broken"] == {
        "chain": "gateway",
        "seq": 4,
        "record_id": record_id,
        "reason": "content does not match its hash: the record was altered",
    }


def test_verify_checks_only_the_chain_asked_for(database: tuple[dict[str, str], Path]) -> None:
    env, _ = database
    result = run_bhiv(["audit", "verify", "--chain", "crm"], env=env)

    assert result.returncode == 0
    assert [line["chain"] for line in lines_of(result.stdout)] == ["crm"]


def test_verifying_an_unknown_chain_exits_2_with_one_clear_line(
    database: tuple[dict[str, str], Path],
) -> None:
    env, _ = database
    result = run_bhiv(["audit", "verify", "--chain", "warehouse"], env=env)

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["bhiv: no audit chain named 'warehouse'"]


@pytest.mark.postgres
async def test_verify_names_a_row_altered_on_postgresql_and_exits_1(fresh_postgres_url: str) -> None:
    env = {"BHIV_DATABASE_URL": fresh_postgres_url}
    assert run_bhiv(["migrate"], env=env).returncode == 0
    engine = create_engine(DatabaseSettings(url=fresh_postgres_url))
    try:
        for n in range(3):
            async with SqlUnitOfWork(session_factory(engine), audit_chain="crm") as uow:
                uow.audit.record(
                    AuditEntry(
                        action="update",
                        resource_type="lead",
                        resource_id=f"l-{n}",
                        actor=Actor(id="sales-1", kind="user", role="sales"),
                        occurred_at=datetime.now(UTC),
                    )
                )
                await uow.commit()
        assert run_bhiv(["audit", "verify"], env=env).returncode == 0
        async with engine.begin() as connection:
            await connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            row = await connection.execute(
                text("UPDATE audit_log SET actor_id = 'sales-2' WHERE seq = 2 RETURNING id")
            )
            record_id = row.scalar_one()
    finally:
        await engine.dispose()

    result = run_bhiv(["audit", "verify"], env=env)

    assert result.returncode == 1
    [line] = lines_of(result.stdout)
    assert line["broken"]["seq"] == 2  # type: ignore[index]
    assert line["broken"]["record_id"] == record_id  # type: ignore[index]


def test_a_services_chain_is_read_from_that_services_own_database(
    database: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, _ = database
    crm_alone = {**env, "BHIV_CRM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}"}
    assert (
        run_bhiv(["migrate"], env={"BHIV_DATABASE_URL": crm_alone["BHIV_CRM_DATABASE_URL"]}).returncode == 0
    )

    shared = run_bhiv(["audit", "verify", "--chain", "crm"], env=env)
    own = run_bhiv(["audit", "verify", "--chain", "crm"], env=crm_alone)

    assert [(line["chain"], line["records"]) for line in lines_of(shared.stdout)] == [("crm", 3)]
    assert own.returncode == 2, "crm's own database holds no crm chain yet"
    assert "crm" in own.stderr
