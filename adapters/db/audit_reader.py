"""Searching and verifying the audit log, outside any unit of work (it only reads)."""

from collections.abc import Sequence

import msgspec
from sqlalchemy import ColumnElement, select, union
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.db.audit import from_row
from adapters.db.engine import READ_ONLY
from adapters.db.errors import translated
from adapters.db.pagination import newest_first
from adapters.db.tables import audit_chain_heads, audit_log
from core.domain.audit.chain import ChainHead, ChainVerification, ChainVerifier
from core.domain.audit.model import AuditRecord
from core.ports.audit import AuditFilter, AuditReader
from core.ports.pagination import Page, PageRequest

VERIFY_BATCH = 1000


class SqlAuditReader(AuditReader):
    def __init__(self, engine: AsyncEngine, *, batch_size: int = VERIFY_BATCH) -> None:
        self._engine = engine
        self._batch_size = batch_size

    @translated
    async def search(self, query: AuditFilter, page: PageRequest) -> Page[AuditRecord]:
        c = audit_log.c
        statement = newest_first(select(audit_log).where(*_conditions(query)), page, c.occurred_at, c.id)
        async with self._engine.connect() as connection:
            await connection.execution_options(**{READ_ONLY: True})
            rows = (await connection.execute(statement)).all()
        records = [from_row(row) for row in rows]
        return Page.of(records, page, key=lambda record: (record.entry.occurred_at, record.id))

    @translated
    async def chains(self) -> list[str]:
        names = union(select(audit_chain_heads.c.chain), select(audit_log.c.chain))
        async with self._engine.connect() as connection:
            await connection.execution_options(**{READ_ONLY: True})
            return sorted((await connection.execute(names)).scalars())

    @translated
    async def verify_chain(self, chain: str, *, anchored: Sequence[ChainHead] = ()) -> ChainVerification:
        verifier = ChainVerifier(chain, anchored)
        async with self._engine.connect() as connection:
            await _snapshot(connection)
            head_row = (
                await connection.execute(
                    select(audit_chain_heads.c.seq, audit_chain_heads.c.hash).where(
                        audit_chain_heads.c.chain == chain
                    )
                )
            ).first()
            after = 0
            while True:
                rows = (
                    await connection.execute(
                        select(audit_log)
                        .where(audit_log.c.chain == chain, audit_log.c.seq > after)
                        .order_by(audit_log.c.seq)
                        .limit(self._batch_size)
                    )
                ).all()
                for row in rows:
                    try:
                        record = from_row(row)
                    except msgspec.DecodeError:
                        return verifier.result(verifier.unreadable(row.seq, row.id))
                    broken = verifier.check(record)
                    if broken is not None:
                        return verifier.result(broken)
                if len(rows) < self._batch_size:
                    break
                after = rows[-1].seq
        head = ChainHead(seq=head_row.seq, hash=head_row.hash) if head_row else None
        return verifier.result(verifier.finish(head))


async def _snapshot(connection: AsyncConnection) -> None:
    """One consistent view for the whole walk: the head read first and every batch after it.

    SQLite keeps one snapshot per read transaction anyway (WAL); PostgreSQL needs REPEATABLE READ.
    """
    if connection.dialect.name == "postgresql":
        await connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    else:
        await connection.execution_options(**{READ_ONLY: True})


def _conditions(query: AuditFilter) -> list[ColumnElement[bool]]:
    c = audit_log.c
    equal = {
        c.chain: query.chain,
        c.actor_id: query.actor_id,
        c.resource_type: query.resource_type,
        c.resource_id: query.resource_id,
        c.action: query.action,
    }
    conditions: list[ColumnElement[bool]] = [column == value for column, value in equal.items() if value]
    if query.since is not None:
        conditions.append(c.occurred_at >= query.since)
    if query.until is not None:
        conditions.append(c.occurred_at < query.until)
    return conditions
