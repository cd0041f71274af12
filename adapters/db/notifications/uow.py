from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.notifications.repository import (
    SqlChannelRepository,
    SqlCustomerContactRepository,
    SqlNotificationRepository,
    SqlRuleRepository,
    SqlThrottleRepository,
)
from adapters.db.uow import SqlUnitOfWork
from core.ports.notifications import NotificationsUnitOfWork


class SqlNotificationsUnitOfWork(SqlUnitOfWork, NotificationsUnitOfWork):
    """Customer contacts, channels, rules, throttle windows and notifications: one transaction."""

    contacts: SqlCustomerContactRepository
    channels: SqlChannelRepository
    rules: SqlRuleRepository
    throttles: SqlThrottleRepository
    notifications: SqlNotificationRepository

    def bind_repositories(self, session: AsyncSession) -> None:
        self.contacts = SqlCustomerContactRepository(session)
        self.channels = SqlChannelRepository(session)
        self.rules = SqlRuleRepository(session)
        self.throttles = SqlThrottleRepository(session)
        self.notifications = SqlNotificationRepository(session)
