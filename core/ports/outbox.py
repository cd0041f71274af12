from datetime import datetime
from typing import Protocol

import msgspec

from core.ports.events import Event


class OutboxRecord(msgspec.Struct, frozen=True):
    id: str
    stream: str
    event: Event
    attempts: int
    """How many times a relay has claimed this row (1 on the first claim)."""


class OutboxStore(Protocol):
    """The relay's view of the outbox table. Every method is its own short transaction."""

    async def claim(self, *, owner: str, limit: int, lease_seconds: float) -> list[OutboxRecord]:
        """Lease up to ``limit`` unpublished rows, oldest first, to ``owner``.

        Rows leased to another owner are skipped until their lease runs out, so concurrent
        relays never publish the same row at the same time.
        """
        ...

    async def mark_published(self, owner: str, ids: list[str]) -> int:
        """Mark rows still leased to ``owner`` as published; returns how many were."""
        ...

    async def purge_published(self, before: datetime) -> int:
        """Delete rows published before ``before``; returns how many were deleted."""
        ...

    async def pending_count(self) -> int: ...
