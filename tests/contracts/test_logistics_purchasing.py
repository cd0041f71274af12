"""Purchasing on the real unit of work (SQLite and PostgreSQL): a purchase order goes from draft to
closed, its receipts reach stock only through the ledger, never more than was ordered (not even
under concurrency), and each product has at most one preferred supplier."""

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import select

from adapters.db.logistics.tables import movements
from adapters.db.tables import audit_log, outbox
from core.domain.errors import InvalidTransition, NotFound, PreconditionFailed, RuleViolated
from core.domain.logistics.model import MovementKind
from core.domain.logistics.purchasing import OverReceipt, PurchaseOrderStatus
from core.domain.logistics.use_cases.suppliers import SupplierChanges, UpdateSupplier
from core.ports.logistics import PurchaseOrderFilter
from core.ports.pagination import PageRequest
from tests.contracts.db_fixtures import Database
from tests.contracts.logistics_kit import OPS
from tests.contracts.purchasing_kit import PurchasingKit

Status = PurchaseOrderStatus


async def test_a_purchase_order_goes_from_draft_to_closed(database: Database) -> None:
    kit = PurchasingKit(database)
    supplier, product, warehouse = await kit.supplier(), await kit.product(), await kit.warehouse()
    draft = await kit.purchase_order(supplier.id, warehouse, (product, 10))

    submitted = await kit.submit(draft.id)
    partly = await kit.receive(draft.id, (product, 4))
    received = await kit.receive(draft.id, (product, 6))
    closed = await kit.close(draft.id)

    assert (draft.status, draft.allowed_actions()) == (Status.DRAFT, ["submit", "cancel"])
    assert (submitted.status, submitted.allowed_actions()) == (Status.SUBMITTED, ["receive", "cancel"])
    assert (partly.status, partly.allowed_actions()) == (Status.PARTIALLY_RECEIVED, ["receive"])
    assert (received.status, received.allowed_actions()) == (Status.RECEIVED, ["close"])
    assert (closed.status, closed.version) == (Status.CLOSED, 5)
    assert (await kit.stored(draft.id)).lines[0].received == 10


async def test_illegal_transitions_name_what_is_allowed_and_change_nothing(database: Database) -> None:
    kit = PurchasingKit(database)
    supplier, product, warehouse = await kit.supplier(), await kit.product(), await kit.warehouse()
    draft = await kit.purchase_order(supplier.id, warehouse, (product, 5))
    partly = await kit.submitted(supplier.id, warehouse, (product, 5))
    await kit.receive(partly.id, (product, 1))

    with pytest.raises(InvalidTransition) as not_yet:
        await kit.receive(draft.id, (product, 1))
    with pytest.raises(InvalidTransition) as too_late:
        await kit.cancel_po(partly.id)
    with pytest.raises(InvalidTransition, match="cannot be closed"):
        await kit.close(partly.id)
    cancelled = await kit.cancel_po(draft.id)
    with pytest.raises(InvalidTransition):
        await kit.submit(draft.id)

    assert not_yet.value.extensions == {"allowed": ["submit", "cancel"]}
    assert too_late.value.extensions == {"allowed": ["receive"]}
    assert cancelled.status is Status.CANCELLED
    assert (await kit.stored(partly.id)).status is Status.PARTIALLY_RECEIVED
    assert await kit.ledger(product, warehouse) == 1


async def test_partial_receipts_add_to_stock_and_the_level_equals_the_ledger(database: Database) -> None:
    kit = PurchasingKit(database)
    supplier, warehouse = await kit.supplier(), await kit.warehouse()
    chairs, tables = await kit.product(), await kit.product()
    await kit.move(chairs, warehouse, 2, MovementKind.RECEIVE)
    order = await kit.submitted(supplier.id, warehouse, (chairs, 10), (tables, 3))

    first = await kit.receive(order.id, (chairs, 4), (tables, 3))
    second = await kit.receive(order.id, (chairs, 5))

    assert [(line.product_id, line.received) for line in second.lines] == [(chairs, 9), (tables, 3)]
    assert (first.status, second.status) == (Status.PARTIALLY_RECEIVED, Status.PARTIALLY_RECEIVED)
    for product, on_hand in ((chairs, 11), (tables, 3)):
        assert (await kit.level(product, warehouse)).on_hand == on_hand
        assert await kit.ledger(product, warehouse) == on_hand
    async with database.engine.connect() as connection:
        booked = (
            await connection.execute(
                select(movements.c.kind, movements.c.product_id, movements.c.quantity)
                .where(movements.c.reference == f"purchase_order:{order.id}")
                .order_by(movements.c.id)
            )
        ).all()
    expected = [("receive", chairs, 4), ("receive", tables, 3), ("receive", chairs, 5)]
    assert sorted(map(tuple, booked)) == sorted(expected)


