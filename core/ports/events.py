from datetime import datetime
from typing import Protocol

import msgspec


class Event(msgspec.Struct, frozen=True):
    """What travels on the bus: a typed, self-describing message."""

    id: str
    type: str
    """e.g. ``logistics.order_placed``."""
    payload: bytes
    """JSON produced by the publisher; the bus never looks inside."""
    occurred_at: datetime
    correlation_id: str | None = None
    traceparent: str | None = None


class Delivery(msgspec.Struct, frozen=True):
    message_id: str
    """The bus's own id of this message, to pass to ``ack``."""
    event: Event
    attempt: int
    """1 on first delivery, more when redelivered after no ack."""


class EventBus(Protocol):
    """At-least-once delivery through named streams and consumer groups.

    Every group sees every event of its stream; within a group each event goes to one consumer.
    An event delivered and not acked within ``redeliver_after_seconds`` goes out again (to any
    consumer of the group), so consumers must be idempotent (``Event.id`` is the key).
    """

    async def publish(self, stream: str, event: Event) -> str:
        """Returns the bus's message id."""
        ...

    async def ensure_group(self, stream: str, group: str) -> None:
        """Create the group (reading from the start of the stream) unless it exists."""
        ...

    async def consume(
        self,
        stream: str,
        group: str,
        consumer: str,
        *,
        count: int = 10,
        block_seconds: float = 0.0,
        redeliver_after_seconds: float = 30.0,
    ) -> list[Delivery]:
        """Stale unacked deliveries first, then new events; waits up to ``block_seconds``."""
        ...

    async def ack(self, stream: str, group: str, message_ids: list[str]) -> None: ...
