"""RelayOutbox over the real SQL outbox store and the real in-process event bus."""

import asyncio

import pytest

from adapters.db.engine import create_engine
from adapters.db.outbox import SqlOutboxStore
from adapters.memory.events import MemoryEventBus
from adapters.system.clock import SystemClock
from core.domain.messaging.relay import RelayOutbox
from core.ports.errors import Unavailable
from core.ports.events import Event, EventBus
from tests.contracts.db_fixtures import Database, write_events


class FlakyBus(MemoryEventBus):
    """The real in-process bus, made to refuse its Nth publish as a broker outage would."""

    def __init__(self, *, fail_on_publish: int | None = None) -> None:
        super().__init__()
        self._fail_on_publish = fail_on_publish
        self._calls = 0

    async def publish(self, stream: str, event: Event) -> str:
        self._calls += 1
        await asyncio.sleep(0)  # let a concurrent relay interleave here
        if self._calls == self._fail_on_publish:
            raise Unavailable("bus is down")
        return await super().publish(stream, event)


async def published_ids(bus: EventBus, stream: str = "orders") -> list[str]:
    """Everything on ``stream``, in bus order, as a new consumer group sees it."""
    await bus.ensure_group(stream, "inspector")
    deliveries = await bus.consume(stream, "inspector", "i1", count=100_000)
    return [delivery.event.id for delivery in deliveries]


async def relay_until_empty(relay: RelayOutbox) -> None:
    while await relay.execute():
        pass


async def test_the_relay_publishes_every_row_in_the_order_written(database: Database) -> None:
    ids = await write_events(database, 25, stream="orders")
    bus = MemoryEventBus()

    await relay_until_empty(RelayOutbox(database.outbox_store(), bus, owner="r1", batch_size=10))

    assert await published_ids(bus, "orders") == ids
    assert await database.outbox_store().pending_count() == 0


async def test_a_failed_publish_leaves_that_row_and_the_rest_for_the_next_run(
    database: Database,
) -> None:
    ids = await write_events(database, 6)
    bus = FlakyBus(fail_on_publish=3)
    relay = RelayOutbox(database.outbox_store(), bus, owner="r1", batch_size=10, lease_seconds=0)

    assert await relay.execute() == 2
    assert await database.outbox_store().pending_count() == 4

    await relay_until_empty(relay)
    assert await published_ids(bus) == ids


async def test_a_publish_failing_first_in_a_batch_surfaces_as_unavailable(database: Database) -> None:
    await write_events(database, 2)
    relay = RelayOutbox(database.outbox_store(), FlakyBus(fail_on_publish=1), owner="r1")

    with pytest.raises(Unavailable):
        await relay.execute()
    assert await database.outbox_store().pending_count() == 2


async def test_two_concurrent_relays_publish_each_row_exactly_once(database: Database) -> None:
    ids = await write_events(database, 200)
    bus = FlakyBus()
    second_engine = create_engine(database.settings)
    relays = [
        RelayOutbox(database.outbox_store(), bus, owner="r1", batch_size=9),
        RelayOutbox(SqlOutboxStore(second_engine, SystemClock()), bus, owner="r2", batch_size=9),
    ]
    try:
        await asyncio.gather(*(relay_until_empty(relay) for relay in relays))
    finally:
        await second_engine.dispose()

    published = await published_ids(bus)
    assert sorted(published) == sorted(ids)
    assert len(published) == len(set(published))
    assert await database.outbox_store().pending_count() == 0
