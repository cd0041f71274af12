"""Sales orders on the real unit of work (SQLite and PostgreSQL): reservations are all-or-nothing
and cannot oversell under concurrency, shipping goes through the ledger, cancelling releases."""

import asyncio
import uuid

import pytest
from sqlalchemy import select

from adapters.db.logistics.tables import movements
from adapters.db.tables import audit_log, outbox
from adapters.system.clock import SystemClock
from core.domain.access import Principal, Role, permissions_for
from core.domain.audit.model import Actor, Invocation
from core.domain.errors import InvalidTransition, NotFound, PreconditionFailed, RuleViolated
from core.domain.logistics.model import CustomerErased, InsufficientStock, MovementKind
from core.domain.logistics.orders import OrderStatus
from core.domain.logistics.use_cases.customers import RecordCustomerErased
from core.domain.logistics.use_cases.orders import GetOrder, NewOrder, NewOrderLine, PlaceOrder, ReserveOrder
from tests.contracts.db_fixtures import Database
from tests.contracts.logistics_kit import OPS, OPS_PRINCIPAL, Kit

CRM_ERASURE = Invocation(actor=Actor.system("crm-erasure"))


def customer(customer_id: str) -> Principal:
    return Principal(subject=f"user-{customer_id}", kind="user", role=Role.CUSTOMER,
                     permissions=permissions_for(Role.CUSTOMER), customer_id=customer_id)  # fmt: skip


async def test_fifty_concurrent_reservations_of_one_against_ten_reserve_ten(
    database: Database,
) -> None:
    kit = Kit(database)
    product, warehouse = await kit.product(), await kit.warehouse()
    await kit.move(product, warehouse, 10, MovementKind.RECEIVE)
    orders = [await kit.order(warehouse, (product, 1)) for _ in range(50)]

    outcomes = await asyncio.gather(*(kit.reserve(order.id) for order in orders), return_exceptions=True)

    reserved = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, InsufficientStock)]
    assert (len(reserved), len(refused)) == (10, 40), outcomes
    level = await kit.level(product, warehouse)
    assert (level.on_hand, level.reserved, level.available) == (10, 10, 0)


async def test_a_reservation_holds_every_line_or_none(database: Database) -> None:
    kit = Kit(database)
    plenty, scarce, warehouse = await kit.product(), await kit.product(), await kit.warehouse()
    await kit.move(plenty, warehouse, 10, MovementKind.RECEIVE)
    await kit.move(scarce, warehouse, 1, MovementKind.RECEIVE)
    order = await kit.order(warehouse, (plenty, 5), (scarce, 2))

    with pytest.raises(InsufficientStock, match="only 1 available"):
        await kit.reserve(order.id)

    assert (await kit.level(plenty, warehouse)).reserved == 0
    assert (await kit.level(scarce, warehouse)).reserved == 0
    async with kit.uow() as uow:
        assert (await uow.orders.get(order.id)).status is OrderStatus.PENDING  # type: ignore[union-attr]


async def test_shipping_books_the_ledger_and_cancelling_releases_the_reservation(database: Database) -> None:
    kit = Kit(database)
    product, warehouse = await kit.product(), await kit.warehouse()
    await kit.move(product, warehouse, 10, MovementKind.RECEIVE)
    shipped, cancelled = await kit.order(warehouse, (product, 3)), await kit.order(warehouse, (product, 4))
    await kit.reserve(shipped.id)
    await kit.reserve(cancelled.id)

    after_ship = await kit.ship(shipped.id)
    after_cancel = await kit.cancel(cancelled.id)

    assert (after_ship.status, after_cancel.status) == (OrderStatus.SHIPPED, OrderStatus.CANCELLED)
    level = await kit.level(product, warehouse)
    assert (level.on_hand, level.reserved, level.available) == (7, 0, 7)
    assert await kit.ledger(product, warehouse) == 7
    booked = select(movements.c.kind, movements.c.quantity).where(
        movements.c.reference == f"order:{shipped.id}"
    )
    async with database.engine.connect() as connection:
        assert [tuple(row) for row in await connection.execute(booked)] == [("ship", -3)]


async def test_illegal_actions_name_what_is_allowed_and_change_nothing(database: Database) -> None:
    kit = Kit(database)
    product, warehouse = await kit.product(), await kit.warehouse()
    await kit.move(product, warehouse, 5, MovementKind.RECEIVE)
    order = await kit.order(warehouse, (product, 1))

    with pytest.raises(InvalidTransition) as refused:
        await kit.ship(order.id)
    await kit.cancel(order.id)
    with pytest.raises(InvalidTransition):
        await kit.reserve(order.id)

    assert refused.value.extensions == {"allowed": ["reserve", "cancel"]}
    assert (await kit.level(product, warehouse)).reserved == 0


