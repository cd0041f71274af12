"""GCRA rate limiter as one Lua script, so each hit is atomic; concurrent hits on one key share
one script call.

The script reads the server's ``TIME``, so gateway replicas with skewed clocks agree; a
refused hit writes nothing. Redis Cluster: one key per limited subject
(``<prefix>rate:<key>``), so the script always runs in a single slot.

Coalescing: while a call for a key is in flight, further hits on that key in this process
wait and then go together in the next call, which applies them one after another in arrival
order, exactly as separate calls arriving at that instant would. Under light load every hit
is its own call (no waiting); under a flood from one IP or identity there is one round trip
per key per Redis reply instead of one per request.
"""

import asyncio
from collections.abc import Sequence

from adapters.redis.client import RedisClient, redis_errors
from core.ports.rate_limit import RateDecision, RateLimit, RateLimiter

_GCRA_SCRIPT = """
-- GCRA steps, mirroring adapters/memory/gcra.py, one per cost in ARGV[4..] in order.
-- KEYS[1]: the key's tat (seconds, server time). ARGV: limit, period_seconds, capacity, costs...
-- Returns {allowed, remaining, reset_after, retry_after} per cost, flattened; the last two as
-- strings because Redis truncates Lua numbers to integers.
local epsilon = 1e-6
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])

local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000
local interval = period / limit
local tolerance = interval * capacity

local current = now
local stored = redis.call('GET', KEYS[1])
if stored then
  current = math.max(tonumber(stored), now)
end
local changed = false
local results = {}
for i = 4, #ARGV do
  local new_tat = current + interval * tonumber(ARGV[i])
  local slack = now + tolerance - new_tat
  if slack < -epsilon then
    local remaining = math.max(0, math.floor((now + tolerance - current) / interval + epsilon))
    for _, v in ipairs({0, remaining, string.format('%.6f', current - now), string.format('%.6f', -slack)}) do
      results[#results + 1] = v
    end
  else
    current = new_tat
    changed = true
    local remaining = math.max(0, math.floor(slack / interval + epsilon))
    for _, v in ipairs({1, remaining, string.format('%.6f', new_tat - now), '0'}) do
      results[#results + 1] = v
    end
  end
end
if changed then
  local ttl = math.max(1, math.ceil((current - now) * 1000))
  redis.call('SET', KEYS[1], string.format('%.6f', current), 'PX', ttl)
end
return results
"""

_Slot = tuple[str, RateLimit]
_Waiter = tuple[int, "asyncio.Future[RateDecision]"]


class RedisRateLimiter(RateLimiter):
    def __init__(self, client: RedisClient, *, key_prefix: str = "bhiv:") -> None:
        self._client = client
        self._prefix = f"{key_prefix}rate:"
        self._gcra = client.register_script(_GCRA_SCRIPT)
        self._queued: dict[_Slot, list[_Waiter]] = {}
        """Present for a slot while a call for it is in flight: the hits that arrived since."""
        self._calls: set[asyncio.Task[None]] = set()  # referenced until done

    async def hit(self, key: str, rate: RateLimit, cost: int = 1) -> RateDecision:
        slot = (key, rate)
        queue = self._queued.get(slot)
        if queue is not None:
            future: asyncio.Future[RateDecision] = asyncio.get_running_loop().create_future()
            queue.append((cost, future))
            return await future
        self._queued[slot] = []
        try:
            (decision,) = await self._apply(key, rate, [cost])
            return decision
        finally:
            self._hand_over(slot)

    def _hand_over(self, slot: _Slot) -> None:
        waiters = self._queued.pop(slot)
        if waiters:
            self._queued[slot] = []
            call = asyncio.get_running_loop().create_task(self._apply_for(slot, waiters))
            self._calls.add(call)
            call.add_done_callback(self._calls.discard)

    async def _apply_for(self, slot: _Slot, waiters: list[_Waiter]) -> None:
        try:
            decisions = await self._apply(slot[0], slot[1], [cost for cost, _ in waiters])
        except Exception as error:
            for _, future in waiters:
                if not future.done():
                    future.set_exception(error)
        else:
            for (_, future), decision in zip(waiters, decisions, strict=True):
                if not future.done():  # its caller may have gone away; the hit still counted
                    future.set_result(decision)
        finally:
            self._hand_over(slot)

    async def _apply(self, key: str, rate: RateLimit, costs: Sequence[int]) -> list[RateDecision]:
        args: list[int | str] = [rate.limit, repr(float(rate.period_seconds)), rate.capacity, *costs]
        with redis_errors("rate limit hit"):
            flat = await self._gcra(keys=[self._prefix + key], args=args)
        return [
            RateDecision(
                allowed=bool(flat[i]),
                limit=rate.limit,
                remaining=int(flat[i + 1]),
                reset_after=float(flat[i + 2]),
                retry_after=float(flat[i + 3]),
            )
            for i in range(0, len(flat), 4)
        ]

    async def reset(self, key: str) -> None:
        with redis_errors("rate limit reset"):
            await self._client.delete(self._prefix + key)
