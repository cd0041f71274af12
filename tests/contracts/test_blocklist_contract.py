"""Contract of Blocklist, for every adapter."""

import asyncio
from datetime import UTC, datetime, timedelta

from core.ports.blocklist import Blocklist
from tests.contracts.redis_fixtures import *  # noqa: F403


async def test_a_block_is_returned_with_its_reason_and_times(blocklist: Blocklist) -> None:
    before = datetime.now(UTC)

    block = await blocklist.block("203.0.113.7", reason="sql injection", ttl_seconds=60)

    assert block.subject == "203.0.113.7"
    assert block.reason == "sql injection"
    assert before - timedelta(seconds=1) <= block.created_at <= datetime.now(UTC)
    assert abs(block.expires_at - block.created_at - timedelta(seconds=60)) < timedelta(seconds=0.01)
    assert await blocklist.get("203.0.113.7") == block


async def test_an_unblocked_subject_reads_as_none(blocklist: Blocklist) -> None:
    assert await blocklist.get("198.51.100.1") is None


async def test_unblock_lifts_the_block_and_says_whether_there_was_one(blocklist: Blocklist) -> None:
    await blocklist.block("user:42", reason="brute force", ttl_seconds=60)

    assert await blocklist.unblock("user:42") is True
    assert await blocklist.get("user:42") is None
    assert await blocklist.unblock("user:42") is False
    assert await blocklist.list_active() == []


async def test_a_block_ends_by_itself(blocklist: Blocklist) -> None:
    await blocklist.block("203.0.113.7", reason="scan", ttl_seconds=0.2)

    await asyncio.sleep(0.3)

    assert await blocklist.get("203.0.113.7") is None
    assert await blocklist.list_active() == []
    assert await blocklist.unblock("203.0.113.7") is False


async def test_blocking_again_replaces_the_earlier_block(blocklist: Blocklist) -> None:
    await blocklist.block("203.0.113.7", reason="scan", ttl_seconds=0.2)
    second = await blocklist.block("203.0.113.7", reason="repeat offender", ttl_seconds=60)

    await asyncio.sleep(0.3)

    assert await blocklist.get("203.0.113.7") == second
    assert await blocklist.list_active() == [second]


async def test_list_active_holds_only_unexpired_blocks_soonest_end_first(blocklist: Blocklist) -> None:
    later = await blocklist.block("a", reason="r", ttl_seconds=120)
    sooner = await blocklist.block("b", reason="r", ttl_seconds=60)
    await blocklist.block("c", reason="r", ttl_seconds=0.2)

    await asyncio.sleep(0.3)

    assert await blocklist.list_active() == [sooner, later]


async def test_subjects_may_contain_any_characters(blocklist: Blocklist) -> None:
    subject = "user:{weird} name/✓"

    block = await blocklist.block(subject, reason="r", ttl_seconds=60)

    assert await blocklist.get(subject) == block
    assert await blocklist.list_active() == [block]
