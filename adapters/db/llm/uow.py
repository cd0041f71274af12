from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.llm.usage import SqlUsageLog
from adapters.db.uow import SqlUnitOfWork
from core.ports.llm_usage import LlmUnitOfWork


class SqlLlmUnitOfWork(SqlUnitOfWork, LlmUnitOfWork):
    """The usage log (and, for a refusal, its security event): the LLM service's one transaction."""

    usage: SqlUsageLog

    def bind_repositories(self, session: AsyncSession) -> None:
        self.usage = SqlUsageLog(session)
