"""Readiness probe: Redis answers ``PING`` within the timeout.

Redis Cluster: ``PING`` goes to a node of the cluster; slot coverage problems surface as
``Unavailable`` from the adapters themselves.
"""

import asyncio

from adapters.redis.client import RedisClient, redis_errors
from core.ports.health import HealthProbe


class RedisHealthProbe(HealthProbe):
    name = "redis"

    def __init__(self, client: RedisClient, *, timeout_seconds: float = 2.0) -> None:
        self._client = client
        self._timeout_seconds = timeout_seconds

    async def check(self) -> None:
        # redis_errors turns the wait_for timeout into UpstreamTimeout as well.
        with redis_errors("ping"):
            await asyncio.wait_for(self._client.ping(), self._timeout_seconds)
