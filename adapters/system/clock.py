import asyncio
import os
import time
import uuid
from datetime import UTC, datetime

from core.ports.clock import Clock, IdGenerator, Scheduler


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class Uuid7IdGenerator(IdGenerator):
    """RFC 9562 UUIDv7: 48-bit millisecond timestamp, then randomness; sorts by creation time."""

    def new_id(self) -> str:
        millis = time.time_ns() // 1_000_000
        rand = int.from_bytes(os.urandom(10), "big")
        value = (millis & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76  # version
        value |= (rand >> 68) << 64 & (0xFFF << 64)  # 12 random bits
        value |= 0b10 << 62  # variant
        value |= rand & ((1 << 62) - 1)
        return str(uuid.UUID(int=value))


class AsyncioScheduler(Scheduler):
    async def pause(self) -> None:
        await asyncio.sleep(0)
