"""The run log on SQLite and PostgreSQL: newest first, filtered by subject, agent and flag,
paged by cursor, the route kept as it was given; and a crisis run's event in the same commit."""

from datetime import UTC, datetime, timedelta

import msgspec
from sqlalchemy import select

from adapters.db.agents.uow import SqlAgentsUnitOfWork
from adapters.db.tables import outbox
from adapters.system.clock import SystemClock, Uuid7IdGenerator
from core.domain.events import publish
from core.domain.orchestration.events import OrchestrationCrisisEscalated
from core.ports.agent_runs import RunFilter
from core.ports.agents import RunRecord
from core.ports.pagination import PageRequest
from tests.contracts.db_fixtures import Database

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
IDS = Uuid7IdGenerator()


def run(
    subject: str, agent: str, minute: int, *, flagged: bool = False, error: str | None = None
) -> RunRecord:
    return RunRecord(
        id=IDS.new_id(),
        subject=subject,
        agent=agent,
        started_at=T0 + timedelta(minutes=minute),
        latency_ms=12,
        status=error or "ok",
        engine=None if error else "rules",
        route={"by": "classifier", "confidence": 0.75, "why": "keywords: stock", "candidates": []},
        flagged=flagged,
        session_id="0190-session",
        error=error,
    )


def unit_of_work(database: Database) -> SqlAgentsUnitOfWork:
    return SqlAgentsUnitOfWork(database.sessions, SystemClock(), audit_chain="orchestration")


async def test_runs_are_listed_newest_first_and_filtered(database: Database) -> None:
    records = [
        run("asha", "stock", 1),
        run("asha", "echo", 2, error="agent_timeout"),
        run("ravi", "wellness", 3, flagged=True),
        run("asha", "wellness", 4, flagged=True),
    ]
    async with unit_of_work(database) as uow:
        for record in records:
            await uow.runs.add(record)
        await uow.commit()

    async with unit_of_work(database) as uow:
        everyone = await uow.runs.list(RunFilter(), PageRequest())
        ashas = await uow.runs.list(RunFilter(subject="asha"), PageRequest())
        flagged = await uow.runs.list(RunFilter(flagged=True), PageRequest())
        not_flagged = await uow.runs.list(RunFilter(flagged=False, agent="echo"), PageRequest())
        first = await uow.runs.list(RunFilter(), PageRequest(limit=3))
        rest = await uow.runs.list(RunFilter(), PageRequest(limit=3, after=first.next_cursor))
        one = await uow.runs.get(records[1].id)
        none = await uow.runs.get("missing")

    assert everyone.items == list(reversed(records))
    assert [r.id for r in ashas.items] == [records[3].id, records[1].id, records[0].id]
    assert [r.id for r in flagged.items] == [records[3].id, records[2].id]
    assert [r.id for r in not_flagged.items] == [records[1].id]
    assert [r.id for r in first.items + rest.items] == [r.id for r in reversed(records)]
    assert rest.next_cursor is None
    assert one == records[1]
    assert none is None


async def test_a_crisis_run_and_its_event_commit_together_or_not_at_all(database: Database) -> None:
    record = run("asha", "wellness", 0, flagged=True)
    event = OrchestrationCrisisEscalated(run_id=record.id, subject="asha", categories=["suicidal_intent"])
    async with unit_of_work(database) as uow:
        await uow.runs.add(record)
        publish(uow, event, IDS.new_id(), record.started_at)
        # leaving without commit: both are rolled back
    async with unit_of_work(database) as uow:
        assert await uow.runs.get(record.id) is None
        await uow.runs.add(record)
        publish(uow, event, IDS.new_id(), record.started_at)
        await uow.commit()

    async with database.engine.connect() as connection:
        payloads = (
            await connection.execute(
                select(outbox.c.payload).where(outbox.c.event_type == "orchestration.crisis_escalated")
            )
        ).all()
    assert [msgspec.json.decode(p) for (p,) in payloads] == [msgspec.to_builtins(event)]
