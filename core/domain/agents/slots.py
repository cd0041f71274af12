"""At most ``limit`` runs at once per user, counted in the key-value store so that every
replica sees the same count. A slot is leased for a little longer than the agent may take, so
one left behind by a process that died frees itself."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.domain.agents.errors import TooManyRuns
from core.ports.clock import IdGenerator
from core.ports.kv import KeyValueStore

PREFIX = "agents:running:"
LEASE_MARGIN_SECONDS = 5.0


class RunSlots:
    def __init__(self, store: KeyValueStore, limit: int, ids: IdGenerator) -> None:
        self._store, self._limit, self._ids = store, limit, ids

    @asynccontextmanager
    async def held(self, subject: str, seconds: float) -> AsyncIterator[None]:
        """Raises ``TooManyRuns`` (with ``retry_after``) when all of ``subject``'s slots are taken."""
        keys = [f"{PREFIX}{subject}:{n}" for n in range(self._limit)]
        lease = seconds + LEASE_MARGIN_SECONDS
        token = self._ids.new_id().encode()
        taken = None
        for key in keys:
            if await self._store.add(key, token, ttl_seconds=lease):
                taken = key
                break
        if taken is None:
            # When a run ends is unknown (its lease is only an upper bound): ask to retry soon.
            raise TooManyRuns(
                f"at most {self._limit} agent runs at once; wait for one to finish", retry_after=1.0
            )
        try:
            yield
        finally:
            # Only our own lease: past its end the slot may be another run's.
            if await self._store.get(taken) == token:
                await self._store.delete(taken)
