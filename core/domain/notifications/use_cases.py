"""Channels and routing rules, managed with `integrations:manage`; security ones by admins only."""

import msgspec

from core.domain.access import Permission, Principal
from core.domain.errors import Forbidden, NotFound, RuleViolated
from core.domain.notifications.model import (
    Channel,
    ChannelConfig,
    ChannelKind,
    ChannelNotFound,
    CustomerContact,
    Notification,
    NotificationStatus,
    Rule,
    RuleNotFound,
    Severity,
)
from core.ports.clock import Clock, IdGenerator
from core.ports.notifications import NotificationsUnitOfWork
from core.ports.pagination import Page, PageRequest
from core.ports.webhooks import EndpointGuard, SecretSealer


class NewChannel(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    kind: ChannelKind
    config: ChannelConfig
    security: bool = False


class NewRule(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    events: list[str]
    channel_ids: list[str]
    min_severity: Severity = Severity.INFO
    group_by: list[str] = msgspec.field(default_factory=list)
    repeat_seconds: float = 3600.0


def _admin(by: Principal) -> bool:
    """May handle security channels, rules and notifications: by permission, not role, so an
    admin's token narrowed to ``integrations:manage`` may not."""
    return by.has(Permission.THREATS_MANAGE)


class CreateChannel:
    """- `kind` slack or webhook: `config` is `{"url"}`, https (or allowlisted by
      `BHIV_WEBHOOK_ALLOW_CIDRS`) to a public address, as for webhooks (422 `unsafe_endpoint`);
      email: `{"to": [addresses]}`, sent through `BHIV_SMTP_*`.
    - The config is sealed with `BHIV_INTEGRATIONS_SEAL_KEY` and never answered.
    - `security` channels (the only ones that receive identity.* and threat.* events) are for
      admins only (403)."""

    def __init__(
        self, uow: NotificationsUnitOfWork, sealer: SecretSealer, guard: EndpointGuard, clock: Clock,
        ids: IdGenerator,
    ) -> None:  # fmt: skip
        self._uow, self._sealer, self._guard, self._clock, self._ids = uow, sealer, guard, clock, ids

    async def execute(self, command: NewChannel, by: Principal) -> Channel:
        if command.security and not _admin(by):
            raise Forbidden("security channels are for admins")
        config = command.config.checked(command.kind)
        if config.url is not None:
            await self._guard.vet(config.url)
        channel_id = self._ids.new_id()
        sealed = self._sealer.seal(msgspec.json.encode(config).decode(), bound_to=channel_id)
        channel = Channel(id=channel_id, name=command.name, kind=command.kind, security=command.security,
                          config=sealed, created_by=by.subject, created_at=self._clock.now())  # fmt: skip
        async with self._uow as uow:
            await uow.channels.add(channel)
            await uow.commit()
        return channel


class ListChannels:
    """- Admins see every channel, others those that are not `security` ones; never a config."""

    def __init__(self, uow: NotificationsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, by: Principal) -> list[Channel]:
        async with self._uow as uow:
            found = await uow.channels.all()
        return [c for c in found if _admin(by) or not c.security]


class DeleteChannel:
    """- A security channel is an admin's to delete; rules naming the channel skip it after."""

    def __init__(self, uow: NotificationsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, channel_id: str, by: Principal) -> None:
        async with self._uow as uow:
            found = await uow.channels.get(channel_id)
            if found is None or (found.security and not _admin(by)):
                raise ChannelNotFound(channel_id)
            await uow.channels.delete(channel_id)
            await uow.commit()


class CreateRule:
    """- Events of the named types (wildcards as for webhooks) at or above `min_severity`
      (info, warning, critical) go to `channel_ids`, once per group per `repeat_seconds`: the group
      is the values of the `group_by` fields in the event (`["ip"]` for threat blocks: once per
      IP per window); repeats inside the window are counted, not sent.
    - A rule on `identity.*`, `threat.*` or `*` is an admin's (403) and may name security
      channels only; a security channel is only for such rules (422)."""

    def __init__(self, uow: NotificationsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewRule, by: Principal) -> Rule:
        rule = Rule(id=self._ids.new_id(), name=command.name, events=tuple(dict.fromkeys(command.events)),
                    min_severity=command.min_severity, channel_ids=tuple(dict.fromkeys(command.channel_ids)),
                    group_by=tuple(command.group_by), repeat_seconds=command.repeat_seconds,
                    created_by=by.subject, created_at=self._clock.now())  # fmt: skip
        if rule.security and not _admin(by):
            raise Forbidden("rules on identity.*, threat.* or * are for admins")
        async with self._uow as uow:
            for channel_id in rule.channel_ids:
                channel = await uow.channels.get(channel_id)
                if channel is None or (channel.security and not _admin(by)):
                    raise RuleViolated(f"channel_ids: no channel {channel_id!r}")
                if channel.security != rule.security:
                    raise RuleViolated(
                        "security events go to security channels only, and other events to others",
                        channel_id=channel_id,
                    )
            await uow.rules.add(rule)
            await uow.commit()
        return rule


class ListRules:
    """- Admins see every rule, others those that are not on security events."""

    def __init__(self, uow: NotificationsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, by: Principal) -> list[Rule]:
        async with self._uow as uow:
            found = await uow.rules.all()
        return [r for r in found if _admin(by) or not r.security]


class DeleteRule:
    """- A rule on security events is an admin's to delete."""

    def __init__(self, uow: NotificationsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, rule_id: str, by: Principal) -> None:
        async with self._uow as uow:
            found = next((r for r in await uow.rules.all() if r.id == rule_id), None)
            if found is None or (found.security and not _admin(by)):
                raise RuleNotFound(rule_id)
            await uow.rules.delete(rule_id)
            await uow.commit()


class ListNotifications:
    """- Every notification sent or tried, newest first: channel, rule, status (pending, sent,
    failed), attempts, last error. Those of security events are for admins."""

    def __init__(self, uow: NotificationsUnitOfWork) -> None:
        self._uow = uow

    async def execute(
        self, status: NotificationStatus | None, page: PageRequest, by: Principal
    ) -> Page[Notification]:
        async with self._uow as uow:
            found = await uow.notifications.page(status, page)
        if _admin(by):
            return found
        visible = [n for n in found.items if n.event_type.split(".", 1)[0] not in ("identity", "threat")]
        return Page(items=visible, next_cursor=found.next_cursor)


class EmailPreferences(msgspec.Struct, frozen=True, kw_only=True):
    opted_out: bool


def _customer_of(by: Principal) -> str:
    if by.customer_id is None:  # staff holding orders:own (admins) have no preferences of their own
        raise NotFound("email preferences are a customer's own; this caller is no customer")
    return by.customer_id


class GetEmailPreferences:
    """- A customer's own choice: whether they get emails when their order ships or their
    ticket gets a reply (they do unless they opted out)."""

    def __init__(self, uow: NotificationsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, by: Principal) -> EmailPreferences:
        async with self._uow as uow:
            contact = await uow.contacts.get(_customer_of(by))
        return EmailPreferences(opted_out=contact is not None and contact.opted_out)


class SetEmailPreferences:
    """- The customer themself opts out of (or back into) emails about their orders and
    tickets; it holds for emails already queued too. Callers without `orders:own` or
      `tickets:own` are 403, staff without a customer record 404."""

    def __init__(self, uow: NotificationsUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, preferences: EmailPreferences, by: Principal) -> EmailPreferences:
        customer_id = _customer_of(by)
        async with self._uow as uow:
            found = await uow.contacts.get(customer_id)
            contact = found or CustomerContact(customer_id=customer_id, updated_at=self._clock.now())
            changed = msgspec.structs.replace(
                contact, opted_out=preferences.opted_out, updated_at=self._clock.now()
            )
            await uow.contacts.save(changed)
            await uow.commit()
        return preferences