async def test_an_over_receipt_is_refused_and_nothing_of_it_is_booked(database: Database) -> None:
    kit = PurchasingKit(database)
    supplier, warehouse = await kit.supplier(), await kit.warehouse()
    chairs, tables = await kit.product(), await kit.product()
    order = await kit.submitted(supplier.id, warehouse, (chairs, 10), (tables, 2))
    before = await kit.receive(order.id, (chairs, 8))

    with pytest.raises(OverReceipt, match="only 2 of 10 ordered are still outstanding") as refused:
        await kit.receive(order.id, (tables, 2), (chairs, 3))  # the good line is not booked either
    with pytest.raises(RuleViolated, match=r"lines\[0\].product_id: not on this purchase order"):
        await kit.receive(order.id, (await kit.product(), 1))
    with pytest.raises(RuleViolated, match="at most once"):
        await kit.receive(order.id, (tables, 1), (tables, 1))

    assert refused.value.code == "over_receipt"
    assert refused.value.extensions == {"product_id": chairs, "outstanding": 2}
    assert await kit.stored(order.id) == before
    assert (await kit.ledger(chairs, warehouse), await kit.ledger(tables, warehouse)) == (8, 0)
    assert (await kit.level(chairs, warehouse)).on_hand == 8
    assert (await kit.level(tables, warehouse)).on_hand == 0


async def test_concurrent_receipts_of_one_order_never_exceed_what_was_ordered(database: Database) -> None:
    kit = PurchasingKit(database)
    supplier, product, warehouse = await kit.supplier(), await kit.product(), await kit.warehouse()
    order = await kit.submitted(supplier.id, warehouse, (product, 10))

    receipts = (kit.receive(order.id, (product, 3)) for _ in range(20))
    outcomes = await asyncio.gather(*receipts, return_exceptions=True)

    accepted = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, OverReceipt)]
    assert (len(accepted), len(refused)) == (3, 17), outcomes
    stored = await kit.stored(order.id)
    assert (stored.lines[0].received, stored.status, stored.version) == (9, Status.PARTIALLY_RECEIVED, 5)
    assert await kit.ledger(product, warehouse) == 9
    assert (await kit.level(product, warehouse)).on_hand == 9


async def test_a_stale_version_is_refused(database: Database) -> None:
    kit = PurchasingKit(database)
    supplier, product, warehouse = await kit.supplier(), await kit.product(), await kit.warehouse()
    order = await kit.submitted(supplier.id, warehouse, (product, 10))

    with pytest.raises(PreconditionFailed):
        await kit.receive(order.id, (product, 1), version=order.version - 1)
    received = await kit.receive(order.id, (product, 1), version=order.version)

    assert received.version == order.version + 1
    assert await kit.ledger(product, warehouse) == 1


async def test_a_purchase_order_names_an_active_supplier_a_warehouse_and_active_products(
    database: Database,
) -> None:
    kit = PurchasingKit(database)
    supplier, product, warehouse = await kit.supplier(), await kit.product(), await kit.warehouse()
    dormant = await kit.supplier("Dormant Ltd")
    await UpdateSupplier(kit.uow(), kit.clock).execute(dormant.id, SupplierChanges(active=False), OPS)

    refusals = {
        "supplier_id": kit.purchase_order("nobody", warehouse, (product, 1)),
        "supplier_id: no such active": kit.purchase_order(dormant.id, warehouse, (product, 1)),
        "warehouse_id": kit.purchase_order(supplier.id, "nowhere", (product, 1)),
        r"lines\[1\].product_id": kit.purchase_order(supplier.id, warehouse, (product, 1), ("nothing", 1)),
        r"lines\[0\].quantity": kit.purchase_order(supplier.id, warehouse, (product, 0)),
        "each product at most once": kit.purchase_order(supplier.id, warehouse, (product, 1), (product, 2)),
    }
    for field, attempt in refusals.items():
        with pytest.raises(RuleViolated, match=field):
            await attempt

    async with kit.uow() as uow:
        for named in (supplier.id, dormant.id):
            placed = await uow.purchase_orders.list(PurchaseOrderFilter(supplier_id=named), PageRequest())
            assert placed.items == []


