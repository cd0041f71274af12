"""dishka provider of the Redis adapters and the Redis health probe.

``RedisProvider()`` (its ``RedisSettings`` from the graph) gives one APP-scoped client, closed
when the container closes, and the ports built on it. It also provides a ``HealthProbe``; an app
gathers the probes of all its providers by declaring ``probes = collect(HealthProbe,
scope=Scope.APP)`` in one of its own providers and asking for ``list[HealthProbe]`` (checked with
dishka 1.10). Once ``collect`` is declared, a bare ``HealthProbe`` can no longer be resolved,
only the list.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide

from adapters.redis.absent_keys import AbsentKeys
from adapters.redis.blocklist import RedisBlocklist, blocklist_subject_prefix
from adapters.redis.budget import RedisBudget
from adapters.redis.client import RedisClient, create_redis_client
from adapters.redis.events import RedisEventBus
from adapters.redis.health import RedisHealthProbe
from adapters.redis.kv import RedisKeyValueStore, kv_key_prefix
from adapters.redis.rate_limit import RedisRateLimiter
from adapters.redis.settings import RedisSettings
from core.ports.blocklist import Blocklist
from core.ports.budget import Budget
from core.ports.events import EventBus
from core.ports.health import HealthProbe
from core.ports.kv import SELDOM_PRESENT, KeyValueStore
from core.ports.rate_limit import RateLimiter


class RedisProvider(Provider):
    scope = Scope.APP

    @provide
    async def client(self, settings: RedisSettings) -> AsyncIterator[RedisClient]:
        client = create_redis_client(settings)
        yield client
        await client.aclose()

    @provide
    async def absent_keys(self, settings: RedisSettings) -> AsyncIterator[AbsentKeys]:
        """Tracked only when enabled and not on a cluster; untracked, it remembers nothing."""
        prefix = settings.key_prefix
        absent = AbsentKeys([blocklist_subject_prefix(prefix), kv_key_prefix(prefix) + SELDOM_PRESENT])
        tracking = None
        if settings.track_absent_keys and not settings.cluster and settings.url:
            tracking = asyncio.create_task(absent.track(settings.url))
        yield absent
        if tracking is not None:
            tracking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await tracking

    @provide
    def key_value_store(
        self, client: RedisClient, absent_keys: AbsentKeys, settings: RedisSettings
    ) -> KeyValueStore:
        return RedisKeyValueStore(client, key_prefix=settings.key_prefix, absent_keys=absent_keys)

    @provide
    async def rate_limiter(self, settings: RedisSettings) -> AsyncIterator[RateLimiter]:
        # Its own connection: the limiter has one call in flight at a time (later hits wait and
        # go together), so a pool would only add a checkout to every call.
        own = create_redis_client(settings, single_connection=True)
        yield RedisRateLimiter(own, key_prefix=settings.key_prefix)
        await own.aclose()

    @provide
    def blocklist(self, client: RedisClient, absent_keys: AbsentKeys, settings: RedisSettings) -> Blocklist:
        return RedisBlocklist(client, key_prefix=settings.key_prefix, absent_keys=absent_keys)

    @provide
    def budget(self, client: RedisClient, settings: RedisSettings) -> Budget:
        return RedisBudget(client, key_prefix=settings.key_prefix)

    @provide
    def event_bus(self, client: RedisClient, settings: RedisSettings) -> EventBus:
        return RedisEventBus(
            client,
            key_prefix=settings.key_prefix,
            max_length=settings.stream_max_length,
            block_slice_seconds=settings.socket_timeout_seconds / 2,
        )

    @provide
    def health_probe(self, client: RedisClient, settings: RedisSettings) -> HealthProbe:
        return RedisHealthProbe(client, timeout_seconds=settings.socket_timeout_seconds)
