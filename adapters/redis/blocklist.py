"""Blocklist: one key per subject holding the msgspec-encoded ``Block`` with a TTL, plus an
index (a sorted set of subjects scored by expiry in epoch milliseconds) for ``list_active``.

Redis Cluster: all blocklist keys share the hash tag ``{blocklist}`` and so live in one slot;
that lets ``block`` and ``unblock`` change a subject key and the index in one Lua script, and
``list_active`` read every block with one ``MGET``. Lookups by subject stay a single ``GET``,
and with ``absent_keys`` a subject known not to be blocked is answered without Redis.
"""

import math
from datetime import datetime, timedelta
from typing import cast

import msgspec

from adapters.redis.absent_keys import AbsentKeys
from adapters.redis.client import RedisClient, as_bytes, redis_errors
from adapters.system.clock import SystemClock
from core.ports.blocklist import Block, Blocklist
from core.ports.clock import Clock

_BLOCK_SCRIPT = """
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
return 1
"""
_UNBLOCK_SCRIPT = """
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])
"""


def blocklist_subject_prefix(key_prefix: str) -> str:
    return f"{key_prefix}{{blocklist}}:subject:"


class RedisBlocklist(Blocklist):
    def __init__(
        self,
        client: RedisClient,
        *,
        key_prefix: str = "bhiv:",
        clock: Clock | None = None,
        absent_keys: AbsentKeys | None = None,
    ) -> None:
        self._client = client
        self._clock = clock or SystemClock()
        self._absent = absent_keys or AbsentKeys()
        self._subject_prefix = blocklist_subject_prefix(key_prefix)
        self._index = f"{key_prefix}{{blocklist}}:index"
        self._block_script = client.register_script(_BLOCK_SCRIPT)
        self._unblock_script = client.register_script(_UNBLOCK_SCRIPT)
        self._decoder = msgspec.msgpack.Decoder(Block)

    async def block(self, subject: str, *, reason: str, ttl_seconds: float) -> Block:
        created_at = self._clock.now()
        ttl_millis = max(1, math.ceil(ttl_seconds * 1000))
        block = Block(
            subject=subject,
            reason=reason,
            created_at=created_at,
            expires_at=created_at + timedelta(milliseconds=ttl_millis),
        )
        args: list[bytes | int | str] = [
            msgspec.msgpack.encode(block),
            ttl_millis,
            _epoch_millis(block.expires_at),
            subject,
            _epoch_millis(created_at),
        ]
        with redis_errors("blocklist block"):
            await self._block_script(keys=[self._written(subject), self._index], args=args)
        return block

    async def get(self, subject: str) -> Block | None:
        (encoded,) = await self._absent.read_through([self._subject_prefix + subject], self._read)
        return None if encoded is None else self._decoder.decode(encoded)

    async def _read(self, names: list[str]) -> list[bytes | None]:
        with redis_errors("blocklist get"):
            encoded = await self._client.get(names[0])
        return [None if encoded is None else as_bytes(encoded)]

    async def unblock(self, subject: str) -> bool:
        with redis_errors("blocklist unblock"):
            removed = await self._unblock_script(keys=[self._written(subject), self._index], args=[subject])
        return bool(removed)

    async def list_active(self) -> list[Block]:
        now_millis = _epoch_millis(self._clock.now())
        with redis_errors("blocklist list_active"):
            await self._client.zremrangebyscore(self._index, "-inf", now_millis)
            subjects = cast("list[bytes]", await self._client.zrange(self._index, 0, -1))
            if not subjects:
                return []
            keys = [self._subject_prefix + subject.decode() for subject in subjects]
            encoded = await self._client.mget(keys)
        # A subject unblocked or expired between the two reads comes back as None.
        return [self._decoder.decode(as_bytes(value)) for value in encoded if value is not None]

    def _written(self, subject: str) -> str:
        return self._absent.written(self._subject_prefix + subject)


def _epoch_millis(moment: datetime) -> int:
    return math.floor(moment.timestamp() * 1000)
