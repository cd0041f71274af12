"""Admins page through the active blocks (ListBlocks) on the in-process and the Redis blocklist."""

import pytest

from core.domain.errors import RuleViolated
from core.domain.threat.admin import ListBlocks
from core.ports.blocklist import Blocklist
from core.ports.pagination import PageRequest
from tests.contracts.redis_fixtures import *  # noqa: F403

SUBJECTS = ["203.0.113.9", "user:0190-a", "198.51.100.4", "client:etl", "203.0.113.10"]


async def block_all(blocklist: Blocklist, subjects: list[str]) -> None:
    for n, subject in enumerate(subjects):
        await blocklist.block(subject, reason="test", ttl_seconds=60 + n)


async def test_pages_visit_every_active_block_once_ordered_by_subject(blocklist: Blocklist) -> None:
    await block_all(blocklist, SUBJECTS)
    await blocklist.block("192.0.2.1", reason="gone", ttl_seconds=60)
    await blocklist.unblock("192.0.2.1")

    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await ListBlocks(blocklist).execute(PageRequest(limit=2, after=cursor))
        seen += [block.subject for block in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == sorted(SUBJECTS)


async def test_blocks_that_come_and_go_between_pages_do_not_move_the_others(blocklist: Blocklist) -> None:
    await block_all(blocklist, SUBJECTS)
    first = await ListBlocks(blocklist).execute(PageRequest(limit=2))

    await blocklist.unblock(first.items[0].subject)
    await blocklist.block("100.64.0.1", reason="sorts before every page", ttl_seconds=60)
    await blocklist.block(first.items[1].subject, reason="extended", ttl_seconds=3600)
    rest = await ListBlocks(blocklist).execute(PageRequest(limit=200, after=first.next_cursor))

    assert [block.subject for block in first.items + rest.items] == sorted(SUBJECTS)


async def test_a_cursor_nobody_issued_is_refused(blocklist: Blocklist) -> None:
    with pytest.raises(RuleViolated, match="cursor"):
        await ListBlocks(blocklist).execute(PageRequest(after="not-a-cursor"))
