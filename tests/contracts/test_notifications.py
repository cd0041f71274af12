"""Inbound receipts and the notifiers' routing on the real unit of work (SQLite and PostgreSQL):
a replayed webhook-id is refused until it expires, an event routed by racing replicas makes one
notification per channel, and a group's window lets one event through (decision 0041)."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from sqlalchemy import delete

from adapters.db.notifications.tables import channels, notifications, rules, throttles
from adapters.db.notifications.uow import SqlNotificationsUnitOfWork
from adapters.db.webhooks.tables import inbound_receipts
from adapters.db.webhooks.uow import SqlWebhooksUnitOfWork
from adapters.system.clock import Uuid7IdGenerator
from core.domain.notifications.model import Channel, ChannelKind, NotificationStatus, Rule
from core.domain.notifications.routing import RouteEvent
from core.ports.events import Event
from core.ports.pagination import PageRequest
from tests.contracts.db_fixtures import Database
from tests.support.fake_clock import FakeClock

ids = Uuid7IdGenerator()


@pytest.fixture
async def clean(database: Database) -> Database:
    async with database.engine.begin() as connection:  # PostgreSQL's database lives for the session
        for table in (inbound_receipts, notifications, throttles, rules, channels):
            await connection.execute(delete(table))
    return database


async def test_a_receipt_refuses_its_replay_until_it_expires(clean: Database) -> None:
    now = datetime.now(UTC)

    async def add(message_id: str, at: datetime) -> bool:
        async with SqlWebhooksUnitOfWork(clean.sessions, FakeClock(at)) as uow:
            await uow.receipts.purge_expired(at)
            added = await uow.receipts.add_if_absent("bluedart", message_id, now + timedelta(seconds=300))
            await uow.commit()
        return added

    first = await asyncio.gather(*(add("msg_1", now) for _ in range(3)))
    other_carrier_same_id = await add("msg_2", now)
    after_expiry = await add("msg_1", now + timedelta(seconds=301))

    assert sorted(first) == [False, False, True]
    assert other_carrier_same_id is True
    assert after_expiry is True


def threat_block(ip: str, at: datetime) -> Event:
    payload = json.dumps({"type": "threat.ip_blocked", "ip": ip, "kind": "sqli", "block_seconds": 300.0,
                          "threat_event_id": "t"}).encode()  # fmt: skip
    return Event(id=ids.new_id(), type="threat.ip_blocked", payload=payload, occurred_at=at)


async def test_racing_replicas_route_an_event_once_and_a_window_lets_one_event_per_group_through(
    clean: Database,
) -> None:
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    now = clock.now()
    uow = SqlNotificationsUnitOfWork(clean.sessions, clock)
    async with uow:
        for channel_id in ("c-1", "c-2"):
            made = Channel(id=channel_id, name=channel_id, kind=ChannelKind.SLACK, security=True,
                           config=b"sealed", created_by="a", created_at=now)  # fmt: skip
            await uow.channels.add(made)
        blocks = Rule(id="r-1", name="blocks", events=("threat.*",), channel_ids=("c-1", "c-2"),
                      group_by=("ip",), repeat_seconds=60, created_by="a", created_at=now)  # fmt: skip
        await uow.rules.add(blocks)
        await uow.commit()

    def route() -> RouteEvent:
        return RouteEvent(SqlNotificationsUnitOfWork(clean.sessions, clock), clock, ids)

    first = threat_block("203.0.113.7", now)
    raced = await asyncio.gather(*(route().execute(first) for _ in range(3)))
    same_ip = await route().execute(threat_block("203.0.113.7", now))
    other_ip = await route().execute(threat_block("203.0.113.8", now))
    clock.advance(61)
    later = await route().execute(threat_block("203.0.113.7", clock.now()))
    async with SqlNotificationsUnitOfWork(clean.sessions, clock) as reading:
        made = (await reading.notifications.page(None, PageRequest(limit=50))).items

    async with SqlNotificationsUnitOfWork(clean.sessions, clock) as purging:
        nothing_yet = await purging.notifications.purge_finished(now + timedelta(days=1))  # all pending
        sent = msgspec.structs.replace(made[0], status=NotificationStatus.SENT, sent_at=now)
        await purging.notifications.settle(sent)
        purged = await purging.notifications.purge_finished(now + timedelta(days=1))
        left = (await purging.notifications.page(None, PageRequest(limit=50))).items
        await purging.commit()

    assert (nothing_yet, purged, len(left)) == (0, 1, 5)
    assert sorted(raced) == [0, 0, 2]
    assert (same_ip, other_ip, later) == (0, 2, 2)
    assert sorted(n.group_key for n in made) == ["ip=203.0.113.7"] * 4 + ["ip=203.0.113.8"] * 2
