from collections.abc import Sequence
from typing import Protocol

import msgspec


class RateLimit(msgspec.Struct, frozen=True):
    """``limit`` requests per ``period_seconds``, of which up to ``burst`` may come at once."""

    limit: int
    period_seconds: float
    burst: int | None = None

    @property
    def capacity(self) -> int:
        return self.burst if self.burst is not None else self.limit


class RateDecision(msgspec.Struct, frozen=True):
    allowed: bool
    limit: int
    remaining: int
    reset_after: float
    """Seconds until the budget is whole again."""
    retry_after: float
    """Seconds until one more request would be allowed (0 when allowed)."""


class RateLimiter(Protocol):
    async def hit(self, key: str, rate: RateLimit, cost: int = 1) -> RateDecision:
        """Spend ``cost`` from ``key``'s budget atomically: concurrent callers never overspend.

        A refused hit spends nothing.
        """
        ...

    async def hit_many(self, hits: Sequence[tuple[str, RateLimit]]) -> list[RateDecision]:
        """One ``hit`` (cost 1) per item, in order, in as few round trips as the backend allows:
        a request's limits (per IP, per identity) are checked together."""
        ...

    async def reset(self, key: str) -> None: ...
