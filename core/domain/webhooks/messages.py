"""What a subscription was sent: its messages (the dead-letter list among them), every attempt,
replays and test events. Only for whoever may manage the subscription (``owned``)."""

from datetime import datetime, timedelta

import msgspec

from core.domain.access import Principal
from core.domain.errors import RuleViolated
from core.domain.webhooks.delivery import TEST_EVENT
from core.domain.webhooks.model import Attempt, Message, MessageNotFound, MessageStatus
from core.domain.webhooks.use_cases import owned
from core.ports.clock import Clock, IdGenerator
from core.ports.pagination import Page, PageRequest
from core.ports.webhooks import WebhooksUnitOfWork


class ListDeliveries:
    """- Every delivery attempt to the subscription, newest first: status code, latency, the
    start of the answer, the error, and whether the endpoint or the platform failed."""

    def __init__(self, uow: WebhooksUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, subscription_id: str, principal: Principal, page: PageRequest) -> Page[Attempt]:
        async with self._uow as uow:
            await owned(uow, subscription_id, principal)
            return await uow.messages.attempts(subscription_id, page)


class ListMessages:
    """- The events owed to the subscription, newest first; `status=dead` is its dead-letter
    list, each with `failure` (`endpoint` or `platform`) and the last error."""

    def __init__(self, uow: WebhooksUnitOfWork) -> None:
        self._uow = uow

    async def execute(
        self, subscription_id: str, status: MessageStatus | None, principal: Principal, page: PageRequest
    ) -> Page[Message]:
        async with self._uow as uow:
            await owned(uow, subscription_id, principal)
            return await uow.messages.page(subscription_id, status, page)


class ReplayMessage:
    """- Sends a message again from the start of the retry schedule, whatever its state (a
    delivered one too: receivers de-duplicate on `webhook-id`)."""

    def __init__(self, uow: WebhooksUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, subscription_id: str, message_id: str, principal: Principal) -> Message:
        async with self._uow as uow:
            await owned(uow, subscription_id, principal)
            found = await uow.messages.get(message_id)
            if found is None or found.subscription_id != subscription_id:
                raise MessageNotFound(message_id)
            again = msgspec.structs.replace(
                found,
                status=MessageStatus.PENDING,
                attempts=0,
                next_attempt_at=self._clock.now(),
                failure=None,
                finished_at=None,
            )
            await uow.messages.settle(again)
            await uow.commit()
        return again


class ReplaySince:
    """- Every dead-lettered message of an event since `since` starts its chain again at once, in
    event order; with `include_delivered`, the delivered ones too (receivers de-duplicate on
    `webhook-id`). Answers how many."""

    def __init__(self, uow: WebhooksUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(
        self, subscription_id: str, since: datetime, include_delivered: bool, principal: Principal
    ) -> int:
        if since.utcoffset() is None:
            raise RuleViolated("since needs a time zone (e.g. 2026-12-03T10:00:00Z)")
        statuses = {MessageStatus.DEAD} | ({MessageStatus.DELIVERED} if include_delivered else set())
        async with self._uow as uow:
            await owned(uow, subscription_id, principal)
            count = await uow.messages.replay_since(
                subscription_id, since, frozenset(statuses), self._clock.now()
            )
            await uow.commit()
        return count


class SendTestEvent:
    """- Queues a `webhook.test` event for this subscription only, delivered and logged like any
    other (active or not)."""

    def __init__(self, uow: WebhooksUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, subscription_id: str, principal: Principal) -> Message:
        now = self._clock.now()
        async with self._uow as uow:
            await owned(uow, subscription_id, principal)
            message = Message(
                id=self._ids.new_id(),
                subscription_id=subscription_id,
                event_id=self._ids.new_id(),
                event_type=TEST_EVENT,
                occurred_at=now,
                data=msgspec.json.encode({"type": TEST_EVENT, "subscription_id": subscription_id}),
                status=MessageStatus.PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            await uow.messages.add_if_absent(message)
            await uow.commit()
        return message


class PurgeFinishedMessages:
    """- Delivered and dead-lettered messages, and their attempts, are kept for the retention
    period after they finish (the events' data, customers' included, goes with them)."""

    def __init__(self, uow: WebhooksUnitOfWork, clock: Clock, retention: timedelta) -> None:
        self._uow, self._clock, self._retention = uow, clock, retention

    async def execute(self) -> int:
        async with self._uow as uow:
            purged = await uow.messages.purge_finished(self._clock.now() - self._retention)
            await uow.commit()
        return purged
