"""Property: whatever sequence of movements, reservations, shipments and cancellations arrives,
on hand equals the ledger's sum, reserved equals what reserved orders hold, nothing goes negative,
and a refused step changes nothing (SQLite, the real unit of work)."""

import asyncio
from pathlib import Path
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.db.engine import create_engine, session_factory
from adapters.db.migrate import upgrade
from adapters.db.settings import DatabaseSettings
from core.domain.errors import InvalidTransition
from core.domain.logistics.model import InsufficientStock, MovementKind
from core.domain.logistics.orders import OrderStatus
from tests.contracts.logistics_kit import Kit

Step = tuple[str, int]
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("move"), st.integers(min_value=-15, max_value=15).filter(bool)),
        st.tuples(st.just("order"), st.integers(min_value=1, max_value=8)),
        st.tuples(st.sampled_from(["reserve", "ship", "cancel"]), st.integers(min_value=0, max_value=9)),
    ),
    min_size=1,
    max_size=30,
)


def test_levels_equal_the_ledger_and_the_reservations_and_never_go_negative(tmp_path: Path) -> None:
    database = DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path / 'bhiv.db'}")
    asyncio.run(upgrade(database))

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(steps=STEPS)
    def sequence(steps: list[Step]) -> None:
        asyncio.run(apply(database, steps))

    sequence()


async def apply(database: DatabaseSettings, steps: list[Step]) -> None:
    engine = create_engine(database)
    kit = Kit(SimpleNamespace(sessions=session_factory(engine)))  # type: ignore[arg-type]
    try:
        product, warehouse = await kit.product(), await kit.warehouse()
        on_hand, orders = 0, {}  # order id -> (quantity, status) as the model expects them
        for action, number in steps:
            if action == "move":
                kind = MovementKind.RECEIVE if number > 0 else MovementKind.ADJUST
                try:
                    await kit.move(product, warehouse, number, kind)
                    on_hand += number
                except InsufficientStock:
                    assert on_hand + number < _reserved(orders), "refused only when it would overdraw"
            elif action == "order":
                placed = await kit.order(warehouse, (product, number))
                orders[placed.id] = (number, OrderStatus.PENDING)
            elif orders:
                order_id = list(orders)[number % len(orders)]
                quantity, _ = orders[order_id]
                try:
                    changed = await getattr(kit, action)(order_id)
                except InsufficientStock:
                    assert on_hand - _reserved(orders) < quantity
                    continue
                except InvalidTransition:
                    continue
                if action == "ship":
                    on_hand -= quantity
                orders[order_id] = (quantity, changed.status)
            level = await kit.level(product, warehouse)
            assert level.on_hand == await kit.ledger(product, warehouse) == on_hand
            assert level.reserved == _reserved(orders)
            assert 0 <= level.reserved <= level.on_hand
    finally:
        await engine.dispose()


def _reserved(orders: dict[str, tuple[int, OrderStatus]]) -> int:
    return sum(quantity for quantity, status in orders.values() if status is OrderStatus.RESERVED)
