from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.identity.llm_keys import SqlLlmApiKeyRepository
from adapters.db.identity.repositories import SqlServiceClientRepository, SqlUserRepository
from adapters.db.oauth.refresh_tokens import SqlRefreshTokenRepository
from adapters.db.uow import SqlUnitOfWork
from core.ports.oauth import OAuthUnitOfWork


class SqlIdentityUnitOfWork(SqlUnitOfWork, OAuthUnitOfWork):
    """Users, service clients, LLM API keys and refresh tokens: the identity context's one
    transaction."""

    users: SqlUserRepository
    clients: SqlServiceClientRepository
    refresh_tokens: SqlRefreshTokenRepository
    llm_keys: SqlLlmApiKeyRepository

    def bind_repositories(self, session: AsyncSession) -> None:
        self.users = SqlUserRepository(session)
        self.clients = SqlServiceClientRepository(session)
        self.llm_keys = SqlLlmApiKeyRepository(session)
        self.refresh_tokens = SqlRefreshTokenRepository(session, self._clock)
