"""From the event stream to the receivers: each event becomes one message per subscription that
wants it, and a worker sends the due ones in event order, retrying on the schedule."""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

import msgspec

from core.domain.events import publish
from core.domain.webhooks.events import WebhooksMessageDeadLettered, WebhooksSubscriptionDisabled
from core.domain.webhooks.model import (
    Attempt,
    FailureOrigin,
    Message,
    MessageStatus,
    RetrySchedule,
    Subscription,
)
from core.domain.webhooks.signing import signed_headers
from core.ports.clock import Clock, IdGenerator
from core.ports.events import Event
from core.ports.webhooks import SealBroken, SecretSealer, SendResult, WebhookSender, WebhooksUnitOfWork

TEST_EVENT = "webhook.test"
_random = secrets.SystemRandom()


class AcceptEvent:
    """- Every active subscription that wants the event's type gets one message for it; an event
    seen again (redelivered by the bus, or by another replica) adds nothing."""

    def __init__(self, uow: WebhooksUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, event: Event) -> int:
        now = self._clock.now()
        added = 0
        async with self._uow as uow:
            for subscription in await uow.subscriptions.active():
                if not subscription.wants(event.type):
                    continue
                message = Message(
                    id=self._ids.new_id(),
                    subscription_id=subscription.id,
                    event_id=event.id,
                    event_type=event.type,
                    occurred_at=event.occurred_at,
                    data=event.payload,
                    status=MessageStatus.PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
                added += await uow.messages.add_if_absent(message)
            await uow.commit()
        return added


def payload(message: Message) -> bytes:
    """``{"type", "timestamp", "data"}``, ``data`` being the event's documented JSON as it is."""
    return msgspec.json.encode(
        {
            "type": message.event_type,
            "timestamp": message.occurred_at.isoformat().replace("+00:00", "Z"),
            "data": msgspec.Raw(message.data),
        }
    )


def retryable(result: SendResult) -> bool:
    """No answer, 5xx, 429: try again later. Other 4xx (and 3xx: redirects are not followed): no."""
    code = result.status_code
    return code is None or code >= 500 or code == 429


class DeliverDue:
    """- Due messages go out oldest event first; one that fails waits for its next attempt
      without holding back later ones.
    - 2xx delivers; 410 Gone disables the subscription; other 4xx fail at once; no answer, 5xx
      and 429 retry on the schedule (honouring `Retry-After`), then go to the dead-letter list."""

    def __init__(
        self,
        uow: WebhooksUnitOfWork,
        sender: WebhookSender,
        sealer: SecretSealer,
        clock: Clock,
        ids: IdGenerator,
        schedule: RetrySchedule,
        *,
        worker: str,
        lease_seconds: float = 60.0,
        draw: Callable[[], float] = _random.random,
    ) -> None:
        self._uow, self._sender, self._sealer = uow, sender, sealer
        self._clock, self._ids, self._schedule = clock, ids, schedule
        self._worker, self._lease, self._draw = worker, lease_seconds, draw

    async def execute(self, limit: int = 50) -> int:
        """Returns how many attempts were made."""
        async with self._uow as uow:
            due = await uow.messages.due(self._clock.now(), limit)
        made = 0
        for message in due:
            now = self._clock.now()
            async with self._uow as uow:
                lease_until = now + timedelta(seconds=self._lease)
                if not await uow.messages.claim(message.id, self._worker, now, lease_until):
                    continue
                claimed = await uow.messages.get(message.id)  # as it is now: a replay may have reset it
                subscription = await uow.subscriptions.get(message.subscription_id)
                await uow.commit()
            if subscription is None or claimed is None:
                continue
            await self._attempt(claimed, subscription)
            made += 1
        return made

    async def _attempt(self, message: Message, subscription: Subscription) -> None:
        now = self._clock.now()
        number = message.attempts + 1
        result, origin = await self._send(message, subscription)
        if origin is None and result.status_code is not None and 200 <= result.status_code < 300:
            settled = msgspec.structs.replace(
                message, status=MessageStatus.DELIVERED, attempts=number, next_attempt_at=None,
                failure=None, last_error=None, finished_at=self._clock.now(),
            )  # fmt: skip
        else:
            origin = origin or FailureOrigin.ENDPOINT
            error = result.error or f"the endpoint answered {result.status_code}"
            wait = None
            if (subscription.active or message.event_type == TEST_EVENT) and (
                origin is FailureOrigin.PLATFORM or retryable(result)
            ):
                wait = self._schedule.next_wait(number, self._draw(), result.retry_after_seconds)
            settled = msgspec.structs.replace(
                message,
                status=MessageStatus.DEAD if wait is None else MessageStatus.PENDING,
                attempts=number,
                next_attempt_at=None if wait is None else self._clock.now() + wait,
                failure=origin,
                last_error=error,
                finished_at=self._clock.now() if wait is None else None,
            )
        attempt = Attempt(
            id=self._ids.new_id(),
            message_id=message.id,
            subscription_id=subscription.id,
            event_id=message.event_id,
            number=number,
            attempted_at=now,
            status_code=result.status_code,
            latency_ms=result.latency_ms,
            response_excerpt=result.response_excerpt,
            error=result.error,
            origin=None if settled.status is MessageStatus.DELIVERED else settled.failure,
        )
        failing, reason = self._judged(subscription, settled, result, now)
        async with self._uow as uow:
            await uow.messages.record(attempt)
            await uow.messages.settle(settled)
            # Only the health columns, by condition: the owner may have rotated, edited or
            # disabled the subscription while this attempt was under way.
            if failing != "keep":
                await uow.subscriptions.mark_failing(subscription.id, now if failing == "start" else None)
            if reason is not None and not await uow.subscriptions.disable(subscription.id, reason, now):
                reason = None  # someone else disabled it first
            if reason is not None:
                disabled = WebhooksSubscriptionDisabled(
                    subscription_id=subscription.id, owner=subscription.owner, reason=reason
                )
                publish(uow, disabled, self._ids.new_id(), now)
            if settled.status is MessageStatus.DEAD and message.event_type != TEST_EVENT:
                dead = WebhooksMessageDeadLettered(
                    subscription_id=subscription.id, owner=subscription.owner, message_id=message.id,
                    event_id=message.event_id, event_type=message.event_type,
                    failure=str(settled.failure), last_error=settled.last_error or "",
                )  # fmt: skip
                publish(uow, dead, self._ids.new_id(), now)
            await uow.commit()

    def _judged(
        self, subscription: Subscription, settled: Message, result: SendResult, now: datetime
    ) -> tuple[Literal["keep", "start", "clear"], str | None]:
        """Whether the endpoint's failing streak starts, clears or stays as it is after this
        attempt, and why the subscription is to be disabled, if it is: a 410 Gone, or an
        endpoint failing with no success for ``disable_after_seconds``."""
        if not subscription.active or settled.failure is FailureOrigin.PLATFORM:
            return "keep", None
        if settled.status is MessageStatus.DELIVERED:
            return ("keep" if subscription.failing_since is None else "clear"), None
        if result.status_code == 410:
            return "keep", "the endpoint answered 410 Gone"
        if subscription.failing_since is None:
            return "start", None
        if now - subscription.failing_since >= timedelta(seconds=self._schedule.disable_after_seconds):
            since = subscription.failing_since.isoformat()
            return "keep", f"its endpoint has failed since {since} without a success"
        return "keep", None

    async def _send(
        self, message: Message, subscription: Subscription
    ) -> tuple[SendResult, FailureOrigin | None]:
        if not subscription.active and message.event_type != TEST_EVENT:
            reason = subscription.disabled_reason or "the subscription is disabled"
            return SendResult(status_code=None, latency_ms=0, error=reason), FailureOrigin.ENDPOINT
        now = self._clock.now()
        try:
            keys = [self._sealer.open(s, bound_to=subscription.id) for s in subscription.secrets.signing(now)]
        except SealBroken as broken:
            return SendResult(status_code=None, latency_ms=0, error=str(broken)), FailureOrigin.PLATFORM
        body = payload(message)
        result = await self._sender.send(
            subscription.url, signed_headers(keys, message.event_id, now, body), body
        )
        return result, None
