from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.agents.runs import SqlAgentRunLog
from adapters.db.uow import SqlUnitOfWork
from core.ports.agent_runs import AgentsUnitOfWork


class SqlAgentsUnitOfWork(SqlUnitOfWork, AgentsUnitOfWork):
    """A run's record (and, for a crisis, its event): orchestration's one transaction."""

    runs: SqlAgentRunLog

    def bind_repositories(self, session: AsyncSession) -> None:
        self.runs = SqlAgentRunLog(session)
