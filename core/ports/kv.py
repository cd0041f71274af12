from collections.abc import Sequence
from typing import Protocol

SELDOM_PRESENT = "seldom:"
"""Name keys ``seldom:...`` when they are read for nearly every request and almost never present
(token revocations): a store may then answer "absent" from memory, as long as it is told of
every write to them (decision 0015)."""


class KeyValueStore(Protocol):
    """Bytes by key with optional expiry; shared by every process that uses the same backend."""

    async def get(self, key: str) -> bytes | None: ...

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The values of ``keys`` in order (None for a missing key), in one round trip."""
        ...

    async def set(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> None: ...

    async def add(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> bool:
        """Set only if the key is absent; True when this call stored the value."""
        ...

    async def delete(self, key: str) -> bool:
        """True when a key was removed."""
        ...

    async def ttl(self, key: str) -> float | None:
        """Seconds left before the key expires; None for a missing key or one without expiry."""
        ...
