"""Outbound webhooks' storage, their secrets' seal, and the guarded HTTP client that sends them."""

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

import msgspec

from core.domain.webhooks.model import Attempt, Message, MessageStatus, SealedSecrets, Subscription
from core.ports.errors import Unavailable
from core.ports.pagination import Page, PageRequest
from core.ports.uow import UnitOfWork


class SubscriptionRepository(Protocol):
    async def add(self, subscription: Subscription) -> None: ...

    async def get(self, subscription_id: str) -> Subscription | None: ...

    async def page(self, owner: str | None, request: PageRequest) -> Page[Subscription]:
        """Oldest first; ``owner`` None: everyone's."""
        ...

    async def active(self) -> list[Subscription]: ...

    async def update(self, subscription: Subscription) -> None: ...

    async def mark_failing(self, subscription_id: str, since: datetime | None) -> None:
        """Only ``failing_since``: set to ``since`` when it is unset, or cleared (``since`` None).
        The delivery worker's only write besides ``disable``: never the owner's edits or secrets."""
        ...

    async def disable(self, subscription_id: str, reason: str, at: datetime) -> bool:
        """Inactive with ``reason``, if it is still active; whether this call disabled it."""
        ...

    async def delete(self, subscription_id: str) -> None:
        """Its messages and attempts go with it."""
        ...

    async def any_secrets(self) -> tuple[str, SealedSecrets] | None:
        """Some subscription's sealed secrets (the newest), to check the seal key opens them."""
        ...


class MessageRepository(Protocol):
    async def add_if_absent(self, message: Message) -> bool:
        """False when this (event, subscription) already has a message: one chain per pair."""
        ...

    async def get(self, message_id: str) -> Message | None: ...

    async def due(self, now: datetime, limit: int) -> list[Message]:
        """Pending messages whose attempt is due and not leased, in event order."""
        ...

    async def claim(self, message_id: str, owner: str, now: datetime, until: datetime) -> bool:
        """Lease the message to ``owner`` until ``until`` unless another holds a live lease;
        atomic across processes, so one replica sends each attempt."""
        ...

    async def settle(self, message: Message) -> None:
        """Store the message's new state and release its lease."""
        ...

    async def page(
        self, subscription_id: str, status: MessageStatus | None, request: PageRequest
    ) -> Page[Message]:
        """Newest event first."""
        ...

    async def replay_since(
        self, subscription_id: str, since: datetime, statuses: frozenset[MessageStatus], now: datetime
    ) -> int:
        """Messages of events since ``since`` in one of ``statuses`` start their chain again, due
        at ``now``; returns how many."""
        ...

    async def purge_finished(self, before: datetime) -> int:
        """Delete delivered and dead messages finished before ``before``, with their attempts;
        returns how many messages."""
        ...

    async def record(self, attempt: Attempt) -> None: ...

    async def attempts(self, subscription_id: str, request: PageRequest) -> Page[Attempt]:
        """Newest first."""
        ...


class InboundReceiptRepository(Protocol):
    async def add_if_absent(self, carrier: str, message_id: str, expires_at: datetime) -> bool:
        """False when ``(carrier, message_id)`` is stored already: a replay."""
        ...

    async def purge_expired(self, now: datetime) -> int:
        """Forget receipts whose message would now be refused for its timestamp anyway."""
        ...


class WebhooksUnitOfWork(UnitOfWork, Protocol):
    subscriptions: SubscriptionRepository
    messages: MessageRepository
    receipts: InboundReceiptRepository


class SealBroken(Unavailable):
    """A sealed value that does not open: another seal key, or tampered with."""


class SecretSealer(Protocol):
    def seal(self, secret: str, *, bound_to: str) -> bytes:
        """``bound_to`` (the subscription id) is authenticated: a sealed secret cannot move rows."""
        ...

    def open(self, sealed: bytes, *, bound_to: str) -> str:
        """Raises ``SealBroken``."""
        ...


class EndpointGuard(Protocol):
    async def vet(self, url: str) -> None:
        """Raises ``UnsafeEndpoint`` unless the URL may be called: https (or an allowlisted
        address) and a host resolving outside loopback, private, link-local and metadata ranges
        unless allowlisted. Connects to nothing."""
        ...


class SendResult(msgspec.Struct, frozen=True, kw_only=True):
    status_code: int | None
    """None when no answer came (refused, timed out, refused address)."""
    latency_ms: int
    response_excerpt: str = ""
    error: str | None = None
    retry_after_seconds: float | None = None


class WebhookSender(Protocol):
    async def send(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult:
        """POSTs ``body`` to the address ``url`` resolved to when vetted again now (no redirects,
        answer size and time capped). Endpoint trouble is a result, never an exception."""
        ...


class WebhooksUnitsOfWork(Protocol):
    def __call__(self) -> WebhooksUnitOfWork:
        """A new unit of work each time: for the delivery loop and the readiness probe."""
        ...
