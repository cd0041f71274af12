"""From events to notifications (grouped, de-duplicated, throttled) and from those to channels."""

from datetime import datetime, timedelta
from typing import Any

import msgspec

from core.domain.notifications.model import (
    CUSTOMER_CHANNEL,
    CUSTOMER_RULE,
    Channel,
    ChannelConfig,
    ChannelKind,
    CustomerContact,
    Notification,
    NotificationStatus,
    Severity,
    customer_email,
    render,
    severity_of,
)
from core.ports.clock import Clock, IdGenerator
from core.ports.errors import Unavailable
from core.ports.events import Event
from core.ports.notifications import Mailer, NotificationsUnitOfWork
from core.ports.webhooks import SecretSealer, WebhookSender

RETRY_SECONDS = (0.0, 30.0, 300.0)
"""The wait before each attempt; after the last, the notification has failed."""
LEASE_SECONDS = 60.0


class RouteEvent:
    """- Each rule that wants the event (type and severity) opens its group's window (the values
      of its `group_by` fields) or, when the window is open, counts the event as suppressed.
    - An opened window makes one notification per channel of the rule; an event seen again
      (redelivered, or by another replica) adds nothing.
    - Customers: `crm.customer_created` tells where to write to them, `crm.customer_erased`
      forgets them; `logistics.order_shipped` and `crm.ticket_replied` make an email to the
      customer unless they opted out."""

    def __init__(self, uow: NotificationsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, event: Event) -> int:
        data: dict[str, Any] = msgspec.json.decode(event.payload)
        severity = severity_of(event.type, data)
        subject, text = render(event.type, severity, data)
        now, added = self._clock.now(), 0
        async with self._uow as uow:
            added += await self._for_customer(uow, event, data)
            for rule in await uow.rules.all():
                if not rule.wants(event.type, severity):
                    continue
                key = rule.group_of(data)
                until = now + timedelta(seconds=rule.repeat_seconds)
                if not await uow.throttles.open_window(rule.id, key, now, until):
                    continue
                for channel_id in rule.channel_ids:
                    added += await uow.notifications.add_if_absent(Notification(
                        id=self._ids.new_id(), event_id=event.id, event_type=event.type, rule_id=rule.id,
                        channel_id=channel_id, severity=severity, group_key=key, subject=subject, text=text,
                        data=event.payload, status=NotificationStatus.PENDING, attempts=0,
                        next_attempt_at=now, created_at=now))  # fmt: skip
            await uow.commit()
        return added

    async def _for_customer(self, uow: NotificationsUnitOfWork, event: Event, data: dict[str, Any]) -> int:
        customer_id = data.get("customer_id")
        if not isinstance(customer_id, str):
            return 0
        now = self._clock.now()
        contact = await uow.contacts.get(customer_id)
        if event.type == "crm.customer_created" and isinstance(data.get("email"), str):
            opted_out = contact is not None and contact.opted_out
            known = CustomerContact(
                customer_id=customer_id, email=data["email"], opted_out=opted_out, updated_at=now
            )
            await uow.contacts.save(known)
            return 0
        if event.type == "crm.customer_erased":
            await uow.contacts.forget(customer_id)
            return 0
        email = customer_email(event.type, data)
        if email is None or contact is None or contact.email is None or contact.opted_out:
            return 0
        subject, text = email
        return int(await uow.notifications.add_if_absent(Notification(
            id=self._ids.new_id(), event_id=event.id, event_type=event.type, rule_id=CUSTOMER_RULE,
            channel_id=CUSTOMER_CHANNEL + customer_id, severity=Severity.INFO, group_key="", subject=subject,
            text=text, data=event.payload, status=NotificationStatus.PENDING, attempts=0, next_attempt_at=now,
            created_at=now)))  # fmt: skip


