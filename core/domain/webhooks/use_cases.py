"""Subscriptions: each is its creator's (admins see and manage all)."""

from datetime import timedelta

import msgspec

from core.domain.access import Permission, Principal, Role
from core.domain.audit.changes import AuditedEntity, record
from core.domain.audit.model import Invocation
from core.domain.errors import RuleViolated
from core.domain.webhooks.model import (
    MAX_DESCRIPTION,
    MAX_URL,
    SealedSecrets,
    Subscription,
    SubscriptionNotFound,
    checked_patterns,
)
from core.domain.webhooks.signing import new_secret
from core.ports.clock import Clock, IdGenerator
from core.ports.pagination import Page, PageRequest
from core.ports.webhooks import EndpointGuard, SecretSealer, WebhooksUnitOfWork

SUBSCRIPTIONS = AuditedEntity("webhook", ("url", "events", "description", "active", "disabled_reason"))
MAX_OVERLAP_SECONDS = 7 * 86_400


class NewSubscription(msgspec.Struct, frozen=True, kw_only=True):
    url: str
    events: list[str]
    description: str = ""


class SubscriptionChanges(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    events: list[str] | None = None
    active: bool | None = None
    description: str | None = None


def _description(text: str) -> str:
    if len(text) > MAX_DESCRIPTION:
        raise RuleViolated(f"description is at most {MAX_DESCRIPTION} characters")
    return text.strip()


async def owned(uow: WebhooksUnitOfWork, subscription_id: str, by: Principal) -> Subscription:
    """Someone else's subscription is answered as missing, so its existence is not revealed."""
    found = await uow.subscriptions.get(subscription_id)
    if found is None or not (found.owner == by.subject or _sees_all(by)):
        raise SubscriptionNotFound(subscription_id)
    return found


class CreateSubscription:
    """- `url` is https (or an address in `BHIV_WEBHOOK_ALLOW_CIDRS`) and its host must not
      resolve to loopback, private, link-local or metadata addresses unless allowlisted (422).
    - `events`: wire types or wildcards (`*`, `logistics.*`, `logistics.order_*`); `identity.*`
      and `threat.*` need `threats:manage` (403), and `*` means the types the creator may see.
    - The signing secret (`whsec_...`) is in this answer only; it is stored sealed."""

    def __init__(
        self,
        uow: WebhooksUnitOfWork,
        guard: EndpointGuard,
        sealer: SecretSealer,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._uow, self._guard, self._sealer, self._clock, self._ids = uow, guard, sealer, clock, ids

    async def execute(
        self, cmd: NewSubscription, principal: Principal, by: Invocation
    ) -> tuple[Subscription, str]:
        sees_security = principal.has(Permission.THREATS_MANAGE)
        events = checked_patterns(cmd.events, sees_security=sees_security)
        url = cmd.url.strip()
        if len(url) > MAX_URL:
            raise RuleViolated(f"url is at most {MAX_URL} characters")
        await self._guard.vet(url)
        subscription_id, now, secret = self._ids.new_id(), self._clock.now(), new_secret()
        subscription = Subscription(
            id=subscription_id,
            owner=principal.subject,
            url=url,
            events=events,
            description=_description(cmd.description),
            active=True,
            sees_security=sees_security,
            secrets=SealedSecrets(current=self._sealer.seal(secret, bound_to=subscription_id)),
            created_at=now,
            updated_at=now,
        )
        async with self._uow as uow:
            await uow.subscriptions.add(subscription)
            record(uow, by, now, SUBSCRIPTIONS.change("create", None, subscription))
            await uow.commit()
        return subscription, secret


class ListSubscriptions:
    """- The caller's own subscriptions, oldest first (an admin's list has everyone's)."""

    def __init__(self, uow: WebhooksUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, principal: Principal, page: PageRequest) -> Page[Subscription]:
        owner = None if _sees_all(principal) else principal.subject
        async with self._uow as uow:
            return await uow.subscriptions.page(owner, page)


class GetSubscription:
    """- One of the caller's subscriptions (any, for an admin); any other is 404."""

    def __init__(self, uow: WebhooksUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, subscription_id: str, principal: Principal) -> Subscription:
        async with self._uow as uow:
            return await owned(uow, subscription_id, principal)


class UpdateSubscription:
    """- Changes `events`, `active` and `description`; the event rules are those of creation,
      judged by what the subscription's creator may see.
    - Re-activating clears why it was disabled (a 410 Gone, for instance)."""

    def __init__(self, uow: WebhooksUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(
        self, subscription_id: str, changes: SubscriptionChanges, principal: Principal, by: Invocation
    ) -> Subscription:
        async with self._uow as uow:
            before = await owned(uow, subscription_id, principal)
            after = before
            if changes.events is not None:
                events = checked_patterns(changes.events, sees_security=before.sees_security)
                after = msgspec.structs.replace(after, events=events)
            if changes.description is not None:
                after = msgspec.structs.replace(after, description=_description(changes.description))
            if changes.active is not None:
                reason = None if changes.active else "disabled by its owner"
                after = msgspec.structs.replace(
                    after, active=changes.active, disabled_reason=reason, failing_since=None
                )
            now = self._clock.now()
            after = msgspec.structs.replace(after, updated_at=now)
            await uow.subscriptions.update(after)
            record(uow, by, now, SUBSCRIPTIONS.change("update", before, after))
            await uow.commit()
        return after


class DeleteSubscription:
    """- Deletes the subscription with its pending messages and delivery log."""

    def __init__(self, uow: WebhooksUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, subscription_id: str, principal: Principal, by: Invocation) -> None:
        async with self._uow as uow:
            before = await owned(uow, subscription_id, principal)
            await uow.subscriptions.delete(subscription_id)
            record(uow, by, self._clock.now(), SUBSCRIPTIONS.change("delete", before, None))
            await uow.commit()


class RotateSecret:
    """- A new signing secret, shown in this answer only. For `overlap_seconds` (default a day,
    at most 7 days) messages are signed with both, so receivers can switch without a gap."""

    def __init__(self, uow: WebhooksUnitOfWork, sealer: SecretSealer, clock: Clock) -> None:
        self._uow, self._sealer, self._clock = uow, sealer, clock

    async def execute(
        self, subscription_id: str, overlap_seconds: int, principal: Principal, by: Invocation
    ) -> tuple[Subscription, str]:
        if not 0 <= overlap_seconds <= MAX_OVERLAP_SECONDS:
            raise RuleViolated(f"overlap_seconds is between 0 and {MAX_OVERLAP_SECONDS}")
        secret, now = new_secret(), self._clock.now()
        async with self._uow as uow:
            before = await owned(uow, subscription_id, principal)
            secrets = SealedSecrets(
                current=self._sealer.seal(secret, bound_to=subscription_id),
                previous=before.secrets.current,
                previous_until=now + timedelta(seconds=overlap_seconds),
            )
            after = msgspec.structs.replace(before, secrets=secrets, updated_at=now)
            await uow.subscriptions.update(after)
            record(uow, by, now, SUBSCRIPTIONS.change("rotate_secret", before, after))
            await uow.commit()
        return after, secret


def _sees_all(by: Principal) -> bool:
    """Everyone's subscriptions: an admin whose token carries the admin's whole power (a token
    narrowed to ``integrations:manage`` sees its holder's own only)."""
    return by.role == Role.ADMIN and by.has(Permission.THREATS_MANAGE)
