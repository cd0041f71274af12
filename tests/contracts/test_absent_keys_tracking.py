"""Remembered absences on real Redis: a write anywhere ends them at once, a lost tracking
connection forgets them all, and until tracking is up nothing is remembered."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

from adapters.redis.absent_keys import AbsentKeys
from adapters.redis.blocklist import RedisBlocklist, blocklist_subject_prefix
from adapters.redis.client import RedisClient, create_redis_client
from adapters.redis.kv import RedisKeyValueStore, kv_key_prefix
from adapters.redis.settings import RedisSettings

pytestmark = pytest.mark.redis


@dataclass
class Tracked:
    """One process's tracked store and blocklist, and another process's untracked ones."""

    absent: AbsentKeys
    kv: RedisKeyValueStore
    blocklist: RedisBlocklist
    other_kv: RedisKeyValueStore
    other_blocklist: RedisBlocklist
    client: RedisClient
    key_prefix: str


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 30.0) -> None:
    """Returns as soon as ``check`` holds; fails after ``within`` (generous: a busy machine may
    take its time delivering an announcement, and that is not what these tests are about)."""
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < within, "condition never held"
        await asyncio.sleep(0.005)


@pytest.fixture
async def tracked(redis_url: str) -> AsyncIterator[Tracked]:
    prefix = f"bhiv-test:{uuid.uuid4().hex}:"
    client = create_redis_client(RedisSettings(url=redis_url, key_prefix=prefix))
    absent = AbsentKeys([kv_key_prefix(prefix) + "revoked-", blocklist_subject_prefix(prefix)])
    tracking = asyncio.create_task(absent.track(redis_url))
    await eventually(lambda: asyncio.sleep(0, absent.live))
    yield Tracked(
        absent,
        RedisKeyValueStore(client, key_prefix=prefix, absent_keys=absent),
        RedisBlocklist(client, key_prefix=prefix, absent_keys=absent),
        RedisKeyValueStore(client, key_prefix=prefix),
        RedisBlocklist(client, key_prefix=prefix),
        client,
        prefix,
    )
    tracking.cancel()
    async for key in client.scan_iter(match=f"{prefix}*"):
        await client.delete(key)
    await client.aclose()


async def test_an_absent_key_is_remembered_and_a_write_elsewhere_ends_it_at_once(tracked: Tracked) -> None:
    written, untouched = (
        kv_key_prefix(tracked.key_prefix) + key for key in ("revoked-jti:abc", "revoked-before:u1")
    )
    assert await tracked.kv.get_many(["revoked-jti:abc", "revoked-before:u1"]) == [None, None]
    assert tracked.absent.is_absent(written)

    await tracked.other_kv.set("revoked-jti:abc", b"1", ttl_seconds=60)

    # Nothing but the announcement of that write forgets it (absences never expire), and only
    # it: the other absence stays, so the tracking connection was not lost meanwhile.
    await eventually(lambda: asyncio.sleep(0, not tracked.absent.is_absent(written)))
    assert tracked.absent.is_absent(untouched)
    assert await tracked.kv.get("revoked-jti:abc") == b"1"


async def test_keys_outside_the_tracked_prefixes_are_never_remembered(tracked: Tracked) -> None:
    assert await tracked.kv.get("sessions:xyz") is None

    assert not tracked.absent.is_absent(kv_key_prefix(tracked.key_prefix) + "sessions:xyz")


async def test_a_write_by_this_process_is_read_back_immediately(tracked: Tracked) -> None:
    assert await tracked.kv.get("revoked-before:u2") is None

    await tracked.kv.set("revoked-before:u2", b"123.0")

    assert await tracked.kv.get("revoked-before:u2") == b"123.0"


async def test_a_block_made_by_another_gateway_is_honoured_as_soon_as_redis_announces_it(
    tracked: Tracked,
) -> None:
    assert await tracked.blocklist.get("203.0.113.9") is None

    await tracked.other_blocklist.block("203.0.113.9", reason="sqli", ttl_seconds=60)

    await eventually(lambda: _is_blocked(tracked.blocklist, "203.0.113.9"))
    await tracked.other_blocklist.unblock("203.0.113.9")
    await eventually(lambda: _is_unblocked(tracked.blocklist, "203.0.113.9"))


async def test_losing_the_tracking_connection_forgets_everything_until_it_is_back(
    tracked: Tracked,
) -> None:
    assert await tracked.blocklist.get("198.51.100.4") is None
    assert tracked.absent.is_absent(blocklist_subject_prefix(tracked.key_prefix) + "198.51.100.4")

    # The tracking connection is the only subscriber here; a block made while it is down is
    # never announced to us, so only forgetting on loss keeps the absence from going stale.
    await tracked.client.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
    await tracked.other_blocklist.block("198.51.100.4", reason="scan", ttl_seconds=60)

    await eventually(lambda: _is_blocked(tracked.blocklist, "198.51.100.4"))
    await eventually(lambda: asyncio.sleep(0, tracked.absent.live))


async def _is_blocked(blocklist: RedisBlocklist, subject: str) -> bool:
    return await blocklist.get(subject) is not None


async def _is_unblocked(blocklist: RedisBlocklist, subject: str) -> bool:
    return await blocklist.get(subject) is None