class SendDue:
    """- Due notifications go to their channel: Slack `{"text"}`, webhook
      `{"type", "severity", "text", "data"}` through the SSRF-guarded sender, email through SMTP.
    - A failure is tried again after 30 s and 5 min; then the notification has failed. Each
      attempt is counted and its error kept."""

    def __init__(
        self, uow: NotificationsUnitOfWork, sender: WebhookSender, mailer: Mailer, sealer: SecretSealer,
        clock: Clock,
    ) -> None:  # fmt: skip
        self._uow, self._sender, self._mailer, self._sealer, self._clock = uow, sender, mailer, sealer, clock

    async def execute(self, limit: int) -> int:
        now = self._clock.now()
        async with self._uow as uow:
            due = await uow.notifications.due(now, limit)
            claimed = [
                n
                for n in due
                if await uow.notifications.claim(n.id, now, now + timedelta(seconds=LEASE_SECONDS))
            ]
            channels = {n.channel_id: await uow.channels.get(n.channel_id) for n in claimed}
            await uow.commit()
        for notification in claimed:
            if notification.channel_id.startswith(CUSTOMER_CHANNEL):
                error = await self._to_customer(notification)
                settled = _settled(notification, error, self._clock.now())
                async with self._uow as uow:
                    await uow.notifications.settle(settled)
                    await uow.commit()
                continue
            error = await self._attempt(notification, channels.get(notification.channel_id))
            settled = _settled(notification, error, self._clock.now())
            async with self._uow as uow:
                await uow.notifications.settle(settled)
                await uow.commit()
        return len(due)

    async def _to_customer(self, notification: Notification) -> str | None:
        """Asked again at sending: a customer who opted out or was erased since gets nothing."""
        async with self._uow as uow:
            contact = await uow.contacts.get(notification.channel_id.removeprefix(CUSTOMER_CHANNEL))
        if contact is None or contact.email is None:
            return "the customer is unknown or erased"
        if contact.opted_out:
            return "the customer opted out of emails"
        try:
            await self._mailer.send([contact.email], notification.subject, notification.text)
        except Unavailable as error:
            return str(error)
        return None

    async def _attempt(self, notification: Notification, channel: Channel | None) -> str | None:
        if channel is None:
            return "the channel was deleted"
        try:
            config = msgspec.json.decode(
                self._sealer.open(channel.config, bound_to=channel.id), type=ChannelConfig
            )
        except Unavailable as error:
            return str(error)
        if channel.kind is ChannelKind.EMAIL:
            try:
                await self._mailer.send(config.to, notification.subject, notification.text)
            except Unavailable as error:
                return str(error)
            return None
        body = _http_body(channel.kind, notification)
        result = await self._sender.send(config.url or "", {"content-type": "application/json"}, body)
        if result.status_code is not None and 200 <= result.status_code < 300:
            return None
        return result.error or f"HTTP {result.status_code}"


def _http_body(kind: ChannelKind, notification: Notification) -> bytes:
    if kind is ChannelKind.SLACK:
        return msgspec.json.encode({"text": notification.text})
    n = notification
    return msgspec.json.encode(
        {"type": n.event_type, "severity": n.severity, "text": n.text, "data": msgspec.Raw(n.data)}
    )


def _settled(notification: Notification, error: str | None, now: datetime) -> Notification:
    attempts = notification.attempts + 1
    if error is None:
        return msgspec.structs.replace(notification, status=NotificationStatus.SENT, attempts=attempts,
                                       next_attempt_at=None, last_error=None, sent_at=now)  # fmt: skip
    if attempts >= len(RETRY_SECONDS):
        return msgspec.structs.replace(notification, status=NotificationStatus.FAILED, attempts=attempts,
                                       next_attempt_at=None, last_error=error[:1000])  # fmt: skip
    wait = timedelta(seconds=RETRY_SECONDS[attempts])
    return msgspec.structs.replace(notification, attempts=attempts, next_attempt_at=now + wait,
                                   last_error=error[:1000])  # fmt: skip


class PurgeFinishedNotifications:
    """- Sent and failed notifications (their copies of events' data among them) are deleted
    `BHIV_WEBHOOK_RETENTION_DAYS` after they were made, as webhook messages are."""

    def __init__(self, uow: NotificationsUnitOfWork, clock: Clock, keep: timedelta) -> None:
        self._uow, self._clock, self._keep = uow, clock, keep

    async def execute(self) -> int:
        async with self._uow as uow:
            purged = await uow.notifications.purge_finished(self._clock.now() - self._keep)
            await uow.commit()
        return purged
