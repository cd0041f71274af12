from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.db.audit import SqlAuditTrail
from adapters.db.errors import translate_errors
from adapters.db.outbox import SqlOutbox
from adapters.system.clock import SystemClock, Uuid7IdGenerator
from core.ports.clock import Clock, IdGenerator
from core.ports.uow import UnitOfWork


class SqlUnitOfWork(UnitOfWork):
    """One ``AsyncSession`` and its transaction per ``async with`` block.

    A bounded context subclasses this and attaches its repositories in ``bind_repositories``::

        class SqlLogisticsUnitOfWork(SqlUnitOfWork, LogisticsUnitOfWork):
            def bind_repositories(self, session: AsyncSession) -> None:
                self.products = SqlProductRepository(session)

    ``audit_chain`` names the hash chain its audit records join: the service's name.
    """

    session: AsyncSession
    outbox: SqlOutbox
    audit: SqlAuditTrail

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock | None = None,
        *,
        audit_chain: str = "default",
        ids: IdGenerator | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock or SystemClock()
        self._audit_chain = audit_chain
        self._ids = ids or Uuid7IdGenerator()

    def bind_repositories(self, session: AsyncSession) -> None:
        """Attach repositories that share ``session``; called on every ``async with``."""

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        self.outbox = SqlOutbox(self._clock)
        self.audit = SqlAuditTrail(self._audit_chain, self._ids)
        self.bind_repositories(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.outbox.discard()
        self.audit.discard()
        # Closing returns the connection to the pool and rolls back anything not committed.
        await self.session.close()

    async def commit(self) -> None:
        with translate_errors():
            await self.outbox.flush(self.session)
            # Last before COMMIT: the chain head stays locked for as short a time as possible.
            await self.audit.flush(self.session)
            await self.session.commit()

    async def rollback(self) -> None:
        self.outbox.discard()
        self.audit.discard()
        with translate_errors():
            await self.session.rollback()
