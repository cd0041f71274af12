"""Audit entries and the moves of an attacker, shared by the audit contract suites."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.audit_reader import SqlAuditReader
from adapters.db.uow import SqlUnitOfWork
from core.domain.audit.model import Actor, AuditEntry, AuditRecord, FieldChange
from core.ports.audit import AuditFilter
from core.ports.events import Event
from core.ports.pagination import PageRequest
from tests.contracts.db_fixtures import Database, new_event

T0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
SQLITE_GUARDS = (
    "audit_log_no_update",
    "audit_log_no_delete",
    "audit_chain_heads_forward_only",
    "audit_chain_heads_no_delete",
)


def entry(n: int = 0, *, actor: str = "user-1", action: str = "update", resource: str = "user") -> AuditEntry:
    return AuditEntry(
        action=action,
        resource_type=resource,
        resource_id=f"{resource}-{n % 3}",
        actor=Actor(id=actor, kind="user", role="admin"),
        occurred_at=T0 + timedelta(seconds=n),
        changes={"name": FieldChange(before=f"old {n}", after=f"new {n}")},
        correlation_id=f"corr-{n}",
        client_ip="198.51.100.7",
    )


async def append(
    database: Database,
    *entries: AuditEntry,
    chain: str = "gateway",
    uow: SqlUnitOfWork | None = None,
    change: Event | None = None,
) -> None:
    """Commits ``entries`` with a change (an outbox event stands in for one)."""
    async with uow or database.unit_of_work(chain) as work:
        for item in entries:
            work.audit.record(item)
        work.outbox.add("changes", change or new_event())
        await work.commit()


async def whole_chain(database: Database, chain: str = "gateway") -> list[AuditRecord]:
    page = await SqlAuditReader(database.engine).search(AuditFilter(chain=chain), PageRequest(limit=200))
    return sorted(page.items, key=lambda record: record.seq)


@asynccontextmanager
async def guards_off(database: Database) -> AsyncIterator[AsyncConnection]:
    """What an attacker with administrator rights on the database can do."""
    async with database.engine.begin() as connection:
        if database.settings.is_sqlite:
            for trigger in SQLITE_GUARDS:
                await connection.exec_driver_sql(f"DROP TRIGGER {trigger}")
        else:
            await connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        yield connection
