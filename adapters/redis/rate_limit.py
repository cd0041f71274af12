"""GCRA rate limiter as one Lua script, so each hit is atomic.

The script reads the server's ``TIME``, so gateway replicas with skewed clocks agree; a
refused hit writes nothing. Redis Cluster: one key per limited subject
(``<prefix>rate:<key>``), so the script always runs in a single slot.
"""

from adapters.redis.client import RedisClient, redis_errors
from core.ports.rate_limit import RateDecision, RateLimit, RateLimiter

_GCRA_SCRIPT = """
-- GCRA step, mirroring adapters/memory/gcra.py. KEYS[1]: the key's tat (seconds, server time).
-- ARGV: limit, period_seconds, capacity, cost. Returns {allowed, remaining, reset_after,
-- retry_after}, the last two as strings because Redis truncates Lua numbers to integers.
local epsilon = 1e-6
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])

local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000
local interval = period / limit
local tolerance = interval * capacity

local current = now
local stored = redis.call('GET', KEYS[1])
if stored then
  current = math.max(tonumber(stored), now)
end
local new_tat = current + interval * cost
local slack = now + tolerance - new_tat

if slack < -epsilon then
  local remaining = math.max(0, math.floor((now + tolerance - current) / interval + epsilon))
  return {0, remaining, string.format('%.6f', current - now), string.format('%.6f', -slack)}
end

local remaining = math.max(0, math.floor(slack / interval + epsilon))
local reset_after = new_tat - now
redis.call('SET', KEYS[1], string.format('%.6f', new_tat), 'PX', math.max(1, math.ceil(reset_after * 1000)))
return {1, remaining, string.format('%.6f', reset_after), '0'}
"""


class RedisRateLimiter(RateLimiter):
    def __init__(self, client: RedisClient, *, key_prefix: str = "bhiv:") -> None:
        self._client = client
        self._prefix = f"{key_prefix}rate:"
        self._gcra = client.register_script(_GCRA_SCRIPT)

    async def hit(self, key: str, rate: RateLimit, cost: int = 1) -> RateDecision:
        args: list[int | str] = [rate.limit, repr(float(rate.period_seconds)), rate.capacity, cost]
        with redis_errors("rate limit hit"):
            allowed, remaining, reset_after, retry_after = await self._gcra(
                keys=[self._prefix + key], args=args
            )
        return RateDecision(
            allowed=bool(allowed),
            limit=rate.limit,
            remaining=int(remaining),
            reset_after=float(reset_after),
            retry_after=float(retry_after),
        )

    async def reset(self, key: str) -> None:
        with redis_errors("rate limit reset"):
            await self._client.delete(self._prefix + key)
