"""GCRA rate limiter as one Lua script, so each hit is atomic; hits made together share a call.

The script reads the server's ``TIME``, so gateway replicas with skewed clocks agree; a
refused hit writes nothing. Keys are ``<prefix>rate:<key>``, one per limited subject; on Redis
Cluster, keys in different slots get calls of their own.

Batching: a call waits one turn of the event loop, so the hits of requests handled in the same
turn join it; hits made while it is in flight go together in the next one. One script call (on
a cluster, one per hash slot) applies each key's hits one after another in arrival order,
exactly as separate calls arriving at that instant would. Under light load every hit is its own
call; under load there is one round trip per Redis reply instead of one per hit.
"""

import asyncio
from collections.abc import Sequence

from redis.asyncio import RedisCluster

from adapters.redis.client import RedisClient, redis_errors
from core.ports.rate_limit import RateDecision, RateLimit, RateLimiter

_GCRA_SCRIPT = """
-- GCRA steps, mirroring adapters/memory/gcra.py. For each key in KEYS (its tat, in seconds of
-- server time), ARGV holds: limit, period_seconds, capacity, n, then n costs, applied in order.
-- Returns {allowed, remaining, reset_after, retry_after} per cost, flattened; the last two as
-- strings because Redis truncates Lua numbers to integers.
local epsilon = 1e-6
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000
local results = {}
local arg = 1
for k = 1, #KEYS do
  local limit, period, capacity = tonumber(ARGV[arg]), tonumber(ARGV[arg + 1]), tonumber(ARGV[arg + 2])
  local n = tonumber(ARGV[arg + 3])
  arg = arg + 4
  local interval = period / limit
  local tolerance = interval * capacity
  local current = now
  local stored = redis.call('GET', KEYS[k])
  if stored then
    current = math.max(tonumber(stored), now)
  end
  local changed = false
  for i = 1, n do
    local new_tat = current + interval * tonumber(ARGV[arg])
    arg = arg + 1
    local slack = now + tolerance - new_tat
    local remaining
    if slack < -epsilon then
      remaining = math.max(0, math.floor((now + tolerance - current) / interval + epsilon))
      results[#results + 1] = 0
      results[#results + 1] = remaining
      results[#results + 1] = string.format('%.6f', current - now)
      results[#results + 1] = string.format('%.6f', -slack)
    else
      current = new_tat
      changed = true
      remaining = math.max(0, math.floor(slack / interval + epsilon))
      results[#results + 1] = 1
      results[#results + 1] = remaining
      results[#results + 1] = string.format('%.6f', new_tat - now)
      results[#results + 1] = '0'
    end
  end
  if changed then
    local ttl = math.max(1, math.ceil((current - now) * 1000))
    redis.call('SET', KEYS[k], string.format('%.6f', current), 'PX', ttl)
  end
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
        joined: list[_Hit] = []
        try:
            await asyncio.sleep(0)  # requests handled in this turn of the loop join this call
            joined, self._next = self._next, []
            decisions = await self._round_trip(hits + [(slot, cost) for slot, cost, _ in joined])
        except Exception as error:
            _settle(joined, error)
            raise
        else:
            _settle(joined, decisions[len(hits) :])
            return decisions[: len(hits)]
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
            _settle(batch, await self._round_trip([(slot, cost) for slot, cost, _ in batch]))
        except Exception as error:
            _settle(batch, error)
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
        """Every key's costs in one script call; on a cluster, one call per hash slot."""
        with redis_errors("rate limit hit"):
            if isinstance(self._client, RedisCluster):
                groups: dict[int, dict[_Slot, list[int]]] = {}
                for slot, key_costs in costs.items():
                    groups.setdefault(self._client.keyslot(self._prefix + slot[0]), {})[slot] = key_costs
                answers: dict[_Slot, list[RateDecision]] = {}
                # One slot after another: many first calls at once to several nodes made
                # redis-py's cluster client use a connection before it was open.
                for group in groups.values():
                    answers.update(_split(group, await self._call(group)))
            else:
                answers = _split(costs, await self._call(costs))
        return [answers[slot] for slot in costs]

    async def _call(self, costs: dict[_Slot, list[int]]) -> list[bytes | int]:
        args: list[int | str] = []
        for (_, rate), key_costs in costs.items():
            args += [rate.limit, repr(float(rate.period_seconds)), rate.capacity, len(key_costs), *key_costs]
        keys = [self._prefix + key for key, _ in costs]
        reply: list[bytes | int] = await self._gcra(keys=keys, args=args)
        return reply

    async def reset(self, key: str) -> None:
        with redis_errors("rate limit reset"):
            await self._client.delete(self._prefix + key)


def _split(costs: dict[_Slot, list[int]], flat: Sequence[bytes | int]) -> dict[_Slot, list[RateDecision]]:
    """The script's flat answer, four values per cost, back into each key's decisions."""
    answers: dict[_Slot, list[RateDecision]] = {}
    at = 0
    for slot, key_costs in costs.items():
        answers[slot] = _decisions(slot[1], flat[at : at + 4 * len(key_costs)])
        at += 4 * len(key_costs)
    return answers


def _settle(batch: list[_Hit], outcome: list[RateDecision] | Exception) -> None:
    for index, (_, _, future) in enumerate(batch):
        if future.done():  # its caller went away; the hit was still spent
            continue
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome[index])


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
