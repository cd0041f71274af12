"""How much inspection time each client may cost one gateway process.

Inspection is CPU work on the gateway's event loop; without a budget, a few clients posting
large bodies of pathological text (a megabyte of backticks costs seconds) slow every other
request down. The budget is per process because the CPU it protects is."""

from collections import OrderedDict

from core.ports.clock import Clock

MAX_CLIENTS = 100_000
"""Clients remembered at once; the least recently seen are forgotten (and start full again)."""


class InspectionBudget:
    """A token bucket of seconds per client: ``per_minute`` seconds refill each minute, and a
    client may spend that much at once."""

    def __init__(self, per_minute: float, clock: Clock) -> None:
        self._capacity = per_minute
        self._refill_per_second = per_minute / 60.0
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def remaining(self, client: str) -> float:
        """Seconds the client may still spend now (negative while it is in debt)."""
        bucket = self._buckets.get(client)
        if bucket is None:
            return self._capacity
        level, at = bucket
        return min(self._capacity, level + (self._clock.monotonic() - at) * self._refill_per_second)

    def spend(self, client: str, seconds: float) -> None:
        self._buckets[client] = (self.remaining(client) - seconds, self._clock.monotonic())
        self._buckets.move_to_end(client)
        if len(self._buckets) > MAX_CLIENTS:
            self._buckets.popitem(last=False)

    def retry_after(self, client: str) -> float:
        """Seconds until the client has a tenth of its budget back."""
        missing = self._capacity / 10 - self.remaining(client)
        return max(missing / self._refill_per_second, 1.0) if self._refill_per_second > 0 else 60.0