async def test_each_product_has_at_most_one_preferred_supplier(database: Database) -> None:
    kit = PurchasingKit(database)
    product = await kit.product()
    first, second, third = [await kit.supplier(name) for name in ("Aranya", "Bodhi", "Chandan")]

    await kit.offer(first.id, product, preferred=True)
    await kit.offer(second.id, product, preferred=True)
    await kit.offer(third.id, product)
    async with kit.uow() as uow:
        preferred = await uow.suppliers.preferred_for(product)
        kept = (await uow.suppliers.offers(first.id, PageRequest())).items

    assert preferred is not None
    assert preferred.supplier_id == second.id
    assert [(offer.product_id, offer.preferred, offer.unit_cost) for offer in kept] == [
        (product, False, Decimal("9.7500"))
    ]

    async with database.engine.connect() as connection:
        audited = (
            await connection.execute(
                select(audit_log.c.action, audit_log.c.changes)
                .where(audit_log.c.resource_id == f"{first.id}:{product}")
                .order_by(audit_log.c.seq)
            )
        ).all()
    assert [row.action for row in audited] == ["set", "update"], "losing the preference is audited too"
    assert "preferred" in str(audited[1].changes)

    await asyncio.gather(*(kit.offer(s.id, product, preferred=True) for s in (first, second, third)))
    async with kit.uow() as uow:
        offers = [(await uow.suppliers.offers(s.id, PageRequest())).items[0] for s in (first, second, third)]
    assert sum(offer.preferred for offer in offers) == 1


async def test_a_deactivated_supplier_is_nobodys_preferred_and_cannot_become_it(database: Database) -> None:
    kit = PurchasingKit(database)
    product, supplier = await kit.product(), await kit.supplier()
    await kit.offer(supplier.id, product, preferred=True)

    await UpdateSupplier(kit.uow(), kit.clock).execute(supplier.id, SupplierChanges(active=False), OPS)

    async with kit.uow() as uow:
        assert await uow.suppliers.preferred_for(product) is None
    with pytest.raises(RuleViolated, match="inactive"):
        await kit.offer(supplier.id, product, preferred=True)
    with pytest.raises(NotFound, match="product"):
        await kit.offer(supplier.id, "no-such-product")


async def test_each_step_is_audited_and_published_in_its_transaction(database: Database) -> None:
    kit = PurchasingKit(database)
    supplier, product, warehouse = await kit.supplier(), await kit.product(), await kit.warehouse()
    order = await kit.submitted(supplier.id, warehouse, (product, 5))
    await kit.receive(order.id, (product, 5))
    await kit.close(order.id)

    async with database.engine.connect() as connection:
        audited = (
            await connection.execute(
                select(audit_log.c.action)
                .where(audit_log.c.resource_id == order.id)
                .order_by(audit_log.c.seq)
            )
        ).all()
        events = (await connection.execute(select(outbox.c.event_type, outbox.c.payload))).all()
    assert [row.action for row in audited] == ["create", "submit", "receive", "close"]
    mine = [
        row.event_type
        for row in events
        if order.id.encode() in row.payload or product.encode() in row.payload
    ]
    for expected in ("logistics.purchase_order_created", "logistics.purchase_order_submitted",
                     "logistics.stock_moved", "logistics.purchase_order_received",
                     "logistics.purchase_order_closed"):  # fmt: skip
        assert expected in mine
    received = next(row.payload for row in events if row.event_type == "logistics.purchase_order_received")
    assert b'"status":"received"' in received
