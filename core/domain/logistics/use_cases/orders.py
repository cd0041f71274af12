"""Sales orders: placed by a customer or by ops for one, reserved all-or-nothing, shipped
through the ledger, delivered, or cancelled (which releases what was reserved)."""

from abc import ABC, abstractmethod
from datetime import datetime

import msgspec

from core.domain.access import Permission, Principal, ensure_may_access_customer_record
from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.errors import Conflict, Forbidden, NotFound, RuleViolated
from core.domain.events import DomainEvent, publish
from core.domain.logistics.audit import ORDERS
from core.domain.logistics.events import (
    LogisticsOrderCancelled,
    LogisticsOrderDelivered,
    LogisticsOrderPlaced,
    LogisticsOrderReserved,
    LogisticsOrderShipped,
    OrderLineOut,
)
from core.domain.logistics.model import CustomerErased, Movement, MovementKind, StockLevel
from core.domain.logistics.orders import OrderAction, OrderLine, OrderStatus, SalesOrder
from core.domain.logistics.use_cases.stock import fell_below_reorder_point, movement_events
from core.domain.versions import ensure_current
from core.ports.clock import Clock, IdGenerator
from core.ports.logistics import LogisticsUnitOfWork, OrderFilter
from core.ports.pagination import Page, PageRequest


