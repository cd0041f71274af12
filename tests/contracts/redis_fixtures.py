"""Fixtures that run each key-value, rate limiter, blocklist, budget and event bus contract against
the memory adapters and the Redis adapters.

Test modules import them with ``from tests.contracts.redis_fixtures import *``. A Redis test
gets a key prefix of its own and its keys are deleted afterwards.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.blocklist import MemoryBlocklist
from adapters.memory.budget import MemoryBudget
from adapters.memory.events import MemoryEventBus
from adapters.memory.kv import MemoryKeyValueStore
from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.redis.blocklist import RedisBlocklist
from adapters.redis.budget import RedisBudget
from adapters.redis.client import RedisClient, create_redis_client
from adapters.redis.events import RedisEventBus
from adapters.redis.kv import RedisKeyValueStore
from adapters.redis.rate_limit import RedisRateLimiter
from adapters.redis.settings import RedisSettings
from core.ports.blocklist import Blocklist
from core.ports.budget import Budget
from core.ports.events import Event, EventBus
from core.ports.kv import KeyValueStore
from core.ports.rate_limit import RateLimiter
from tests.support.fake_clock import FakeClock

__all__ = [
    "blocklist",
    "budget",
    "event_bus",
    "key_value_store",
    "make_event",
    "memory_or_redis",
    "passing_time",
    "rate_limiter",
    "redis_backend",
]


class RedisBackend:
    """A connected client and a key prefix no other test uses."""

    def __init__(self, client: RedisClient, key_prefix: str) -> None:
        self.client = client
        self.key_prefix = key_prefix

    async def delete_keys(self) -> None:
        async for key in self.client.scan_iter(match=f"{self.key_prefix}*", count=500):
            await self.client.delete(key)


async def open_redis_backend(url: str, *, cluster: bool = False) -> RedisBackend:
    prefix = f"bhiv-test:{uuid.uuid4().hex}:"
    client = create_redis_client(RedisSettings(url=url, cluster=cluster, key_prefix=prefix))
    return RedisBackend(client, prefix)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def memory_or_redis(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def redis_backend(
    memory_or_redis: str, request: pytest.FixtureRequest
) -> AsyncIterator[RedisBackend | None]:
    if memory_or_redis != "redis":
        yield None
        return
    backend = await open_redis_backend(request.getfixturevalue("redis_url"))
    yield backend
    await backend.delete_keys()
    await backend.client.aclose()


@pytest.fixture
def key_value_store(redis_backend: RedisBackend | None) -> KeyValueStore:
    if redis_backend is None:
        return MemoryKeyValueStore()
    return RedisKeyValueStore(redis_backend.client, key_prefix=redis_backend.key_prefix)


@pytest.fixture
def rate_limiter(redis_backend: RedisBackend | None) -> RateLimiter:
    if redis_backend is None:
        return MemoryRateLimiter()
    return RedisRateLimiter(redis_backend.client, key_prefix=redis_backend.key_prefix)


@pytest.fixture
def blocklist(redis_backend: RedisBackend | None) -> Blocklist:
    if redis_backend is None:
        return MemoryBlocklist()
    return RedisBlocklist(redis_backend.client, key_prefix=redis_backend.key_prefix)


class PassingTime:
    """Lets time pass for an adapter: a memory adapter's fake clock moves at once; a Redis
    adapter follows the server's clock, so the test waits for real."""

    def __init__(self, clock: FakeClock | None) -> None:
        self.clock = clock

    async def wait(self, seconds: float) -> None:
        if self.clock is None:
            await asyncio.sleep(seconds)
        else:
            self.clock.advance(seconds)


@pytest.fixture
def passing_time(redis_backend: RedisBackend | None) -> PassingTime:
    return PassingTime(FakeClock() if redis_backend is None else None)


@pytest.fixture
def budget(redis_backend: RedisBackend | None, passing_time: PassingTime) -> Budget:
    if redis_backend is None:
        return MemoryBudget(passing_time.clock)
    return RedisBudget(redis_backend.client, key_prefix=redis_backend.key_prefix)


@pytest.fixture
def event_bus(redis_backend: RedisBackend | None) -> EventBus:
    if redis_backend is None:
        return MemoryEventBus()
    return RedisEventBus(redis_backend.client, key_prefix=redis_backend.key_prefix, block_slice_seconds=0.2)


def make_event(number: int, type_: str = "test.happened") -> Event:
    return Event(
        id=f"event-{number}",
        type=type_,
        payload=b'{"n": %d}' % number,
        occurred_at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=number),
        correlation_id=f"corr-{number}",
    )
