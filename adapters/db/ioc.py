"""Dishka wiring of the database adapter.

``HealthProbe`` is provided plainly. An app that checks several dependencies gathers every
provider's probe with one more provider: ``p = Provider(scope=Scope.APP); p.collect(HealthProbe)``
and asks for ``list[HealthProbe]`` (once collected, ``HealthProbe`` alone no longer resolves).

Bounded contexts provide their own unit of work type from ``async_sessionmaker[AsyncSession]``,
e.g. ``SqlLogisticsUnitOfWork(sessions, clock, audit_chain=chain)`` with ``chain: AuditChain``
resolved from here, next to the plain ``UnitOfWork`` given here.
"""

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.db.audit import AuditChain
from adapters.db.audit_reader import SqlAuditReader
from adapters.db.engine import create_engine, session_factory
from adapters.db.health import SqlHealthProbe
from adapters.db.oauth.keys import SqlSigningKeyRecords
from adapters.db.outbox import SqlOutboxStore
from adapters.db.settings import DatabaseSettings
from adapters.db.uow import SqlUnitOfWork
from adapters.system.clock import SystemClock
from core.ports.audit import AuditReader
from core.ports.clock import Clock
from core.ports.health import HealthProbe
from core.ports.outbox import OutboxStore
from core.ports.tokens import SigningKeyRecords
from core.ports.uow import UnitOfWork


class DatabaseProvider(Provider):
    def __init__(
        self, settings: DatabaseSettings, clock: Clock | None = None, *, audit_chain: str = "default"
    ) -> None:
        super().__init__()
        self._settings = settings
        self._clock = clock or SystemClock()
        self._audit_chain = AuditChain(audit_chain)

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

    @provide(scope=Scope.APP)
    def audit_chain(self) -> AuditChain:
        return self._audit_chain

    @provide(scope=Scope.APP)
    def audit_reader(self, engine: AsyncEngine) -> AuditReader:
        return SqlAuditReader(engine)

    @provide(scope=Scope.APP)
    def signing_key_records(self, engine: AsyncEngine) -> SigningKeyRecords:
        return SqlSigningKeyRecords(engine)

    @provide(scope=Scope.REQUEST)
    def unit_of_work(self, sessions: async_sessionmaker[AsyncSession]) -> UnitOfWork:
        return SqlUnitOfWork(sessions, self._clock, audit_chain=self._audit_chain)
