"""The GCRA (generic cell rate algorithm) step, shared by the memory limiter and the tests.

A key's whole state is one number, its theoretical arrival time (``tat``): the moment at which
the budget would be whole again. Each allowed request of cost ``c`` pushes ``tat`` forward by
``c`` emission intervals (``period / limit``); a request is allowed while the pushed ``tat``
stays within ``capacity`` intervals of now. The Lua script in ``adapters/redis/rate_limit.py`` mirrors this
arithmetic line for line.
"""

import math
from typing import NamedTuple

# Float sums of times drift by a few ulps; this keeps the capacity-th request from losing
# to rounding.
EPSILON = 1e-6


class GcraStep(NamedTuple):
    allowed: bool
    remaining: int
    reset_after: float
    retry_after: float
    tat: float
    """The key's tat after this step (unchanged when refused)."""


def gcra_step(
    *, tat: float | None, now: float, limit: int, period_seconds: float, capacity: int, cost: int
) -> GcraStep:
    interval = period_seconds / limit
    tolerance = interval * capacity
    current = now if tat is None else max(tat, now)
    new_tat = current + interval * cost
    slack = now + tolerance - new_tat
    if slack < -EPSILON:
        remaining = max(0, math.floor((now + tolerance - current) / interval + EPSILON))
        return GcraStep(False, remaining, current - now, -slack, current)
    remaining = max(0, math.floor(slack / interval + EPSILON))
    return GcraStep(True, remaining, new_tat - now, 0.0, new_tat)
