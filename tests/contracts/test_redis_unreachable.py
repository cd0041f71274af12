"""Redis adapters speak port errors: an unreachable server is ``Unavailable``, never a redis
exception. Needs no running server (port 1 on loopback refuses connections)."""

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from adapters.redis.blocklist import RedisBlocklist
from adapters.redis.client import RedisClient, create_redis_client
from adapters.redis.events import RedisEventBus
from adapters.redis.health import RedisHealthProbe
from adapters.redis.kv import RedisKeyValueStore
from adapters.redis.rate_limit import RedisRateLimiter
from adapters.redis.settings import RedisSettings
from core.ports.errors import Unavailable
from core.ports.rate_limit import RateLimit
from tests.contracts.redis_fixtures import make_event

Call = Callable[[RedisClient], Awaitable[object]]
CALLS: dict[str, Call] = {
    "key_value_get": lambda c: RedisKeyValueStore(c).get("k"),
    "key_value_set": lambda c: RedisKeyValueStore(c).set("k", b"v", ttl_seconds=1),
    "rate_limiter_hit": lambda c: RedisRateLimiter(c).hit("k", RateLimit(limit=1, period_seconds=1)),
    "blocklist_block": lambda c: RedisBlocklist(c).block("s", reason="r", ttl_seconds=1),
    "blocklist_list_active": lambda c: RedisBlocklist(c).list_active(),
    "event_bus_publish": lambda c: RedisEventBus(c).publish("s", make_event(1)),
    "event_bus_consume": lambda c: RedisEventBus(c).consume("s", "g", "c", block_seconds=0.1),
    "health_probe_check": lambda c: RedisHealthProbe(c, timeout_seconds=1).check(),
}


@pytest.fixture
async def unreachable_client() -> AsyncIterator[RedisClient]:
    client = create_redis_client(RedisSettings(url="redis://127.0.0.1:1/0", socket_timeout_seconds=0.5))
    yield client
    await client.aclose()


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
async def test_an_unreachable_server_raises_unavailable(unreachable_client: RedisClient, call: Call) -> None:
    with pytest.raises(Unavailable) as raised:
        await call(unreachable_client)

    assert "redis" in str(raised.value)
