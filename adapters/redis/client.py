"""Build the Redis client from settings and turn redis errors into port errors.

On Redis Cluster ``max_connections`` is a hard cap per node (redis-py has no blocking pool
there): a burst beyond it fails as ``Unavailable``, so size it for the peak concurrency.

Every adapter wraps its Redis calls in ``redis_errors()`` so callers only ever see
``Unavailable`` / ``UpstreamTimeout`` from ``core.ports.errors``, never a redis exception.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeAlias

from redis import exceptions as redis_exceptions
from redis.asyncio import BlockingConnectionPool, Redis, RedisCluster

from adapters.redis.settings import RedisSettings
from core.ports.errors import Unavailable, UpstreamTimeout

RedisClient: TypeAlias = Redis | RedisCluster


def create_redis_client(settings: RedisSettings, *, single_connection: bool = False) -> RedisClient:
    """``single_connection``: one connection, no pool (for a caller with one call in flight at
    a time, which skips the pool's checkout on every call); not on a cluster."""
    if settings.url is None:
        raise ValueError("RedisSettings.url is not set; use the memory adapters instead")
    timeout = settings.socket_timeout_seconds
    if single_connection and not settings.cluster:
        return Redis.from_url(
            settings.url,
            single_connection_client=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
    if settings.cluster:
        return RedisCluster.from_url(
            settings.url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            max_connections=settings.max_connections,
        )
    # A blocking pool makes a burst beyond max_connections wait for a free connection (up to
    # the timeout) instead of failing at once.
    pool = BlockingConnectionPool.from_url(
        settings.url,
        max_connections=settings.max_connections,
        timeout=timeout,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
    )
    return Redis.from_pool(pool)


@contextmanager
def redis_errors(action: str) -> Iterator[None]:
    """Re-raise redis failures during ``action`` as port errors."""
    try:
        yield
    except (redis_exceptions.TimeoutError, TimeoutError) as error:
        raise UpstreamTimeout(f"redis did not answer in time ({action})") from error
    except (redis_exceptions.RedisError, redis_exceptions.RedisClusterException, OSError) as error:
        # Also covers refusals such as OOM, READONLY, LOADING, MASTERDOWN and CLUSTERDOWN.
        raise Unavailable(f"redis failed ({action}): {type(error).__name__}: {error}") from error


def as_bytes(value: bytes | str) -> bytes:
    """Replies are bytes (the client never decodes); this tells the type checker so."""
    return value if isinstance(value, bytes) else value.encode()


def is_error_reply(error: BaseException, code: str) -> bool:
    """True when ``error`` is the server's refusal with ``code`` (e.g. ``BUSYGROUP``)."""
    return isinstance(error, redis_exceptions.ResponseError) and str(error).startswith(code)
