"""GCRA rate limiter as one Lua script, so each hit is atomic; hits that arrive while a call is
in flight share the next round trip.

The script reads the server's ``TIME``, so gateway replicas with skewed clocks agree; a
refused hit writes nothing. Redis Cluster: one key per limited subject
(``<prefix>rate:<key>``), so the script always runs in a single slot.

Batching: while a call is in flight, further hits in this process wait and then go together:
one script call per key (applying that key's hits one after another in arrival order, exactly
as separate calls arriving at that instant would), all keys in one pipeline. Under light load
every hit is its own call (no waiting); under load there is one round trip per Redis reply
instead of one per hit.
"""

import asyncio
from collections.abc import Sequence

from redis.asyncio import RedisCluster
from redis.exceptions import NoScriptError

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
_Hit = tuple[_Slot, int, "asyncio.Future[RateDecision]"]


class RedisRateLimiter(RateLimiter):
    def __init__(self, client: RedisClient, *, key_prefix: str = "bhiv:") -> None:
        self._client = client
        self._prefix = f"{key_prefix}rate:"
        self._gcra = client.register_script(_GCRA_SCRIPT)
        self._next: list[_Hit] | None = None
        """While a call is in flight: the hits that arrived since (None when idle)."""
        self._calls: set[asyncio.Task[None]] = set()  # referenced until done

    async def hit(self, key: str, rate: RateLimit, cost: int = 1) -> RateDecision:
        (decision,) = await self._hits([((key, rate), cost)])
        return decision

    async def hit_many(self, hits: Sequence[tuple[str, RateLimit]]) -> list[RateDecision]:
        return await self._hits([((key, rate), 1) for key, rate in hits])

    async def _hits(self, hits: list[tuple[_Slot, int]]) -> list[RateDecision]:
        if self._next is not None:  # a call is in flight: join the next round trip
            loop = asyncio.get_running_loop()
            futures: list[asyncio.Future[RateDecision]] = [loop.create_future() for _ in hits]
            self._next.extend((slot, cost, fut) for (slot, cost), fut in zip(hits, futures, strict=True))
            return list(await asyncio.gather(*futures))
        self._next = []
        try:
            return await self._round_trip(hits)
        finally:
            self._hand_over()

    def _hand_over(self) -> None:
        batch, self._next = self._next, None
        if batch:
            self._next = []
            call = asyncio.get_running_loop().create_task(self._round_trip_for(batch))
            self._calls.add(call)
            call.add_done_callback(self._calls.discard)

    async def _round_trip_for(self, batch: list[_Hit]) -> None:
        try:
            decisions = await self._round_trip([(slot, cost) for slot, cost, _ in batch])
        except Exception as error:
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(error)
        else:
            for (_, _, future), decision in zip(batch, decisions, strict=True):
                if not future.done():  # a caller that went away still spent its hit
                    future.set_result(decision)
        finally:
            self._hand_over()

    async def _round_trip(self, hits: list[tuple[_Slot, int]]) -> list[RateDecision]:
        """The hits' decisions in their order; each key's costs go in one script call."""
        costs: dict[_Slot, list[int]] = {}
        for slot, cost in hits:
            costs.setdefault(slot, []).append(cost)
        answers = {slot: iter(found) for slot, found in zip(costs, await self._apply(costs), strict=True)}
        return [next(answers[slot]) for slot, _ in hits]

    async def _apply(self, costs: dict[_Slot, list[int]]) -> list[list[RateDecision]]:
        """Each key's costs in one script call; several keys in one pipeline (per slot on a cluster)."""
        with redis_errors("rate limit hit"):
            if len(costs) == 1:
                ((key, rate), key_costs), *_ = costs.items()
                replies = [await self._gcra(keys=[self._prefix + key], args=_args(rate, key_costs))]
            elif isinstance(self._client, RedisCluster):
                replies = await asyncio.gather(
                    *(
                        self._gcra(keys=[self._prefix + key], args=_args(rate, c))
                        for (key, rate), c in costs.items()
                    )
                )
            else:
                replies = await self._pipelined(costs)
        return [_decisions(rate, reply) for ((_, rate), reply) in zip(costs, replies, strict=True)]

    async def _call(self, slot: _Slot, costs: list[int]) -> list[bytes | int]:
        key, rate = slot
        reply: list[bytes | int] = await self._gcra(keys=[self._prefix + key], args=_args(rate, costs))
        return reply

    async def _pipelined(self, costs: dict[_Slot, list[int]]) -> list[list[bytes | int]]:
        for attempt in (1, 2):
            pipe = self._client.pipeline(transaction=False)
            for (key, rate), key_costs in costs.items():
                pipe.evalsha(self._gcra.sha, 1, self._prefix + key, *_args(rate, key_costs))
            try:
                replies: list[list[bytes | int]] = await pipe.execute()
                return replies
            except NoScriptError:
                if attempt == 2:
                    raise
                await self._client.script_load(_GCRA_SCRIPT)  # e.g. after SCRIPT FLUSH or a restart
        raise AssertionError("unreachable")

    async def reset(self, key: str) -> None:
        with redis_errors("rate limit reset"):
            await self._client.delete(self._prefix + key)


def _args(rate: RateLimit, costs: Sequence[int]) -> list[int | str]:
    return [rate.limit, repr(float(rate.period_seconds)), rate.capacity, *costs]


def _decisions(rate: RateLimit, flat: Sequence[bytes | int]) -> list[RateDecision]:
    return [
        RateDecision(
            allowed=bool(int(flat[i])),
            limit=rate.limit,
            remaining=int(flat[i + 1]),
            reset_after=float(flat[i + 2]),
            retry_after=float(flat[i + 3]),
        )
        for i in range(0, len(flat), 4)
    ]
