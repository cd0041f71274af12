"""Property: whatever sequence of movements arrives, the level equals the ledger's sum and never
goes negative; a movement that would overdraw changes nothing (SQLite, the real unit of work)."""

import asyncio
import uuid
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.db.engine import create_engine, session_factory
from adapters.db.logistics.uow import SqlLogisticsUnitOfWork
from adapters.db.migrate import upgrade
from adapters.db.settings import DatabaseSettings
from adapters.system.clock import SystemClock, Uuid7IdGenerator
from core.domain.audit.model import Actor, Invocation
from core.domain.logistics.model import InsufficientStock, MovementKind
from core.domain.logistics.use_cases.catalogue import CreateProduct, CreateWarehouse, NewProduct, NewWarehouse
from core.domain.logistics.use_cases.stock import NewMovement, RecordMovement

OPS = Invocation(actor=Actor(id="ops-1", kind="user", role="ops"))
QUANTITIES = st.lists(st.integers(min_value=-15, max_value=15).filter(bool), min_size=1, max_size=25)


def test_levels_equal_the_ledger_and_never_go_negative(tmp_path: Path) -> None:
    database = DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path / 'bhiv.db'}")
    asyncio.run(upgrade(database))

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(quantities=QUANTITIES)
    def sequence(quantities: list[int]) -> None:
        asyncio.run(apply(database, quantities))

    sequence()


async def apply(database: DatabaseSettings, quantities: list[int]) -> None:
    engine = create_engine(database)
    clock, ids = SystemClock(), Uuid7IdGenerator()

    def uow() -> SqlLogisticsUnitOfWork:
        return SqlLogisticsUnitOfWork(session_factory(engine), clock, audit_chain="logistics", ids=ids)

    try:
        sku = f"P-{uuid.uuid4().hex[:10].upper()}"
        product = await CreateProduct(uow(), clock, ids).execute(
            NewProduct(sku=sku, name="Lamp", unit_price=Decimal("3"), currency="INR"), OPS
        )
        warehouse = await CreateWarehouse(uow(), clock, ids).execute(
            NewWarehouse(code=f"W-{uuid.uuid4().hex[:8].upper()}", name="Nagpur"), OPS
        )
        expected = 0
        for quantity in quantities:
            kind = MovementKind.RECEIVE if quantity > 0 else MovementKind.ADJUST
            command = NewMovement(
                kind=kind, product_id=product.id, warehouse_id=warehouse.id, quantity=quantity, reason="count"
            )
            try:
                await RecordMovement(uow(), clock, ids).execute(command, OPS)
                expected += quantity
            except InsufficientStock:
                assert expected + quantity < 0, "refused only when it would overdraw"
            async with uow() as reading:
                level = await reading.stock.lock(product.id, warehouse.id)
                ledger = await reading.movements.totals(product.id, warehouse.id)
            assert level.on_hand == ledger == expected
            assert level.on_hand >= 0
    finally:
        await engine.dispose()
