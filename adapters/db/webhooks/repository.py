"""``SubscriptionRepository`` and ``MessageRepository`` on SQLite and PostgreSQL."""

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.pagination import newest_first, oldest_first
from adapters.db.webhooks.tables import attempts, messages, subscriptions
from core.domain.webhooks.model import (
    Attempt,
    FailureOrigin,
    Message,
    MessageStatus,
    SealedSecrets,
    Subscription,
)
from core.ports.pagination import Page, PageRequest
from core.ports.webhooks import MessageRepository, SubscriptionRepository


def _subscription_values(s: Subscription) -> dict[str, Any]:
    return {
        "id": s.id,
        "owner": s.owner,
        "url": s.url,
        "events": msgspec.json.encode(list(s.events)).decode(),
        "description": s.description,
        "active": s.active,
        "sees_security": s.sees_security,
        "secret": s.secrets.current,
        "previous_secret": s.secrets.previous,
        "previous_until": s.secrets.previous_until,
        "disabled_reason": s.disabled_reason,
        "failing_since": s.failing_since,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


def _subscription(row: Any) -> Subscription:
    return Subscription(
        id=row.id,
        owner=row.owner,
        url=row.url,
        events=tuple(msgspec.json.decode(row.events, type=list[str])),
        description=row.description,
        active=row.active,
        sees_security=row.sees_security,
        secrets=SealedSecrets(
            current=row.secret, previous=row.previous_secret, previous_until=row.previous_until
        ),
        disabled_reason=row.disabled_reason,
        failing_since=row.failing_since,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlSubscriptionRepository(SubscriptionRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, subscription: Subscription) -> None:
        await self._session.execute(insert(subscriptions).values(**_subscription_values(subscription)))

    @translated
    async def get(self, subscription_id: str) -> Subscription | None:
        row = (
            await self._session.execute(select(subscriptions).where(subscriptions.c.id == subscription_id))
        ).first()
        return None if row is None else _subscription(row)

    @translated
    async def page(self, owner: str | None, request: PageRequest) -> Page[Subscription]:
        statement = select(subscriptions)
        if owner is not None:
            statement = statement.where(subscriptions.c.owner == owner)
        rows = (await self._session.execute(oldest_first(statement, request, subscriptions.c.id))).all()
        return Page.of([_subscription(row) for row in rows], request, lambda s: s.id)

    @translated
    async def active(self) -> list[Subscription]:
        rows = await self._session.execute(select(subscriptions).where(subscriptions.c.active.is_(True)))
        return [_subscription(row) for row in rows]

    @translated
    async def update(self, subscription: Subscription) -> None:
        values = _subscription_values(subscription)
        del values["id"], values["owner"], values["created_at"]
        await self._session.execute(
            update(subscriptions).where(subscriptions.c.id == subscription.id).values(**values)
        )

    @translated
    async def mark_failing(self, subscription_id: str, since: datetime | None) -> None:
        c = subscriptions.c
        statement = update(subscriptions).where(c.id == subscription_id).values(failing_since=since)
        if since is not None:
            statement = statement.where(c.failing_since.is_(None))
        await self._session.execute(statement)

    @translated
    async def disable(self, subscription_id: str, reason: str, at: datetime) -> bool:
        c = subscriptions.c
        done = await self._session.execute(
            update(subscriptions)
            .where(c.id == subscription_id, c.active.is_(True))
            .values(active=False, disabled_reason=reason, updated_at=at)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    @translated
    async def delete(self, subscription_id: str) -> None:
        await self._session.execute(delete(attempts).where(attempts.c.subscription_id == subscription_id))
        await self._session.execute(delete(messages).where(messages.c.subscription_id == subscription_id))
        await self._session.execute(delete(subscriptions).where(subscriptions.c.id == subscription_id))

    @translated
    async def any_secrets(self) -> tuple[str, SealedSecrets] | None:
        c = subscriptions.c
        row = (
            await self._session.execute(
                select(c.id, c.secret, c.previous_secret, c.previous_until).order_by(c.id.desc()).limit(1)
            )
        ).first()
        if row is None:
            return None
        return row.id, SealedSecrets(
            current=row.secret, previous=row.previous_secret, previous_until=row.previous_until
        )


_MESSAGE_STATE = ("status", "attempts", "next_attempt_at", "failure", "last_error", "finished_at")


def _message(row: Any) -> Message:
    return Message(
        id=row.id,
        subscription_id=row.subscription_id,
        event_id=row.event_id,
        event_type=row.event_type,
        occurred_at=row.occurred_at,
        data=row.data,
        status=MessageStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        failure=None if row.failure is None else FailureOrigin(row.failure),
        last_error=row.last_error,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


def _attempt(row: Any) -> Attempt:
    values = dict(row._mapping)
    values["origin"] = None if row.origin is None else FailureOrigin(row.origin)
    return Attempt(**values)


class SqlMessageRepository(MessageRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add_if_absent(self, message: Message) -> bool:
        dialect = postgresql if self._session.get_bind().dialect.name == "postgresql" else sqlite
        values = msgspec.structs.asdict(message)
        values["status"] = message.status.value
        statement = dialect.insert(messages).values(**values)
        statement = statement.on_conflict_do_nothing(index_elements=["event_id", "subscription_id"])
        result = await self._session.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    @translated
    async def get(self, message_id: str) -> Message | None:
        row = (await self._session.execute(select(messages).where(messages.c.id == message_id))).first()
        return None if row is None else _message(row)

    @translated
    async def due(self, now: datetime, limit: int) -> list[Message]:
        m = messages.c
        statement = (
            select(messages)
            .where(
                m.status == MessageStatus.PENDING.value,
                m.next_attempt_at <= now,
                or_(m.lease_until.is_(None), m.lease_until < now),
            )
            .order_by(m.occurred_at, m.event_id, m.id)
            .limit(limit)
        )
        return [_message(row) for row in await self._session.execute(statement)]

    @translated
    async def claim(self, message_id: str, owner: str, now: datetime, until: datetime) -> bool:
        m = messages.c
        result = await self._session.execute(
            update(messages)
            .where(
                m.id == message_id,
                m.status == MessageStatus.PENDING.value,
                or_(m.lease_until.is_(None), m.lease_until < now),
            )
            .values(lease_owner=owner, lease_until=until)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    @translated
    async def settle(self, message: Message) -> None:
        values = {name: getattr(message, name) for name in _MESSAGE_STATE}
        values["status"] = message.status.value
        values["failure"] = None if message.failure is None else message.failure.value
        await self._session.execute(
            update(messages)
            .where(messages.c.id == message.id)
            .values(**values, lease_owner=None, lease_until=None)
        )

    @translated
    async def page(
        self, subscription_id: str, status: MessageStatus | None, request: PageRequest
    ) -> Page[Message]:
        m = messages.c
        statement = select(messages).where(m.subscription_id == subscription_id)
        if status is not None:
            statement = statement.where(m.status == status.value)
        rows = await self._session.execute(newest_first(statement, request, m.occurred_at, m.id))
        return Page.of([_message(row) for row in rows], request, lambda x: (x.occurred_at, x.id))

    @translated
    async def replay_since(
        self, subscription_id: str, since: datetime, statuses: frozenset[MessageStatus], now: datetime
    ) -> int:
        m = messages.c
        result = await self._session.execute(
            update(messages)
            .where(
                m.subscription_id == subscription_id,
                m.occurred_at >= since,
                m.status.in_(sorted(status.value for status in statuses)),
            )
            .values(
                status=MessageStatus.PENDING.value,
                attempts=0,
                next_attempt_at=now,
                failure=None,
                finished_at=None,
                lease_owner=None,
                lease_until=None,
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    @translated
    async def purge_finished(self, before: datetime) -> int:
        m = messages.c
        finished = select(m.id).where(m.status != MessageStatus.PENDING.value, m.finished_at < before)
        await self._session.execute(delete(attempts).where(attempts.c.message_id.in_(finished)))
        result = await self._session.execute(
            delete(messages).where(m.status != MessageStatus.PENDING.value, m.finished_at < before)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    @translated
    async def record(self, attempt: Attempt) -> None:
        values = msgspec.structs.asdict(attempt)
        values["origin"] = None if attempt.origin is None else attempt.origin.value
        await self._session.execute(insert(attempts).values(**values))

    @translated
    async def attempts(self, subscription_id: str, request: PageRequest) -> Page[Attempt]:
        a = attempts.c
        statement = select(attempts).where(a.subscription_id == subscription_id)
        rows = await self._session.execute(newest_first(statement, request, a.attempted_at, a.id))
        return Page.of([_attempt(row) for row in rows], request, lambda x: (x.attempted_at, x.id))


__all__ = ["SqlMessageRepository", "SqlSubscriptionRepository"]
