"""In-process GCRA rate limiter; each ``hit`` runs without awaiting, so it is atomic."""

from collections.abc import Sequence

from adapters.memory.gcra import gcra_step
from adapters.system.clock import SystemClock
from core.ports.clock import Clock
from core.ports.rate_limit import RateDecision, RateLimit, RateLimiter


class MemoryRateLimiter(RateLimiter):
    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._tats: dict[str, float] = {}
        self._sweep_above = 1024

    async def hit(self, key: str, rate: RateLimit, cost: int = 1) -> RateDecision:
        now = self._clock.monotonic()
        step = gcra_step(
            tat=self._tats.get(key),
            now=now,
            limit=rate.limit,
            period_seconds=rate.period_seconds,
            capacity=rate.capacity,
            cost=cost,
        )
        self._tats[key] = step.tat
        self._forget_whole_budgets(now)
        return RateDecision(
            allowed=step.allowed,
            limit=rate.limit,
            remaining=step.remaining,
            # Microseconds, as the Redis script reports them.
            reset_after=round(step.reset_after, 6),
            retry_after=round(step.retry_after, 6),
        )

    async def hit_many(self, hits: Sequence[tuple[str, RateLimit]]) -> list[RateDecision]:
        return [await self.hit(key, rate) for key, rate in hits]

    async def reset(self, key: str) -> None:
        self._tats.pop(key, None)

    def _forget_whole_budgets(self, now: float) -> None:
        # A key whose tat has passed is indistinguishable from a new one; dropping such keys
        # keeps memory bounded by the keys active within one period.
        if len(self._tats) <= self._sweep_above:
            return
        self._tats = {key: tat for key, tat in self._tats.items() if tat > now}
        self._sweep_above = max(1024, 2 * len(self._tats))
