from datetime import timedelta

from core.ports.clock import Clock
from core.ports.errors import Unavailable
from core.ports.events import EventBus
from core.ports.outbox import OutboxStore


class RelayOutbox:
    """- Every outbox row reaches the bus at least once, in the order the rows were written.
    - A row is marked published only after the bus accepted it; a failed publish leaves it
      (and the rows after it) for the next run.
    - Concurrent relays never publish the same row at the same time (leases).
    """

    def __init__(
        self,
        store: OutboxStore,
        bus: EventBus,
        *,
        owner: str,
        batch_size: int = 100,
        lease_seconds: float = 30.0,
    ) -> None:
        self._store = store
        self._bus = bus
        self._owner = owner
        self._batch_size = batch_size
        self._lease_seconds = lease_seconds

    async def execute(self) -> int:
        """Relay one batch; returns how many rows were published."""
        records = await self._store.claim(
            owner=self._owner, limit=self._batch_size, lease_seconds=self._lease_seconds
        )
        published: list[str] = []
        try:
            for record in records:
                await self._bus.publish(record.stream, record.event)
                published.append(record.id)
        except Unavailable:
            if not published:
                raise
        finally:
            if published:
                await self._store.mark_published(self._owner, published)
        return len(published)


class PurgePublishedOutbox:
    """- Published rows are kept for ``retention`` (for inspection), then deleted."""

    def __init__(self, store: OutboxStore, clock: Clock, *, retention: timedelta) -> None:
        self._store = store
        self._clock = clock
        self._retention = retention

    async def execute(self) -> int:
        return await self._store.purge_published(self._clock.now() - self._retention)
