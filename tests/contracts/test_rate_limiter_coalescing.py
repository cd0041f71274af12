"""On Redis, concurrent hits share script calls and round trips, and survive a lost script cache."""

import asyncio
import uuid

import pytest

from adapters.redis.client import create_redis_client
from adapters.redis.rate_limit import RedisRateLimiter
from adapters.redis.settings import RedisSettings
from core.ports.rate_limit import RateLimit

pytestmark = pytest.mark.redis


async def script_calls(client: object) -> int:
    stats = await client.info("commandstats")  # type: ignore[attr-defined]
    return sum(int(stats.get(name, {}).get("calls", 0)) for name in ("cmdstat_evalsha", "cmdstat_eval"))


async def test_a_flood_on_one_key_takes_far_fewer_calls_than_hits(redis_url: str) -> None:
    prefix = f"bhiv-test:{uuid.uuid4().hex}:"
    client = create_redis_client(RedisSettings(url=redis_url, key_prefix=prefix))
    limiter = RedisRateLimiter(client, key_prefix=prefix)
    rate = RateLimit(limit=1000, period_seconds=360_000)  # no unit comes back while the test runs
    await limiter.hit("warm-up", rate)  # loads the script
    before = await script_calls(client)

    decisions = await asyncio.gather(*(limiter.hit("flood", rate) for _ in range(200)))

    calls = await script_calls(client) - before
    assert all(d.allowed for d in decisions)
    assert sorted(d.remaining for d in decisions) == list(range(800, 1000))
    assert calls < 20
    await client.delete(f"{prefix}rate:flood", f"{prefix}rate:warm-up")
    await client.aclose()


async def test_a_batch_over_many_keys_survives_a_script_flush(redis_url: str) -> None:
    prefix = f"bhiv-test:{uuid.uuid4().hex}:"
    client = create_redis_client(RedisSettings(url=redis_url, key_prefix=prefix))
    limiter = RedisRateLimiter(client, key_prefix=prefix)
    rate = RateLimit(limit=5, period_seconds=3600)
    await client.script_flush()

    decisions = await asyncio.gather(*(limiter.hit(f"k{n % 10}", rate) for n in range(60)))

    assert sum(d.allowed for d in decisions) == 50
    async for key in client.scan_iter(match=f"{prefix}*"):
        await client.delete(key)
    await client.aclose()
