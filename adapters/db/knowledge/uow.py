from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.knowledge.repository import SqlKnowledgeRepository
from adapters.db.uow import SqlUnitOfWork
from core.ports.knowledge import KnowledgeUnitOfWork


class SqlKnowledgeUnitOfWork(SqlUnitOfWork, KnowledgeUnitOfWork):
    """A document and its chunks (and their full-text index): one transaction."""

    knowledge: SqlKnowledgeRepository

    def bind_repositories(self, session: AsyncSession) -> None:
        self.knowledge = SqlKnowledgeRepository(session)
