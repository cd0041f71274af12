from datetime import datetime
from typing import Protocol

import msgspec


class Block(msgspec.Struct, frozen=True):
    subject: str
    """What is blocked, e.g. an IP address or ``user:<id>``."""
    reason: str
    created_at: datetime
    expires_at: datetime


class Blocklist(Protocol):
    """Blocks are shared by every process on the same backend and end by themselves."""

    async def block(self, subject: str, *, reason: str, ttl_seconds: float) -> Block:
        """Block ``subject``, replacing any earlier block of it."""
        ...

    async def get(self, subject: str) -> Block | None:
        """The active block of ``subject``; None once it expired or was lifted."""
        ...

    async def unblock(self, subject: str) -> bool:
        """True when an active block was lifted."""
        ...

    async def list_active(self) -> list[Block]: ...
