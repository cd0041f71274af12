"""In-process memory of Redis keys known to be absent, kept true by server-assisted invalidation.

Every request reads a few keys that almost never exist (is this IP blocked? is this token or
its subject revoked?). ``AbsentKeys`` remembers "absent" answers so those reads skip Redis, and
a dedicated connection with ``CLIENT TRACKING ... BCAST PREFIX`` makes Redis push the name of
every key under the tracked prefixes as soon as anyone writes it; that name is forgotten at once.

Why only absences: a key can only *appear* through a write, which Redis announces; it can
*disappear* silently by expiry. So a remembered absence stays true until an announcement,
while a remembered value could outlive its TTL. Present keys are read from Redis every time.

- Until the tracking connection is subscribed, and whenever it is lost, nothing is remembered
  (every read goes to Redis) and what was remembered is dropped: announcements may be missed.
- A read that started before an announcement arrived is not remembered (the generation check),
  so a late reply cannot resurrect an absence that a write just ended.
- A write by this process forgets its key at once, before Redis's own announcement arrives.
- A write by another process takes effect here when its announcement arrives: Redis sends it
  as it executes the write, so the window is one loopback/LAN delivery.

Redis Cluster is not supported here (tracking is per node); the cluster client reads through.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence

from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection

from adapters.redis.client import as_bytes

log = logging.getLogger("bhiv.redis")
INVALIDATION_CHANNEL = "__redis__:invalidate"
DEFAULT_MAX_ENTRIES = 100_000
HEARTBEAT_SECONDS = 5.0
RECONNECT_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)
Reader = Callable[[list[str]], Awaitable[list[bytes | None]]]


class AbsentKeys:
    """With no prefixes (the adapters' default) it covers nothing and never remembers."""

    def __init__(self, prefixes: Sequence[str] = (), *, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.prefixes = tuple(prefixes)
        self._max_entries = max_entries
        self._absent: dict[str, None] = {}  # insertion-ordered: the oldest is dropped first
        self._generation = 0
        self.live = False
        """True while the tracking connection is subscribed; only then is anything remembered."""

    def covers(self, name: str) -> bool:
        return name.startswith(self.prefixes)

    def is_absent(self, name: str) -> bool:
        return name in self._absent

    async def read_through(self, names: Sequence[str], read: Reader) -> list[bytes | None]:
        """The values of ``names``: None for those known absent, ``read`` for the rest (one call)."""
        unknown = [name for name in names if name not in self._absent]
        if not unknown:
            return [None] * len(names)
        generation = self._generation
        found = dict(zip(unknown, await read(unknown), strict=True))
        self.remember_absent(
            (name for name, value in found.items() if value is None and self.covers(name)), generation
        )
        return [found.get(name) for name in names]

    def written(self, name: str) -> str:
        """Call before writing ``name``; returns it. The writer's own reads see its write at once."""
        self.forget((name,))
        return name

    def generation(self) -> int:
        """Take before reading Redis; pass to ``remember_absent`` with what the read found."""
        return self._generation

    def remember_absent(self, names: Iterable[str], generation: int) -> None:
        if not self.live or generation != self._generation:
            return  # an announcement arrived while the read was in flight: it may be stale
        for name in names:
            if len(self._absent) >= self._max_entries:
                del self._absent[next(iter(self._absent))]
            self._absent[name] = None

    def forget(self, names: Iterable[str]) -> None:
        self._generation += 1
        for name in names:
            self._absent.pop(name, None)

    def forget_all(self) -> None:
        self._generation += 1
        self._absent.clear()

    async def track(self, url: str) -> None:
        """Keep the tracking connection up until cancelled (run it as a background task)."""
        failures = 0
        while True:
            started = time.monotonic()
            try:
                await self._follow_announcements(url)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # any failure: drop everything, reconnect after a pause
                self.live = False
                self.forget_all()
                # Back off while connecting keeps failing; start over after a connection that held.
                failures = 0 if time.monotonic() - started > 2 * HEARTBEAT_SECONDS else failures
                pause = RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)]
                failures += 1
                log.warning("redis key tracking lost (%s); reads go to redis, retry in %ss", error, pause)
                await asyncio.sleep(pause)

    async def _follow_announcements(self, url: str) -> None:
        # RESP2 so invalidations arrive as ordinary pub/sub messages on this one connection.
        client = Redis.from_url(
            url,
            protocol=2,
            single_connection_client=True,
            socket_timeout=None,  # reads wait for announcements; the heartbeat bounds silence
            socket_connect_timeout=HEARTBEAT_SECONDS,
        )
        try:
            client_id = await client.client_id()
            await client.client_tracking_on(clientid=client_id, bcast=True, prefix=list(self.prefixes))
            connection = client.connection
            assert connection is not None  # single_connection_client connects on first command
            await connection.send_command("SUBSCRIBE", INVALIDATION_CHANNEL)
            await connection.read_response()
            self.forget_all()
            self.live = True
            heartbeat = asyncio.create_task(_ping_every(connection, HEARTBEAT_SECONDS))
            try:
                await self._read_until_silent(connection)
            finally:
                heartbeat.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await heartbeat
        finally:
            self.live = False
            self.forget_all()
            await client.aclose()

    async def _read_until_silent(self, connection: AbstractConnection) -> None:
        """Answers to our own PINGs prove the connection alive; silence past two beats ends it."""
        while True:
            message = await asyncio.wait_for(
                connection.read_response(timeout=None), timeout=2 * HEARTBEAT_SECONDS
            )
            if isinstance(message, list) and message and as_bytes(message[0]) == b"message":
                keys = message[2]
                if keys is None:  # FLUSHDB / FLUSHALL
                    self.forget_all()
                else:
                    self.forget(as_bytes(key).decode() for key in keys)


async def _ping_every(connection: AbstractConnection, seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        await connection.send_command("PING")
