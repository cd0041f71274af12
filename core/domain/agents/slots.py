"""At most ``limit`` runs at once per user, counted in the key-value store so that every
replica sees the same count. A slot is leased for a little longer than the agent may take, so
one left behind by a process that died frees itself."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.domain.agents.errors import TooManyRuns
from core.ports.kv import KeyValueStore

PREFIX = "agents:running:"
LEASE_MARGIN_SECONDS = 5.0


class RunSlots:
    def __init__(self, store: KeyValueStore, limit: int) -> None:
        self._store, self._limit = store, limit

    @asynccontextmanager
    async def held(self, subject: str, seconds: float) -> AsyncIterator[None]:
        """Raises ``TooManyRuns`` (with ``retry_after``) when all of ``subject``'s slots are taken."""
        keys = [f"{PREFIX}{subject}:{n}" for n in range(self._limit)]
        lease = seconds + LEASE_MARGIN_SECONDS
        taken = None
        for key in keys:
            if await self._store.add(key, b"1", ttl_seconds=lease):
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
            await self._store.delete(taken)
