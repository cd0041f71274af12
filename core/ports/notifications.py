"""Notifiers' storage and the mail transport; HTTP channels go through ``WebhookSender``."""

from datetime import datetime
from typing import Protocol

from core.domain.notifications.model import Channel, CustomerContact, Notification, NotificationStatus, Rule
from core.ports.errors import Unavailable
from core.ports.pagination import Page, PageRequest
from core.ports.uow import UnitOfWork


class ChannelRepository(Protocol):
    async def add(self, channel: Channel) -> None: ...

    async def get(self, channel_id: str) -> Channel | None: ...

    async def all(self) -> list[Channel]:
        """Oldest first."""
        ...

    async def delete(self, channel_id: str) -> None: ...


class RuleRepository(Protocol):
    async def add(self, rule: Rule) -> None: ...

    async def all(self) -> list[Rule]:
        """Oldest first."""
        ...

    async def delete(self, rule_id: str) -> bool: ...


class ThrottleRepository(Protocol):
    async def open_window(self, rule_id: str, key: str, now: datetime, until: datetime) -> bool:
        """True, and the group's window runs until ``until``, when the group has no window open
        at ``now``; otherwise False and the group's suppressed count goes up. Atomic across
        processes: of two callers at once, one opens it."""
        ...


class NotificationRepository(Protocol):
    async def add_if_absent(self, notification: Notification) -> bool:
        """False when this (event, rule, channel) has a notification already."""
        ...

    async def due(self, now: datetime, limit: int) -> list[Notification]:
        """Pending ones whose attempt is due, oldest first."""
        ...

    async def claim(self, notification_id: str, now: datetime, until: datetime) -> bool:
        """Move a due notification's next attempt to ``until`` unless another did first."""
        ...

    async def settle(self, notification: Notification) -> None: ...

    async def page(self, status: NotificationStatus | None, request: PageRequest) -> Page[Notification]:
        """Newest first."""
        ...

    async def purge_finished(self, before: datetime) -> int:
        """Delete sent and failed notifications made before ``before``, and throttle windows
        that closed before it; returns how many notifications."""
        ...


class CustomerContactRepository(Protocol):
    async def get(self, customer_id: str) -> CustomerContact | None: ...

    async def save(self, contact: CustomerContact) -> None:
        """Insert or replace."""
        ...

    async def forget(self, customer_id: str) -> None: ...


class NotificationsUnitOfWork(UnitOfWork, Protocol):
    contacts: CustomerContactRepository
    channels: ChannelRepository
    rules: RuleRepository
    throttles: ThrottleRepository
    notifications: NotificationRepository


class NotificationsUnitsOfWork(Protocol):
    def __call__(self) -> NotificationsUnitOfWork:
        """A new unit of work each time, for the sending loop."""
        ...


class MailUnavailable(Unavailable):
    """The SMTP server refused, failed or could not be reached."""


class Mailer(Protocol):
    async def send(self, to: list[str], subject: str, text: str) -> None:
        """Raises ``MailUnavailable``."""
        ...