async def test_a_stale_version_is_refused(database: Database) -> None:
    kit = Kit(database)
    product, warehouse = await kit.product(), await kit.warehouse()
    await kit.move(product, warehouse, 5, MovementKind.RECEIVE)
    order = await kit.order(warehouse, (product, 1))
    reserve = ReserveOrder(kit.uow(), kit.clock, kit.ids)

    with pytest.raises(PreconditionFailed):
        await reserve.execute(order.id, OPS_PRINCIPAL, OPS, expected_version=order.version + 1)
    reserved = await ReserveOrder(kit.uow(), kit.clock, kit.ids).execute(
        order.id, OPS_PRINCIPAL, OPS, expected_version=order.version
    )

    assert reserved.version == order.version + 1


async def test_a_customer_orders_for_themself_and_never_sees_anothers_order(
    database: Database,
) -> None:
    kit = Kit(database)
    product, warehouse = await kit.product(), await kit.warehouse()
    place = PlaceOrder(kit.uow(), kit.clock, kit.ids)
    mine = NewOrder(warehouse_id=warehouse, lines=[NewOrderLine(product_id=product, quantity=2)])

    order = await place.execute(mine, customer("c-ana"), OPS)
    with pytest.raises(RuleViolated, match="customer_id"):
        await PlaceOrder(kit.uow(), kit.clock, kit.ids).execute(
            NewOrder(customer_id="c-ben", warehouse_id=warehouse, lines=mine.lines), customer("c-ana"), OPS
        )

    assert order.customer_id == "c-ana"
    assert (await GetOrder(kit.uow()).execute(order.id, customer("c-ana"))).id == order.id
    with pytest.raises(NotFound):
        await GetOrder(kit.uow()).execute(order.id, customer("c-ben"))


async def test_each_step_is_audited_and_published_in_its_transaction(database: Database) -> None:
    kit = Kit(database)
    product, warehouse = await kit.product(reorder_point=5), await kit.warehouse()
    await kit.move(product, warehouse, 6, MovementKind.RECEIVE)
    order = await kit.order(warehouse, (product, 2))

    await kit.reserve(order.id)
    await kit.ship(order.id)

    async with database.engine.connect() as connection:
        audited = (
            await connection.execute(select(audit_log.c.action).where(audit_log.c.resource_id == order.id))
        ).all()
        events = (await connection.execute(select(outbox.c.event_type, outbox.c.payload))).all()
    assert [row.action for row in audited] == ["create", "reserve", "ship"]
    mine = [
        row.event_type
        for row in events
        if order.id.encode() in row.payload or product.encode() in row.payload
    ]
    for expected in ("logistics.order_placed", "logistics.order_reserved", "logistics.stock_low",
                     "logistics.order_shipped", "logistics.stock_moved"):  # fmt: skip
        assert expected in mine


async def test_a_nul_character_is_refused_as_input_not_failed_on(database: Database) -> None:
    kit = Kit(database)

    with pytest.raises(NotFound if database.settings.is_sqlite else RuleViolated):
        await GetOrder(kit.uow()).execute("order\x00id", OPS_PRINCIPAL)


async def test_a_customer_crm_erased_takes_no_new_orders_and_its_old_ones_stay(database: Database) -> None:
    kit = Kit(database)
    gone, kept = f"cust-{uuid.uuid4().hex}", f"cust-{uuid.uuid4().hex}"
    product, warehouse = await kit.product(), await kit.warehouse()
    earlier = await kit.order(warehouse, (product, 1), customer=gone)
    erased = RecordCustomerErased(kit.uow(), SystemClock())

    assert await erased.execute(gone, CRM_ERASURE) is True
    assert await erased.execute(gone, CRM_ERASURE) is False  # the event came twice

    with pytest.raises(CustomerErased):
        await kit.order(warehouse, (product, 1), customer=gone)
    assert (await kit.order(warehouse, (product, 1), customer=kept)).customer_id == kept
    assert (await GetOrder(kit.uow()).execute(earlier.id, OPS_PRINCIPAL)).customer_id == gone
    async with database.engine.connect() as connection:
        actions = (await connection.execute(
            select(audit_log.c.action).where(audit_log.c.resource_id == gone))).scalars().all()  # fmt: skip
    assert actions == ["customer_erased"]
