"""Purchase orders from draft to closed, their goods received into a warehouse through the ledger."""

from abc import ABC, abstractmethod
from decimal import Decimal

import msgspec

from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.errors import NotFound, RuleViolated
from core.domain.events import DomainEvent, publish
from core.domain.logistics.audit import MOVEMENTS, PURCHASE_ORDERS
from core.domain.logistics.events import (
    LogisticsPurchaseOrderCancelled,
    LogisticsPurchaseOrderClosed,
    LogisticsPurchaseOrderCreated,
    LogisticsPurchaseOrderReceived,
    LogisticsPurchaseOrderSubmitted,
    PurchaseOrderLineOut,
)
from core.domain.logistics.model import Movement, MovementKind
from core.domain.logistics.purchasing import (
    PurchaseOrder,
    PurchaseOrderAction,
    PurchaseOrderLine,
    Receipt,
)
from core.domain.logistics.use_cases.stock import movement_events
from core.domain.versions import ensure_current
from core.ports.clock import Clock, IdGenerator
from core.ports.logistics import LogisticsUnitOfWork, PurchaseOrderFilter
from core.ports.pagination import Page, PageRequest


class NewPurchaseOrderLine(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str
    quantity: int
    unit_cost: Decimal


class NewPurchaseOrder(msgspec.Struct, frozen=True, kw_only=True):
    supplier_id: str
    warehouse_id: str
    currency: str
    lines: list[NewPurchaseOrderLine]


def _lines_out(lines: "tuple[PurchaseOrderLine, ...] | list[Receipt]") -> list[PurchaseOrderLineOut]:
    return [PurchaseOrderLineOut(product_id=line.product_id, quantity=line.quantity) for line in lines]


class CreatePurchaseOrder:
    """- Names an active supplier, the warehouse that will receive the goods and a currency; each
      line an active product (at most once), a quantity from 1 to 1000000 and a unit cost (a
      decimal string). An unknown supplier, warehouse or product is refused with 422 naming the
      field.
    - A new purchase order is a `draft`. Audited and published (`logistics.purchase_order_created`).
      Honours `Idempotency-Key`."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewPurchaseOrder, by: Invocation) -> PurchaseOrder:
        now = self._clock.now()
        lines = tuple(PurchaseOrderLine(**msgspec.structs.asdict(line)) for line in command.lines)
        order = PurchaseOrder(
            id=self._ids.new_id(),
            supplier_id=command.supplier_id,
            warehouse_id=command.warehouse_id,
            lines=lines,
            currency=command.currency,
            created_by=by.actor.id,
            created_at=now,
            updated_at=now,
        )
        async with self._uow as uow:
            supplier = await uow.suppliers.get(command.supplier_id)
            if supplier is None or not supplier.active:
                raise RuleViolated("supplier_id: no such active supplier")
            if await uow.warehouses.get(command.warehouse_id) is None:
                raise RuleViolated("warehouse_id: no such warehouse")
            for index, line in enumerate(lines):
                product = await uow.products.get(line.product_id)
                if product is None or not product.active:
                    raise RuleViolated(f"lines[{index}].product_id: no such active product")
            await uow.purchase_orders.add(order)
            record(uow, by, now, PURCHASE_ORDERS.change("create", None, order))
            created = LogisticsPurchaseOrderCreated(
                purchase_order_id=order.id,
                supplier_id=order.supplier_id,
                warehouse_id=order.warehouse_id,
                lines=_lines_out(order.lines),
                total=str(order.total),
                currency=order.currency,
            )
            publish(uow, created, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return order


class GetPurchaseOrder:
    """- An unknown id is answered as not found."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, order_id: str) -> PurchaseOrder:
        async with self._uow as uow:
            order = await uow.purchase_orders.get(order_id)
        if order is None:
            raise NotFound("purchase order not found")
        return order


class ListPurchaseOrders:
    """- Oldest first; filter by status and supplier."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: PurchaseOrderFilter, page: PageRequest) -> Page[PurchaseOrder]:
        async with self._uow as uow:
            return await uow.purchase_orders.list(query, page)


class _PurchaseOrderAction(ABC):
    """One change of status: the order's row locked, its version checked, the change audited and
    published in one transaction."""

    action: PurchaseOrderAction

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(
        self, order_id: str, by: Invocation, expected_version: int | None = None
    ) -> PurchaseOrder:
        now = self._clock.now()
        async with self._uow as uow:
            order = await uow.purchase_orders.lock(order_id)
            if order is None:
                raise NotFound("purchase order not found")
            ensure_current(order, expected_version, "purchase order")
            changed = order.after(self.action, now)
            await uow.purchase_orders.save(changed)
            record(uow, by, now, PURCHASE_ORDERS.change(str(self.action), order, changed))
            publish(uow, self._announced(order), self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return changed

    @abstractmethod
    def _announced(self, order: PurchaseOrder) -> DomainEvent: ...


class SubmitPurchaseOrder(_PurchaseOrderAction):
    """- A `draft` is sent to its supplier and becomes `submitted`: goods may now be received.
    - `If-Match` with a stale ETag is refused with 412; any other status with 409 naming the
      allowed actions. Audited and published (`logistics.purchase_order_submitted`)."""

    action = PurchaseOrderAction.SUBMIT

    def _announced(self, order: PurchaseOrder) -> DomainEvent:
        return LogisticsPurchaseOrderSubmitted(
            purchase_order_id=order.id,
            supplier_id=order.supplier_id,
            warehouse_id=order.warehouse_id,
            lines=_lines_out(order.lines),
        )


class CancelPurchaseOrder(_PurchaseOrderAction):
    """- A `draft` or `submitted` order is cancelled; once goods have arrived it can only be
      received in full and closed (409 naming the allowed actions).
    - Audited and published (`logistics.purchase_order_cancelled`)."""

    action = PurchaseOrderAction.CANCEL

    def _announced(self, order: PurchaseOrder) -> DomainEvent:
        return LogisticsPurchaseOrderCancelled(purchase_order_id=order.id, supplier_id=order.supplier_id)


class ClosePurchaseOrder(_PurchaseOrderAction):
    """- A `received` order (every line in full) is closed; nothing else can be (409 naming the
    allowed actions). Audited and published (`logistics.purchase_order_closed`)."""

    action = PurchaseOrderAction.CLOSE

    def _announced(self, order: PurchaseOrder) -> DomainEvent:
        return LogisticsPurchaseOrderClosed(purchase_order_id=order.id, supplier_id=order.supplier_id)


class ReceivePurchaseOrder:
    """- Goods of a `submitted` or `partially_received` order arrive in its warehouse: each line
      names a product on the order (at most once) and how many arrived, and is booked as one
      `receive` movement in the ledger (referencing the order), adding to on hand.
    - More than ordered and not yet received is refused with 409 `over_receipt`, and nothing of the
      receipt is booked. Receipts of one order go one after the other, so together they never
      exceed what was ordered.
    - The order becomes `received` once nothing is outstanding, else `partially_received`.
    - `If-Match` with a stale ETag is refused with 412. Audited and published
      (`logistics.purchase_order_received`, and `logistics.stock_moved` per line). Honours
      `Idempotency-Key`: a retried receipt books nothing twice."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(
        self, order_id: str, receipts: list[Receipt], by: Invocation, expected_version: int | None = None
    ) -> PurchaseOrder:
        now = self._clock.now()
        async with self._uow as uow:
            # The order's row first, then its stock levels in product order (as sales orders do),
            # so that concurrent receipts and reservations never deadlock.
            order = await uow.purchase_orders.lock(order_id)
            if order is None:
                raise NotFound("purchase order not found")
            ensure_current(order, expected_version, "purchase order")
            changed = order.receiving(receipts, now)
            events: list[DomainEvent] = []
            for receipt in sorted(receipts, key=lambda receipt: receipt.product_id):
                movement = Movement(
                    id=self._ids.new_id(),
                    kind=MovementKind.RECEIVE,
                    product_id=receipt.product_id,
                    warehouse_id=order.warehouse_id,
                    quantity=receipt.quantity,
                    reason="purchase order receipt",
                    reference=f"purchase_order:{order.id}",
                    occurred_at=now,
                )
                before = await uow.stock.lock(receipt.product_id, order.warehouse_id)
                after = before.moved(receipt.quantity)
                await uow.stock.save(after)
                await uow.movements.append(movement)
                record(uow, by, now, MOVEMENTS.change(str(movement.kind), None, movement))
                product = await uow.products.get(receipt.product_id)
                if product is not None:
                    events.extend(await movement_events(uow, movement, product, before, after))
            await uow.purchase_orders.save(changed)
            record(uow, by, now, PURCHASE_ORDERS.change("receive", order, changed))
            events.append(
                LogisticsPurchaseOrderReceived(
                    purchase_order_id=order.id,
                    supplier_id=order.supplier_id,
                    warehouse_id=order.warehouse_id,
                    lines=_lines_out(receipts),
                    status=changed.status,
                )
            )
            for event in events:
                publish(uow, event, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return changed
