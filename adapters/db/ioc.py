"""Dishka wiring of the database adapter.

``HealthProbe`` is provided plainly. An app that checks several dependencies gathers every
provider's probe with one more provider: ``p = Provider(scope=Scope.APP); p.collect(HealthProbe)``
and asks for ``list[HealthProbe]`` (once collected, ``HealthProbe`` alone no longer resolves).

Bounded contexts provide their own unit of work type from ``async_sessionmaker[AsyncSession]``,
e.g. ``SqlLogisticsUnitOfWork(sessions, clock)``, next to the plain ``UnitOfWork`` given here.
"""

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.db.engine import create_engine, session_factory
from adapters.db.health import SqlHealthProbe
from adapters.db.outbox import SqlOutboxStore
from adapters.db.settings import DatabaseSettings
from adapters.db.uow import SqlUnitOfWork
from adapters.system.clock import SystemClock
from core.ports.clock import Clock
from core.ports.health import HealthProbe
from core.ports.outbox import OutboxStore
from core.ports.uow import UnitOfWork


class DatabaseProvider(Provider):
    def __init__(self, settings: DatabaseSettings, clock: Clock | None = None) -> None:
        super().__init__()
        self._settings = settings
        self._clock = clock or SystemClock()

    @provide(scope=Scope.APP)
    async def engine(self) -> AsyncIterator[AsyncEngine]:
        engine = create_engine(self._settings)
        yield engine
        await engine.dispose()

    @provide(scope=Scope.APP)
    def sessions(self, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
        return session_factory(engine)

    @provide(scope=Scope.APP)
    def outbox_store(self, engine: AsyncEngine) -> OutboxStore:
        return SqlOutboxStore(engine, self._clock)

    @provide(scope=Scope.APP)
    def health_probe(self, engine: AsyncEngine) -> HealthProbe:
        return SqlHealthProbe(engine)

    @provide(scope=Scope.REQUEST)
    def unit_of_work(self, sessions: async_sessionmaker[AsyncSession]) -> UnitOfWork:
        return SqlUnitOfWork(sessions, self._clock)
