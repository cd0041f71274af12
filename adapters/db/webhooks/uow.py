from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.uow import SqlUnitOfWork
from adapters.db.webhooks.receipts import SqlInboundReceiptRepository
from adapters.db.webhooks.repository import SqlMessageRepository, SqlSubscriptionRepository
from core.ports.webhooks import WebhooksUnitOfWork


class SqlWebhooksUnitOfWork(SqlUnitOfWork, WebhooksUnitOfWork):
    """Subscriptions, their messages and attempts, inbound receipts: one transaction."""

    subscriptions: SqlSubscriptionRepository
    messages: SqlMessageRepository
    receipts: SqlInboundReceiptRepository

    def bind_repositories(self, session: AsyncSession) -> None:
        self.subscriptions = SqlSubscriptionRepository(session)
        self.messages = SqlMessageRepository(session)
        self.receipts = SqlInboundReceiptRepository(session)
