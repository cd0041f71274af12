from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.db.errors import translate_errors
from adapters.db.outbox import SqlOutbox
from adapters.system.clock import SystemClock
from core.ports.clock import Clock
from core.ports.uow import UnitOfWork


class SqlUnitOfWork(UnitOfWork):
    """One ``AsyncSession`` and its transaction per ``async with`` block.

    A bounded context subclasses this and attaches its repositories in ``bind_repositories``::

        class SqlLogisticsUnitOfWork(SqlUnitOfWork, LogisticsUnitOfWork):
            def bind_repositories(self, session: AsyncSession) -> None:
                self.products = SqlProductRepository(session)
    """

    session: AsyncSession
    outbox: SqlOutbox

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock | None = None) -> None:
        self._sessions = sessions
        self._clock = clock or SystemClock()

    def bind_repositories(self, session: AsyncSession) -> None:
        """Attach repositories that share ``session``; called on every ``async with``."""

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        self.outbox = SqlOutbox(self._clock)
        self.bind_repositories(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.outbox.discard()
        # Closing returns the connection to the pool and rolls back anything not committed.
        await self.session.close()

    async def commit(self) -> None:
        with translate_errors():
            await self.outbox.flush(self.session)
            await self.session.commit()

    async def rollback(self) -> None:
        self.outbox.discard()
        with translate_errors():
            await self.session.rollback()
