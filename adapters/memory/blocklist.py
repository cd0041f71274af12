"""In-process blocklist; a block ends when the injected clock passes its ``expires_at``."""

from datetime import timedelta

from adapters.system.clock import SystemClock
from core.ports.blocklist import Block, Blocklist
from core.ports.clock import Clock


class MemoryBlocklist(Blocklist):
    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._blocks: dict[str, Block] = {}

    async def block(self, subject: str, *, reason: str, ttl_seconds: float) -> Block:
        now = self._clock.now()
        block = Block(
            subject=subject,
            reason=reason,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds),
        )
        self._blocks[subject] = block
        return block

    async def get(self, subject: str) -> Block | None:
        block = self._blocks.get(subject)
        if block is not None and block.expires_at <= self._clock.now():
            del self._blocks[subject]
            return None
        return block

    async def unblock(self, subject: str) -> bool:
        return await self.get(subject) is not None and self._blocks.pop(subject, None) is not None

    async def list_active(self) -> list[Block]:
        self._prune()
        return sorted(self._blocks.values(), key=lambda block: block.expires_at)

    def _prune(self) -> None:
        now = self._clock.now()
        expired = [subject for subject, block in self._blocks.items() if block.expires_at <= now]
        for subject in expired:
            del self._blocks[subject]
