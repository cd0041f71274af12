from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware UTC wall-clock time."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin; never goes backwards (for durations)."""
        ...


class IdGenerator(Protocol):
    def new_id(self) -> str:
        """A unique, time-ordered identifier (UUIDv7 text) safe to use as a primary key."""
        ...


class Scheduler(Protocol):
    async def pause(self) -> None:
        """Let other work waiting on the same event loop run, then go on (between the steps of a
        long computation)."""
        ...
