"""Event bus on Redis Streams: ``XADD MAXLEN ~``, consumer groups, ``XAUTOCLAIM`` redelivery.

Each stream is one key, ``<prefix>stream:{<name>}``; every command touches that key alone, so
on Redis Cluster streams spread over slots by name. ``consume`` blocks in slices shorter than
the socket timeout, so a long ``block_seconds`` never trips the client's read timeout.
"""

import asyncio
from typing import Any, cast

import msgspec
from redis.exceptions import ResponseError

from adapters.redis.client import RedisClient, as_bytes, is_error_reply, redis_errors
from core.ports.events import Delivery, Event, EventBus

_FIELD = b"event"
_Entry = tuple[bytes, dict[bytes, bytes]]


class RedisEventBus(EventBus):
    def __init__(
        self,
        client: RedisClient,
        *,
        key_prefix: str = "bhiv:",
        max_length: int = 100_000,
        block_slice_seconds: float = 1.0,
    ) -> None:
        self._client = client
        self._prefix = f"{key_prefix}stream:"
        self._max_length = max_length
        self._block_slice_seconds = block_slice_seconds
        self._decoder = msgspec.msgpack.Decoder(Event)

    async def publish(self, stream: str, event: Event) -> str:
        with redis_errors("event publish"):
            message_id = await self._client.xadd(
                self._key(stream),
                {_FIELD: msgspec.msgpack.encode(event)},
                maxlen=self._max_length,
                approximate=True,
            )
        return as_bytes(message_id).decode()

    async def ensure_group(self, stream: str, group: str) -> None:
        with redis_errors("event ensure_group"):
            try:
                await self._client.xgroup_create(self._key(stream), group, id="0", mkstream=True)
            except ResponseError as error:
                if not is_error_reply(error, "BUSYGROUP"):
                    raise

    async def consume(
        self,
        stream: str,
        group: str,
        consumer: str,
        *,
        count: int = 10,
        block_seconds: float = 0.0,
        redeliver_after_seconds: float = 30.0,
    ) -> list[Delivery]:
        key = self._key(stream)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + block_seconds
        with redis_errors("event consume"):
            try:
                while True:
                    deliveries = await self._claim_stale(key, group, consumer, count, redeliver_after_seconds)
                    remaining = deadline - loop.time()
                    wait = 0.0 if deliveries else min(remaining, self._block_slice_seconds)
                    deliveries += await self._read_new(key, group, consumer, count - len(deliveries), wait)
                    if deliveries or remaining <= 0:
                        return deliveries
            except ResponseError as error:
                if is_error_reply(error, "NOGROUP"):
                    raise LookupError(f"no group {group!r} on stream {stream!r}") from error
                raise

    async def ack(self, stream: str, group: str, message_ids: list[str]) -> None:
        if message_ids:
            with redis_errors("event ack"):
                await self._client.xack(self._key(stream), group, *message_ids)

    async def _claim_stale(
        self, key: str, group: str, consumer: str, count: int, idle_seconds: float
    ) -> list[Delivery]:
        reply: list[Any] = await self._client.xautoclaim(
            key, group, consumer, min_idle_time=max(0, int(idle_seconds * 1000)), count=count
        )
        # Redis 6.2 still lists entries trimmed away since delivery, with no fields.
        entries: list[_Entry] = [entry for entry in reply[1] if entry[1]]
        if not entries:
            return []
        pipe = self._client.pipeline(transaction=False)
        for message_id, _ in entries:
            pipe.xpending_range(key, group, min=message_id, max=message_id, count=1)
        attempts = {
            pending["message_id"]: pending["times_delivered"]
            for found in await pipe.execute()
            for pending in found
        }
        return [self._delivery(entry, attempts.get(entry[0], 2)) for entry in entries]

    async def _read_new(
        self, key: str, group: str, consumer: str, count: int, wait_seconds: float
    ) -> list[Delivery]:
        if count <= 0:
            return []
        # BLOCK 0 would wait forever, so a wait below one millisecond rounds up.
        block = max(1, int(wait_seconds * 1000)) if wait_seconds > 0 else None
        reply = cast(
            "list[tuple[bytes, list[_Entry]]]",
            await self._client.xreadgroup(group, consumer, {key: ">"}, count=count, block=block),
        )
        return [self._delivery(entry, 1) for _, entries in reply or [] for entry in entries]

    def _delivery(self, entry: _Entry, attempt: int) -> Delivery:
        message_id, fields = entry
        return Delivery(message_id.decode(), self._decoder.decode(fields[_FIELD]), attempt)

    def _key(self, stream: str) -> str:
        return f"{self._prefix}{{{stream}}}"