class NewOrderLine(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str
    quantity: int


class NewOrder(msgspec.Struct, frozen=True, kw_only=True):
    customer_id: str | None = None
    """Staff name the customer; a customer's own is implied."""
    warehouse_id: str
    lines: list[NewOrderLine]


def _customer_of(command: NewOrder, principal: Principal) -> str:
    if principal.has(Permission.LOGISTICS_WRITE):
        if command.customer_id is None:
            raise RuleViolated("customer_id: staff placing an order name the customer")
        return command.customer_id
    if principal.has(Permission.ORDERS_OWN) and principal.customer_id is not None:
        if command.customer_id not in (None, principal.customer_id):
            raise RuleViolated("customer_id: a customer orders for themself only")
        return principal.customer_id
    raise Forbidden("placing an order needs logistics:write, or orders:own with a linked customer")


def _lines_out(order: SalesOrder) -> list[OrderLineOut]:
    return [OrderLineOut(product_id=line.product_id, quantity=line.quantity) for line in order.lines]


class PlaceOrder:
    """- Ops (`logistics:write`) place orders for any customer and name its `customer_id`; a
      customer (`orders:own`) places their own, and may not name another.
    - Lines name active products, each at most once, 1 to 1000000 units, all in one currency; each
      line keeps the product's price at this moment. The warehouse must exist.
    - A new order is `pending`: nothing is reserved until `/reserve`. Audited and published
      (`logistics.order_placed`). Honours `Idempotency-Key`.
    - A customer CRM erased takes no new orders (409 `customer_erased`)."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewOrder, principal: Principal, by: Invocation) -> SalesOrder:
        customer_id = _customer_of(command, principal)
        now = self._clock.now()
        async with self._uow as uow:
            if await uow.erased_customers.contains(customer_id):
                raise CustomerErased("customer_id: CRM erased this customer; it takes no new orders")
            if await uow.warehouses.get(command.warehouse_id) is None:
                raise RuleViolated("warehouse_id: no such warehouse")
            lines, currencies = [], set()
            for index, wanted in enumerate(command.lines):
                product = await uow.products.get(wanted.product_id)
                if product is None or not product.active:
                    raise RuleViolated(f"lines[{index}].product_id: no such active product")
                lines.append(
                    OrderLine(product_id=product.id, quantity=wanted.quantity, unit_price=product.unit_price)
                )
                currencies.add(product.currency)
            if len(currencies) > 1:
                raise RuleViolated(
                    f"lines: products priced in {len(currencies)} currencies; one order, one currency"
                )
            order = SalesOrder(
                id=self._ids.new_id(),
                customer_id=customer_id,
                warehouse_id=command.warehouse_id,
                lines=tuple(lines),
                currency=currencies.pop() if currencies else "",
                placed_by=by.actor.id,
                created_at=now,
                updated_at=now,
            )
            await uow.orders.add(order)
            record(uow, by, now, ORDERS.change("create", None, order))
            placed = LogisticsOrderPlaced(
                order_id=order.id,
                customer_id=order.customer_id,
                warehouse_id=order.warehouse_id,
                lines=_lines_out(order),
                total=str(order.total),
                currency=order.currency,
            )
            publish(uow, placed, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return order


class GetOrder:
    """- Staff (`logistics:read`) see every order; a customer only their own. Someone else's order
    is answered as not found, like an unknown id."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, order_id: str, principal: Principal) -> SalesOrder:
        async with self._uow as uow:
            order = await uow.orders.get(order_id)
        if order is None:
            raise NotFound("order not found")
        _ensure_may_see(principal, order)
        return order


def _ensure_may_see(principal: Principal, order: SalesOrder) -> None:
    ensure_may_access_customer_record(
        principal,
        order.customer_id,
        any_record=Permission.LOGISTICS_READ,
        own_record=Permission.ORDERS_OWN,
        resource="order",
    )


class ListOrders:
    """- Oldest first; filter by customer, status and warehouse. A customer sees only their own
    orders, whatever the filter says."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: OrderFilter, page: PageRequest, principal: Principal) -> Page[SalesOrder]:
        if not principal.has(Permission.LOGISTICS_READ):
            if not principal.has(Permission.ORDERS_OWN) or principal.customer_id is None:
                raise Forbidden("listing orders needs logistics:read, or orders:own with a linked customer")
            query = msgspec.structs.replace(query, customer_id=principal.customer_id)
        async with self._uow as uow:
            return await uow.orders.list(query, page)


class _OrderAction(ABC):
    """One action on one order: the order's row is locked first, then its stock levels in product
    order, so concurrent actions never deadlock and never double-count."""

    action: OrderAction

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(
        self, order_id: str, principal: Principal, by: Invocation, expected_version: int | None = None
    ) -> SalesOrder:
        now = self._clock.now()
        async with self._uow as uow:
            order = await uow.orders.lock(order_id)
            if order is None:
                raise NotFound("order not found")
            _ensure_may_see(principal, order)
            self._ensure_may_act(principal)
            ensure_current(order, expected_version, "order")
            changed = await self.apply(uow, order, by, now)
            await uow.commit()
        return changed

    async def apply(
        self, uow: LogisticsUnitOfWork, order: SalesOrder, by: Invocation, now: datetime
    ) -> SalesOrder:
        """The action on an order already locked in ``uow``, audited and published, not committed
        (a shipment's tracking update ships and delivers its order in its own transaction)."""
        changed = order.after(self.action, now)
        events = await self._move_stock(uow, order, now)
        await uow.orders.save(changed)
        record(uow, by, now, ORDERS.change(str(self.action), order, changed))
        for event in [*events, self._announced(order)]:
            publish(uow, event, self._ids.new_id(), now, by.correlation_id)
        return changed

    def _ensure_may_act(self, principal: Principal) -> None:
        if not principal.has(Permission.LOGISTICS_WRITE):
            raise Forbidden(f"an order is {self.action}d by staff with logistics:write")

    async def _move_stock(
        self, uow: LogisticsUnitOfWork, order: SalesOrder, now: datetime
    ) -> list[DomainEvent]:
        return []

    @abstractmethod
    def _announced(self, order: SalesOrder) -> DomainEvent:
        """What this action publishes about the order as it was before it."""


async def _locked_levels(uow: LogisticsUnitOfWork, order: SalesOrder) -> list[tuple[OrderLine, StockLevel]]:
    lines = sorted(order.lines, key=lambda line: line.product_id)
    return [(line, await uow.stock.lock(line.product_id, order.warehouse_id)) for line in lines]


class ReserveOrder(_OrderAction):
    """- A `pending` order's every line is reserved in its warehouse, or none is: when one line
      lacks available stock the answer is 409 `insufficient_stock` and nothing is held.
    - Concurrent reservations of the same stock are served one after the other: 50 orders of one
      unit against 10 available give exactly 10 reserved orders.
    - `If-Match` with a stale ETag is refused with 412. Audited and published
      (`logistics.order_reserved`, and `logistics.stock_low` when available falls below a
      product's reorder point)."""

    action = OrderAction.RESERVE

    async def _move_stock(
        self, uow: LogisticsUnitOfWork, order: SalesOrder, now: datetime
    ) -> list[DomainEvent]:
        events: list[DomainEvent] = []
        for line, level in await _locked_levels(uow, order):
            held = level.reserving(line.quantity)
            await uow.stock.save(held)
            product = await uow.products.get(line.product_id)
            low = None if product is None else await fell_below_reorder_point(uow, product, level, held)
            events.extend([low] if low else [])
        return events

    def _announced(self, order: SalesOrder) -> DomainEvent:
        return LogisticsOrderReserved(
            order_id=order.id,
            customer_id=order.customer_id,
            warehouse_id=order.warehouse_id,
            lines=_lines_out(order),
        )


class ShipOrder(_OrderAction):
    """- A `reserved` order's goods leave its warehouse: one `ship` movement per line in the
      ledger (referencing the order), taking on hand and reserved down together.
    - Audited and published (`logistics.order_shipped`, and `logistics.stock_moved` per line)."""

    action = OrderAction.SHIP

    async def _move_stock(
        self, uow: LogisticsUnitOfWork, order: SalesOrder, now: datetime
    ) -> list[DomainEvent]:
        events: list[DomainEvent] = []
        for line, level in await _locked_levels(uow, order):
            after = level.shipping(line.quantity)
            movement = Movement(
                id=self._ids.new_id(),
                kind=MovementKind.SHIP,
                product_id=line.product_id,
                warehouse_id=order.warehouse_id,
                quantity=-line.quantity,
                reference=f"order:{order.id}",
                occurred_at=now,
            )
            await uow.stock.save(after)
            await uow.movements.append(movement)
            product = await uow.products.get(line.product_id)
            if product is not None:
                events.extend(await movement_events(uow, movement, product, level, after))
        return events

    def _announced(self, order: SalesOrder) -> DomainEvent:
        return LogisticsOrderShipped(
            order_id=order.id,
            customer_id=order.customer_id,
            warehouse_id=order.warehouse_id,
            lines=_lines_out(order),
        )


class DeliverOrder(_OrderAction):
    """- A `shipped` order was received by its customer. Audited and published
    (`logistics.order_delivered`)."""

    action = OrderAction.DELIVER

    def _announced(self, order: SalesOrder) -> DomainEvent:
        return LogisticsOrderDelivered(order_id=order.id, customer_id=order.customer_id)


class CancelOrder(_OrderAction):
    """- A `pending` or `reserved` order is cancelled by staff, or by its own customer; what it
      reserved goes back to available stock in the same transaction.
    - Shipped, delivered or cancelled orders cannot be cancelled (409 naming what is allowed), nor
      can an order whose shipment has been created (409: the goods are being picked).
      Audited and published (`logistics.order_cancelled`)."""

    action = OrderAction.CANCEL

    def _ensure_may_act(self, principal: Principal) -> None:
        if not (principal.has(Permission.LOGISTICS_WRITE) or principal.has(Permission.ORDERS_OWN)):
            raise Forbidden("cancelling an order needs logistics:write, or orders:own for one's own")

    async def _move_stock(
        self, uow: LogisticsUnitOfWork, order: SalesOrder, now: datetime
    ) -> list[DomainEvent]:
        if await uow.shipments.for_order(order.id) is not None:
            raise Conflict("this order has a shipment: it is being picked and can no longer be cancelled")
        if order.status is OrderStatus.RESERVED:
            for line, level in await _locked_levels(uow, order):
                await uow.stock.save(level.releasing(line.quantity))
        return []

    def _announced(self, order: SalesOrder) -> DomainEvent:
        return LogisticsOrderCancelled(
            order_id=order.id, customer_id=order.customer_id, released=order.status is OrderStatus.RESERVED
        )
