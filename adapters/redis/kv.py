"""Key-value store on plain Redis strings (``SET ... PX``, ``SET ... NX``, ``PTTL``).

Redis Cluster: every call touches a single key (``<prefix>kv:<key>``), so keys spread over all
slots; a caller who needs keys together in one slot can put a ``{hash tag}`` in its key.
``get_many`` is one ``MGET`` (on a cluster, grouped by slot).

With ``absent_keys``, reads of keys under its prefixes skip Redis while the key is known absent
(see ``adapters/redis/absent_keys.py``); every write here forgets its key first.
"""

import math
from collections.abc import Sequence
from typing import cast

from redis.asyncio import RedisCluster

from adapters.redis.absent_keys import AbsentKeys
from adapters.redis.client import RedisClient, as_bytes, redis_errors
from core.ports.kv import KeyValueStore


def kv_key_prefix(key_prefix: str) -> str:
    """Where this store's keys live in Redis (``AbsentKeys`` prefixes are built from it)."""
    return f"{key_prefix}kv:"


class RedisKeyValueStore(KeyValueStore):
    def __init__(
        self, client: RedisClient, *, key_prefix: str = "bhiv:", absent_keys: AbsentKeys | None = None
    ) -> None:
        self._client = client
        self._prefix = kv_key_prefix(key_prefix)
        self._absent = absent_keys or AbsentKeys()

    async def get(self, key: str) -> bytes | None:
        return (await self.get_many([key]))[0]

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        return await self._absent.read_through([self._prefix + key for key in keys], self._read)

    async def _read(self, names: list[str]) -> list[bytes | None]:
        if not names:
            return []
        with redis_errors("kv get_many"):
            if len(names) == 1:
                values = [await self._client.get(names[0])]
            elif isinstance(self._client, RedisCluster):
                values = await self._client.mget_nonatomic(names)
            else:
                values = await self._client.mget(names)
        return [None if value is None else as_bytes(value) for value in cast("list[bytes | None]", values)]

    def _written(self, key: str) -> str:
        return self._absent.written(self._prefix + key)

    async def set(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> None:
        with redis_errors("kv set"):
            await self._client.set(self._written(key), value, px=_millis(ttl_seconds))

    async def add(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> bool:
        with redis_errors("kv add"):
            stored = await self._client.set(self._written(key), value, px=_millis(ttl_seconds), nx=True)
        return bool(stored)

    async def delete(self, key: str) -> bool:
        with redis_errors("kv delete"):
            removed: int = await self._client.delete(self._written(key))
        return removed > 0

    async def ttl(self, key: str) -> float | None:
        with redis_errors("kv ttl"):
            millis: int = await self._client.pttl(self._prefix + key)
        # PTTL answers -2 for a missing key and -1 for a key without expiry.
        return millis / 1000 if millis >= 0 else None


def _millis(ttl_seconds: float | None) -> int | None:
    return None if ttl_seconds is None else max(1, math.ceil(ttl_seconds * 1000))
