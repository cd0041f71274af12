"""Stock kept by the movement ledger on the real unit of work (SQLite and PostgreSQL): levels equal
the ledger, nothing goes negative, and concurrent movements cannot overdraw."""

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import select

from adapters.db.tables import outbox
from core.domain.errors import Conflict, RuleViolated
from core.domain.logistics.model import InsufficientStock, MovementKind
from core.domain.logistics.use_cases.catalogue import CreateProduct, NewProduct
from core.domain.logistics.use_cases.stock import NewTransfer, TransferStock
from tests.contracts.db_fixtures import Database
from tests.contracts.logistics_kit import OPS, Kit


async def test_levels_follow_the_ledger(database: Database) -> None:
    kit = Kit(database)
    product, warehouse = await kit.product(), await kit.warehouse()

    await kit.move(product, warehouse, 10, MovementKind.RECEIVE)
    _, level = await kit.move(product, warehouse, -3)

    assert (level.on_hand, level.reserved, level.available) == (7, 0, 7)
    assert await kit.ledger(product, warehouse) == 7


async def test_nothing_goes_negative_and_a_refused_movement_leaves_no_trace(database: Database) -> None:
    kit = Kit(database)
    product, warehouse = await kit.product(), await kit.warehouse()
    await kit.move(product, warehouse, 2, MovementKind.RECEIVE)

    with pytest.raises(InsufficientStock):
        await kit.move(product, warehouse, -3)

    assert await kit.ledger(product, warehouse) == 2
    async with kit.uow() as uow:
        assert (await uow.stock.lock(product, warehouse)).on_hand == 2


async def test_fifty_concurrent_withdrawals_of_one_against_ten_take_exactly_ten(database: Database) -> None:
    kit = Kit(database)
    product, warehouse = await kit.product(), await kit.warehouse()
    await kit.move(product, warehouse, 10, MovementKind.RECEIVE)

    outcomes = await asyncio.gather(
        *(kit.move(product, warehouse, -1) for _ in range(50)), return_exceptions=True
    )

    assert sum(not isinstance(outcome, BaseException) for outcome in outcomes) == 10
    assert sum(isinstance(outcome, InsufficientStock) for outcome in outcomes) == 40, outcomes
    assert await kit.ledger(product, warehouse) == 0
    async with kit.uow() as uow:
        assert (await uow.stock.lock(product, warehouse)).on_hand == 0


async def test_falling_below_the_reorder_point_publishes_stock_low_once(database: Database) -> None:
    kit = Kit(database)
    product, warehouse = await kit.product(reorder_point=5), await kit.warehouse()
    await kit.move(product, warehouse, 8, MovementKind.RECEIVE)

    await kit.move(product, warehouse, -4)  # 4 left: below 5
    await kit.move(product, warehouse, -1)  # still below: no second alert

    async with database.engine.connect() as connection:
        rows = (
            await connection.execute(select(outbox).where(outbox.c.event_type == "logistics.stock_low"))
        ).all()
    mine = [row for row in rows if product.encode() in row.payload]
    assert len(mine) == 1
    assert b'"suggested_quantity":20' in mine[0].payload


async def test_a_receipt_is_positive_an_adjustment_says_why_and_skus_are_unique(database: Database) -> None:
    kit = Kit(database)
    product, warehouse = await kit.product(), await kit.warehouse()

    with pytest.raises(RuleViolated, match="positive"):
        await kit.move(product, warehouse, -1, MovementKind.RECEIVE)
    with pytest.raises(RuleViolated, match="product_id"):
        await kit.move("no-such-product", warehouse, 1, MovementKind.RECEIVE)
    async with kit.uow() as uow:
        taken = (await uow.products.get(product)).sku  # type: ignore[union-attr]
    duplicate = NewProduct(sku=taken, name="Copy", unit_price=Decimal("1"), currency="INR")
    with pytest.raises(Conflict):
        await CreateProduct(kit.uow(), kit.clock, kit.ids).execute(duplicate, OPS)


async def test_a_transfer_moves_available_stock_as_two_ledger_lines(
    database: Database,
) -> None:
    kit = Kit(database)
    product, pune, nagpur = await kit.product(), await kit.warehouse(), await kit.warehouse()
    await kit.move(product, pune, 5, MovementKind.RECEIVE)
    transfer = TransferStock(kit.uow(), kit.clock, kit.ids)

    command = NewTransfer(product_id=product, from_warehouse_id=pune, to_warehouse_id=nagpur, quantity=3)
    moved = await transfer.execute(command, OPS)
    with pytest.raises(InsufficientStock):
        await TransferStock(kit.uow(), kit.clock, kit.ids).execute(
            NewTransfer(product_id=product, from_warehouse_id=pune, to_warehouse_id=nagpur, quantity=3), OPS
        )

    assert [movement.quantity for movement, _ in moved] == [-3, 3]
    assert moved[0][0].reference == moved[1][0].reference
    assert (await kit.ledger(product, pune), await kit.ledger(product, nagpur)) == (2, 3)
    assert ((await kit.level(product, pune)).on_hand, (await kit.level(product, nagpur)).on_hand) == (2, 3)


async def test_opposite_concurrent_transfers_neither_deadlock_nor_lose_stock(database: Database) -> None:
    kit = Kit(database)
    product, east, west = await kit.product(), await kit.warehouse(), await kit.warehouse()
    await kit.move(product, east, 20, MovementKind.RECEIVE)
    await kit.move(product, west, 20, MovementKind.RECEIVE)

    def leg(source: str, target: str) -> NewTransfer:
        return NewTransfer(product_id=product, from_warehouse_id=source, to_warehouse_id=target, quantity=1)

    await asyncio.gather(*(TransferStock(kit.uow(), kit.clock, kit.ids).execute(leg(a, b), OPS)
                           for a, b in [(east, west), (west, east)] * 10))  # fmt: skip

    assert (await kit.ledger(product, east), await kit.ledger(product, west)) == (20, 20)
