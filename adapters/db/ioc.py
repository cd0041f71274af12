"""Dishka wiring of the database adapter.

``HealthProbe`` is provided plainly. An app that checks several dependencies gathers every
provider's probe with one more provider: ``p = Provider(scope=Scope.APP); p.collect(HealthProbe)``
and asks for ``list[HealthProbe]`` (once collected, ``HealthProbe`` alone no longer resolves).

Each bounded context's unit of work is provided here too, as its port (``AnyOf`` when it serves
several), built like ``SqlIdentityUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)``; the
``AuditChain`` (the service's name) comes from the container's context.
"""

from collections.abc import AsyncIterator

from dishka import AnyOf, Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.db.agents.uow import SqlAgentsUnitOfWork
from adapters.db.audit import AuditChain
from adapters.db.audit_reader import SqlAuditReader
from adapters.db.crm.uow import SqlCrmUnitOfWork
from adapters.db.engine import create_engine, session_factory
from adapters.db.health import SqlHealthProbe
from adapters.db.identity.uow import SqlIdentityUnitOfWork
from adapters.db.knowledge.uow import SqlKnowledgeUnitOfWork
from adapters.db.llm.uow import SqlLlmUnitOfWork
from adapters.db.logistics.uow import SqlLogisticsUnitOfWork
from adapters.db.notifications.uow import SqlNotificationsUnitOfWork
from adapters.db.oauth.keys import SqlSigningKeyRecords
from adapters.db.outbox import SqlOutboxStore
from adapters.db.settings import DatabaseSettings
from adapters.db.threat.stores import SqlAlertStore, SqlThreatEventStore
from adapters.db.threat.uow import SqlThreatUnitOfWork
from adapters.db.uow import SqlUnitOfWork
from adapters.db.webhooks.uow import SqlWebhooksUnitOfWork
from core.ports.agent_runs import AgentsUnitOfWork
from core.ports.audit import AuditReader
from core.ports.clock import Clock, IdGenerator
from core.ports.crm import CrmUnitOfWork
from core.ports.health import HealthProbe
from core.ports.identity import IdentityUnitOfWork
from core.ports.knowledge import KnowledgeUnitOfWork
from core.ports.llm_usage import LlmUnitOfWork
from core.ports.logistics import LogisticsUnitOfWork
from core.ports.notifications import NotificationsUnitOfWork, NotificationsUnitsOfWork
from core.ports.oauth import OAuthUnitOfWork
from core.ports.outbox import OutboxStore
from core.ports.threat import AlertStore, ThreatEventStore, ThreatUnitsOfWork
from core.ports.tokens import SigningKeyRecords
from core.ports.uow import UnitOfWork
from core.ports.webhooks import WebhooksUnitOfWork, WebhooksUnitsOfWork


class DatabaseProvider(Provider):
    """Everything it needs (settings, clock, ids, the audit chain of its service) comes from the
    graph, so a test's clock reaches the unit of work and the outbox."""

    scope = Scope.APP

    @provide
    async def engine(self, settings: DatabaseSettings) -> AsyncIterator[AsyncEngine]:
        engine = create_engine(settings)
        yield engine
        await engine.dispose()

    @provide
    def sessions(self, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
        return session_factory(engine)

    @provide
    def outbox_store(self, engine: AsyncEngine, clock: Clock) -> OutboxStore:
        return SqlOutboxStore(engine, clock)

    @provide
    def health_probe(self, engine: AsyncEngine) -> HealthProbe:
        return SqlHealthProbe(engine)

    @provide
    def audit_reader(self, engine: AsyncEngine) -> AuditReader:
        return SqlAuditReader(engine)

    @provide
    def signing_key_records(self, engine: AsyncEngine) -> SigningKeyRecords:
        return SqlSigningKeyRecords(engine)

    @provide
    def threat_events(self, engine: AsyncEngine) -> ThreatEventStore:
        return SqlThreatEventStore(engine)

    @provide
    def alerts(self, engine: AsyncEngine) -> AlertStore:
        return SqlAlertStore(engine)

    @provide
    def threat_units_of_work(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator, chain: AuditChain
    ) -> ThreatUnitsOfWork:
        return lambda: SqlThreatUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)

    @provide
    def webhooks_units_of_work(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator, chain: AuditChain
    ) -> WebhooksUnitsOfWork:
        return lambda: SqlWebhooksUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)

    @provide
    def notifications_units_of_work(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator, chain: AuditChain
    ) -> NotificationsUnitsOfWork:
        return lambda: SqlNotificationsUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)

    @provide(scope=Scope.REQUEST)
    def unit_of_work(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator, chain: AuditChain
    ) -> UnitOfWork:
        return SqlUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)

    @provide(scope=Scope.REQUEST)
    def logistics_unit_of_work(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator, chain: AuditChain
    ) -> LogisticsUnitOfWork:
        return SqlLogisticsUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)

    @provide(scope=Scope.REQUEST)
    def crm_unit_of_work(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator, chain: AuditChain
    ) -> CrmUnitOfWork:
        return SqlCrmUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)

    @provide(scope=Scope.REQUEST)
    def llm_unit_of_work(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator, chain: AuditChain
    ) -> LlmUnitOfWork:
        return SqlLlmUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)

    @provide(scope=Scope.REQUEST)
    def agents_unit_of_work(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator, chain: AuditChain
    ) -> AgentsUnitOfWork:
        return SqlAgentsUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)

    @provide(scope=Scope.REQUEST)
    def knowledge_unit_of_work(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator, chain: AuditChain
    ) -> KnowledgeUnitOfWork:
        return SqlKnowledgeUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)

    @provide(scope=Scope.REQUEST)
    def webhooks_unit_of_work(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator, chain: AuditChain
    ) -> WebhooksUnitOfWork:
        return SqlWebhooksUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)

    @provide(scope=Scope.REQUEST)
    def notifications_unit_of_work(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator, chain: AuditChain
    ) -> NotificationsUnitOfWork:
        return SqlNotificationsUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)

    @provide(scope=Scope.REQUEST, provides=AnyOf[IdentityUnitOfWork, OAuthUnitOfWork])
    def identity_unit_of_work(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator, chain: AuditChain
    ) -> SqlIdentityUnitOfWork:
        return SqlIdentityUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)
