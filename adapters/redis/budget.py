"""Budgets as Lua scripts, so a reservation's check and hold are one atomic step.

Time is the server's ``TIME``, read inside each script, as the rate limiter does: every replica
charges the same window at the instant one ends, whatever its own clock says.

Keys, for a budget key ``K`` (decision 0028):

- ``<prefix>budget:{K}:<period>``: a hash of the current window's ``start`` (epoch seconds),
  ``spent`` and ``reserved``, expiring when the window ends. A window found with another
  ``start`` has ended and counts as empty.
- ``<prefix>budget:{K}:reservation:<id>``: a hash of an open reservation's ``start`` and
  ``amount``, expiring with its window. Settling or refunding deletes it in the same script that
  moves the amount, so the second settle or refund finds nothing and does nothing.

The hash tag ``{K}`` puts both in one cluster slot, which a script touching both requires.
"""

import uuid

from adapters.redis.client import RedisClient, redis_errors
from core.ports.budget import (
    UTC_DAY,
    Budget,
    BudgetExceeded,
    BudgetUsage,
    BudgetWindow,
    Reservation,
    check_amounts,
    window_start_at,
)

_NOW_AND_WINDOW = """
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000
local period = tonumber(ARGV[1])
local start = math.floor(tonumber(time[1]) / period) * period
local spent, reserved = 0, 0
local stored = redis.call('HMGET', KEYS[1], 'start', 'spent', 'reserved')
if stored[1] and tonumber(stored[1]) == start then
  spent, reserved = tonumber(stored[2]), tonumber(stored[3])
end
-- Redis truncates Lua numbers to integers: the fraction travels as a string.
local reset_after = string.format('%.6f', start + period - now)
"""

_RESERVE = (
    _NOW_AND_WINDOW
    + """
-- KEYS: the window, the new reservation. ARGV: period, amount, limit.
-- Returns {granted, start, spent, reserved, reset_after}, spent and reserved as now stored.
local amount, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
if spent + reserved + amount > limit then
  return {0, start, spent, reserved, reset_after}
end
reserved = reserved + amount
redis.call('HSET', KEYS[1], 'start', start, 'spent', spent, 'reserved', reserved)
redis.call('EXPIREAT', KEYS[1], start + period)
redis.call('HSET', KEYS[2], 'start', start, 'amount', amount)
redis.call('EXPIREAT', KEYS[2], start + period)
return {1, start, spent, reserved, reset_after}
"""
)

_USAGE = (
    _NOW_AND_WINDOW
    + """
-- KEYS: the window. ARGV: period. Returns {start, spent, reserved, reset_after}.
return {start, spent, reserved, reset_after}
"""
)

_RELEASE = """
-- KEYS: the window, the reservation. ARGV: the amount to charge instead of the one held.
-- Returns 1 when the window changed, 0 when the reservation was gone or its window had ended.
local held = redis.call('HMGET', KEYS[2], 'start', 'amount')
if not held[1] then
  return 0
end
redis.call('DEL', KEYS[2])
if redis.call('HGET', KEYS[1], 'start') ~= held[1] then
  return 0
end
redis.call('HINCRBY', KEYS[1], 'reserved', -tonumber(held[2]))
redis.call('HINCRBY', KEYS[1], 'spent', tonumber(ARGV[1]))
return 1
"""


class RedisBudget(Budget):
    def __init__(self, client: RedisClient, *, key_prefix: str = "bhiv:") -> None:
        self._client = client
        self._prefix = f"{key_prefix}budget:"
        self._reserve = client.register_script(_RESERVE)
        self._usage = client.register_script(_USAGE)
        self._release = client.register_script(_RELEASE)

    async def reserve(self, key: str, amount: int, limit: int, window: BudgetWindow = UTC_DAY) -> Reservation:
        check_amounts(key, amount, limit)
        reservation_id = uuid.uuid4().hex
        keys = [self._window_key(key, window), self._reservation_key(key, reservation_id)]
        with redis_errors("budget reserve"):
            reply = await self._reserve(keys=keys, args=[window.period_seconds, amount, limit])
        granted, start, spent, reserved, reset_after = reply
        if not int(granted):
            raise BudgetExceeded(
                key,
                limit=limit,
                remaining=max(0, limit - int(spent) - int(reserved)),
                retry_after=float(reset_after),
            )
        return Reservation(
            id=reservation_id,
            key=key,
            amount=amount,
            window=window,
            window_start=window_start_at(int(start)),
        )

    async def settle(self, reservation: Reservation, actual: int) -> None:
        check_amounts(reservation.key, actual)
        await self._release_with(reservation, charge=actual, action="budget settle")

    async def refund(self, reservation: Reservation) -> None:
        await self._release_with(reservation, charge=0, action="budget refund")

    async def spent(self, key: str, window: BudgetWindow = UTC_DAY) -> BudgetUsage:
        check_amounts(key)
        with redis_errors("budget usage"):
            reply = await self._usage(keys=[self._window_key(key, window)], args=[window.period_seconds])
        start, spent, reserved, reset_after = reply
        return BudgetUsage(
            key=key,
            window_start=window_start_at(int(start)),
            spent=int(spent),
            reserved=int(reserved),
            reset_after=float(reset_after),
        )

    async def _release_with(self, reservation: Reservation, *, charge: int, action: str) -> None:
        keys = [
            self._window_key(reservation.key, reservation.window),
            self._reservation_key(reservation.key, reservation.id),
        ]
        with redis_errors(action):
            await self._release(keys=keys, args=[charge])

    def _window_key(self, key: str, window: BudgetWindow) -> str:
        return f"{self._prefix}{{{key}}}:{window.period_seconds}"

    def _reservation_key(self, key: str, reservation_id: str) -> str:
        return f"{self._prefix}{{{key}}}:reservation:{reservation_id}"
