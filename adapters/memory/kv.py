"""In-process key-value store; expiry is measured on the injected clock's monotonic time."""

from collections.abc import Sequence

from adapters.system.clock import SystemClock
from core.ports.clock import Clock
from core.ports.kv import KeyValueStore


class MemoryKeyValueStore(KeyValueStore):
    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._entries: dict[str, tuple[bytes, float | None]] = {}
        self._sweep_above = 1024

    async def get(self, key: str) -> bytes | None:
        entry = self._live_entry(key)
        return None if entry is None else entry[0]

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        return [None if (entry := self._live_entry(key)) is None else entry[0] for key in keys]

    async def set(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> None:
        self._entries[key] = (value, self._expiry(ttl_seconds))
        self._sweep()

    async def add(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> bool:
        if self._live_entry(key) is not None:
            return False
        self._entries[key] = (value, self._expiry(ttl_seconds))
        self._sweep()
        return True

    async def delete(self, key: str) -> bool:
        return self._live_entry(key) is not None and self._entries.pop(key, None) is not None

    async def ttl(self, key: str) -> float | None:
        entry = self._live_entry(key)
        if entry is None or entry[1] is None:
            return None
        return entry[1] - self._clock.monotonic()

    def _expiry(self, ttl_seconds: float | None) -> float | None:
        return None if ttl_seconds is None else self._clock.monotonic() + ttl_seconds

    def _live_entry(self, key: str) -> tuple[bytes, float | None] | None:
        entry = self._entries.get(key)
        if entry is not None and entry[1] is not None and entry[1] <= self._clock.monotonic():
            del self._entries[key]
            return None
        return entry

    def _sweep(self) -> None:
        if len(self._entries) <= self._sweep_above:
            return
        now = self._clock.monotonic()
        self._entries = {k: e for k, e in self._entries.items() if e[1] is None or e[1] > now}
        self._sweep_above = max(1024, 2 * len(self._entries))
