"""Contract of EventBus (at-least-once, streams with consumer groups), for every adapter."""

import asyncio

import pytest

from core.ports.events import EventBus
from tests.contracts.redis_fixtures import *  # noqa: F403
from tests.contracts.redis_fixtures import make_event

SOON = 30.0
"""A bound for what happens at once or after a fraction of a second: generous, for a busy machine."""


async def test_every_group_gets_every_event(event_bus: EventBus) -> None:
    for group in ("webhooks", "audit"):
        await event_bus.ensure_group("orders", group)
    for number in range(3):
        await event_bus.publish("orders", make_event(number))

    for group in ("webhooks", "audit"):
        deliveries = await event_bus.consume("orders", group, "worker-1")
        assert [d.event for d in deliveries] == [make_event(n) for n in range(3)]


async def test_events_arrive_intact_in_publish_order_with_the_published_ids(event_bus: EventBus) -> None:
    await event_bus.ensure_group("orders", "g")
    events = [make_event(number) for number in range(20)]
    ids = [await event_bus.publish("orders", event) for event in events]

    deliveries = await event_bus.consume("orders", "g", "c", count=100)

    assert [d.event for d in deliveries] == events
    assert [d.message_id for d in deliveries] == ids
    assert all(d.attempt == 1 for d in deliveries)


async def test_a_group_created_after_publishing_reads_from_the_start(event_bus: EventBus) -> None:
    await event_bus.publish("orders", make_event(1))
    await event_bus.ensure_group("orders", "late")

    assert [d.event for d in await event_bus.consume("orders", "late", "c")] == [make_event(1)]


async def test_within_a_group_each_event_goes_to_exactly_one_consumer(event_bus: EventBus) -> None:
    await event_bus.ensure_group("orders", "g")
    for number in range(10):
        await event_bus.publish("orders", make_event(number))

    first = await event_bus.consume("orders", "g", "c1", count=4)
    second = await event_bus.consume("orders", "g", "c2", count=100)
    third = await event_bus.consume("orders", "g", "c1", count=100)

    ids = [d.event.id for d in first + second + third]
    assert sorted(ids) == sorted(make_event(n).id for n in range(10))
    assert len(first) == 4
    assert third == []


async def test_concurrent_consumers_of_a_group_never_share_an_event(event_bus: EventBus) -> None:
    await event_bus.ensure_group("orders", "g")
    for number in range(30):
        await event_bus.publish("orders", make_event(number))

    batches = await asyncio.gather(*(event_bus.consume("orders", "g", f"c{i}", count=4) for i in range(10)))

    ids = [d.event.id for batch in batches for d in batch]
    assert len(ids) == len(set(ids)) == 30


async def test_an_unacked_event_is_redelivered_after_the_timeout_as_attempt_2(event_bus: EventBus) -> None:
    await event_bus.ensure_group("orders", "g")
    await event_bus.publish("orders", make_event(1))
    [first] = await event_bus.consume("orders", "g", "c1", redeliver_after_seconds=0.2)

    assert await event_bus.consume("orders", "g", "c2", redeliver_after_seconds=3600) == []  # not yet
    await asyncio.sleep(0.3)
    [again] = await event_bus.consume("orders", "g", "c2", redeliver_after_seconds=0.2)

    assert (again.message_id, again.event, again.attempt) == (first.message_id, first.event, 2)


async def test_redelivered_events_come_before_new_ones(event_bus: EventBus) -> None:
    await event_bus.ensure_group("orders", "g")
    await event_bus.publish("orders", make_event(1))
    await event_bus.consume("orders", "g", "c1")
    await event_bus.publish("orders", make_event(2))
    await asyncio.sleep(0.3)

    deliveries = await event_bus.consume("orders", "g", "c2", redeliver_after_seconds=0.2)

    assert [(d.event.id, d.attempt) for d in deliveries] == [("event-1", 2), ("event-2", 1)]


async def test_an_acked_event_is_not_redelivered(event_bus: EventBus) -> None:
    await event_bus.ensure_group("orders", "g")
    await event_bus.publish("orders", make_event(1))
    [delivery] = await event_bus.consume("orders", "g", "c1", redeliver_after_seconds=0.2)

    await event_bus.ack("orders", "g", [delivery.message_id])
    await asyncio.sleep(0.3)

    assert await event_bus.consume("orders", "g", "c1", redeliver_after_seconds=0.2) == []


async def test_ack_in_one_group_leaves_the_other_group_pending(event_bus: EventBus) -> None:
    for group in ("a", "b"):
        await event_bus.ensure_group("orders", group)
    await event_bus.publish("orders", make_event(1))
    [in_a] = await event_bus.consume("orders", "a", "c", redeliver_after_seconds=0.2)
    await event_bus.consume("orders", "b", "c", redeliver_after_seconds=0.2)

    await event_bus.ack("orders", "a", [in_a.message_id])
    await asyncio.sleep(0.3)

    assert await event_bus.consume("orders", "a", "c", redeliver_after_seconds=0.2) == []
    assert len(await event_bus.consume("orders", "b", "c", redeliver_after_seconds=0.2)) == 1


async def test_ensure_group_is_idempotent_and_keeps_the_group_position(event_bus: EventBus) -> None:
    await event_bus.ensure_group("orders", "g")
    await event_bus.publish("orders", make_event(1))
    await event_bus.consume("orders", "g", "c")

    await event_bus.ensure_group("orders", "g")

    assert await event_bus.consume("orders", "g", "c") == []


async def test_consume_on_a_missing_group_raises_lookup_error(event_bus: EventBus) -> None:
    await event_bus.publish("orders", make_event(1))

    with pytest.raises(LookupError):
        await event_bus.consume("orders", "nobody", "c")


async def test_consume_waits_up_to_block_seconds_when_nothing_arrives(event_bus: EventBus) -> None:
    await event_bus.ensure_group("orders", "g")
    loop = asyncio.get_running_loop()
    started = loop.time()

    deliveries = await asyncio.wait_for(event_bus.consume("orders", "g", "c", block_seconds=0.3), SOON)

    assert deliveries == []
    assert loop.time() - started >= 0.25


async def test_consume_wakes_as_soon_as_an_event_arrives(event_bus: EventBus) -> None:
    await event_bus.ensure_group("orders", "g")
    loop = asyncio.get_running_loop()
    started = loop.time()

    async def publish_soon() -> None:
        await asyncio.sleep(0.1)
        await event_bus.publish("orders", make_event(1))

    publisher = asyncio.create_task(publish_soon())
    deliveries = await event_bus.consume("orders", "g", "c", block_seconds=2 * SOON)
    await publisher

    assert [d.event for d in deliveries] == [make_event(1)]
    assert loop.time() - started < SOON, "it woke for the event, long before its block time ran out"


async def test_consume_without_block_seconds_returns_at_once(event_bus: EventBus) -> None:
    await event_bus.ensure_group("orders", "g")

    # Nothing will ever be published: a consume that blocked (BLOCK 0 is "forever" to Redis)
    # would never return.
    assert await asyncio.wait_for(event_bus.consume("orders", "g", "c"), SOON) == []
