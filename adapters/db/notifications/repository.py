"""The notifiers' repositories on SQLite and PostgreSQL."""

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.notifications.tables import channels, contacts, notifications, rules, throttles
from adapters.db.pagination import newest_first
from core.domain.notifications.model import (
    Channel,
    ChannelKind,
    CustomerContact,
    Notification,
    NotificationStatus,
    Rule,
    Severity,
)
from core.ports.notifications import (
    ChannelRepository,
    CustomerContactRepository,
    NotificationRepository,
    RuleRepository,
    ThrottleRepository,
)
from core.ports.pagination import Page, PageRequest


def _dialect(session: AsyncSession) -> Any:
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite


class SqlChannelRepository(ChannelRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, channel: Channel) -> None:
        values = msgspec.structs.asdict(channel) | {"kind": channel.kind.value}
        await self._session.execute(insert(channels).values(**values))

    @translated
    async def get(self, channel_id: str) -> Channel | None:
        row = (await self._session.execute(select(channels).where(channels.c.id == channel_id))).first()
        return None if row is None else _channel(row)

    @translated
    async def all(self) -> list[Channel]:
        rows = await self._session.execute(select(channels).order_by(channels.c.id))
        return [_channel(row) for row in rows]

    @translated
    async def delete(self, channel_id: str) -> None:
        await self._session.execute(delete(channels).where(channels.c.id == channel_id))


def _channel(row: Any) -> Channel:
    return Channel(id=row.id, name=row.name, kind=ChannelKind(row.kind), security=row.security,
                   config=row.config, created_by=row.created_by, created_at=row.created_at)  # fmt: skip


def _json(values: tuple[str, ...]) -> str:
    return msgspec.json.encode(list(values)).decode()


def _strings(text: str) -> tuple[str, ...]:
    return tuple(msgspec.json.decode(text, type=list[str]))


class SqlRuleRepository(RuleRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, rule: Rule) -> None:
        values = msgspec.structs.asdict(rule) | {"min_severity": rule.min_severity.value}
        for name in ("events", "channel_ids", "group_by"):
            values[name] = _json(values[name])
        await self._session.execute(insert(rules).values(**values))

    @translated
    async def all(self) -> list[Rule]:
        rows = await self._session.execute(select(rules).order_by(rules.c.id))
        return [_rule(row) for row in rows]

    @translated
    async def delete(self, rule_id: str) -> bool:
        await self._session.execute(delete(throttles).where(throttles.c.rule_id == rule_id))
        result = await self._session.execute(delete(rules).where(rules.c.id == rule_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _rule(row: Any) -> Rule:
    fields = {name: getattr(row, name) for name in Rule.__struct_fields__}
    for name in ("events", "channel_ids", "group_by"):
        fields[name] = _strings(fields[name])
    return Rule(**fields | {"min_severity": Severity(row.min_severity)})


class SqlThrottleRepository(ThrottleRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def open_window(self, rule_id: str, key: str, now: datetime, until: datetime) -> bool:
        t = throttles.c
        mine = (t.rule_id == rule_id) & (t.group_key == key)
        reopened = await self._session.execute(
            update(throttles).where(mine & (t.window_until <= now)).values(window_until=until, suppressed=0)
        )
        if reopened.rowcount:  # type: ignore[attr-defined]
            return True
        statement = (
            _dialect(self._session)
            .insert(throttles)
            .values(rule_id=rule_id, group_key=key, window_until=until, suppressed=0)
        )
        created = await self._session.execute(statement.on_conflict_do_nothing())
        if created.rowcount:  # type: ignore[attr-defined]
            return True
        await self._session.execute(update(throttles).where(mine).values(suppressed=t.suppressed + 1))
        return False


class SqlNotificationRepository(NotificationRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add_if_absent(self, notification: Notification) -> bool:
        values = msgspec.structs.asdict(notification)
        values |= {"status": notification.status.value, "severity": notification.severity.value}
        statement = _dialect(self._session).insert(notifications).values(**values)
        result = await self._session.execute(statement.on_conflict_do_nothing())
        return bool(result.rowcount)  # type: ignore[attr-defined]

    @translated
    async def due(self, now: datetime, limit: int) -> list[Notification]:
        n = notifications.c
        statement = (
            select(notifications)
            .where(n.status == NotificationStatus.PENDING.value, n.next_attempt_at <= now)
            .order_by(n.created_at, n.id)
            .limit(limit)
        )
        return [_notification(row) for row in await self._session.execute(statement)]

    @translated
    async def claim(self, notification_id: str, now: datetime, until: datetime) -> bool:
        n = notifications.c
        result = await self._session.execute(
            update(notifications)
            .where(
                n.id == notification_id,
                n.status == NotificationStatus.PENDING.value,
                n.next_attempt_at <= now,
            )
            .values(next_attempt_at=until)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    @translated
    async def settle(self, notification: Notification) -> None:
        await self._session.execute(
            update(notifications).where(notifications.c.id == notification.id).values(
                status=notification.status.value, attempts=notification.attempts,
                next_attempt_at=notification.next_attempt_at, last_error=notification.last_error,
                sent_at=notification.sent_at)
        )  # fmt: skip

    @translated
    async def page(self, status: NotificationStatus | None, request: PageRequest) -> Page[Notification]:
        n = notifications.c
        statement = select(notifications)
        if status is not None:
            statement = statement.where(n.status == status.value)
        rows = await self._session.execute(newest_first(statement, request, n.created_at, n.id))
        return Page.of([_notification(row) for row in rows], request, lambda x: (x.created_at, x.id))

    @translated
    async def purge_finished(self, before: datetime) -> int:
        n = notifications.c
        finished = (NotificationStatus.SENT.value, NotificationStatus.FAILED.value)
        result = await self._session.execute(
            delete(notifications).where(n.status.in_(finished), n.created_at < before)
        )
        await self._session.execute(delete(throttles).where(throttles.c.window_until < before))
        return int(result.rowcount)  # type: ignore[attr-defined]


def _notification(row: Any) -> Notification:
    fields = {name: getattr(row, name) for name in Notification.__struct_fields__}
    fields |= {"status": NotificationStatus(row.status), "severity": Severity(row.severity)}
    return Notification(**fields)


class SqlCustomerContactRepository(CustomerContactRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def get(self, customer_id: str) -> CustomerContact | None:
        row = (
            await self._session.execute(select(contacts).where(contacts.c.customer_id == customer_id))
        ).first()
        if row is None:
            return None
        return CustomerContact(customer_id=row.customer_id, email=row.email, opted_out=row.opted_out,
                               updated_at=row.updated_at)  # fmt: skip

    @translated
    async def save(self, contact: CustomerContact) -> None:
        values = msgspec.structs.asdict(contact)
        statement = _dialect(self._session).insert(contacts).values(**values)
        changed = {k: v for k, v in values.items() if k != "customer_id"}
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=["customer_id"], set_=changed)
        )

    @translated
    async def forget(self, customer_id: str) -> None:
        await self._session.execute(delete(contacts).where(contacts.c.customer_id == customer_id))
