from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.threat.records import SqlThreatRecords
from adapters.db.uow import SqlUnitOfWork
from core.ports.threat import ThreatUnitOfWork


class SqlThreatUnitOfWork(SqlUnitOfWork, ThreatUnitOfWork):
    """Threat events and alerts, with the outbox events that announce them: one transaction."""

    records: SqlThreatRecords

    def bind_repositories(self, session: AsyncSession) -> None:
        self.records = SqlThreatRecords(session)
