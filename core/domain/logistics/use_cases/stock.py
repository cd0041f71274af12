"""Stock moved through the ledger, and the levels it keeps."""

import msgspec

from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.errors import RuleViolated
from core.domain.events import publish
from core.domain.logistics.audit import MOVEMENTS
from core.domain.logistics.events import LogisticsStockLow, LogisticsStockMoved
from core.domain.logistics.model import MAX_UNITS, LowStock, Movement, MovementKind, Product, StockLevel
from core.ports.clock import Clock, IdGenerator
from core.ports.logistics import LogisticsUnitOfWork, StockFilter
from core.ports.pagination import Page, PageRequest


class NewMovement(msgspec.Struct, frozen=True, kw_only=True):
    kind: MovementKind
    product_id: str
    warehouse_id: str
    quantity: int
    reason: str = ""


class RecordMovement:
    """- Stock moves only through the ledger: every movement is appended, never changed, and the
      level (on hand, reserved, available = on hand - reserved) always equals its sum.
    - `receive` adds a positive quantity; `adjust` corrects a count up or down and needs a reason.
    - Nothing ever goes negative, and reserved stock stays covered: a movement that would take
      more than is available is refused with 409 `insufficient_stock`. Concurrent movements of one
      product in one warehouse are served one after the other.
    - When available stock falls below the product's reorder point, `logistics.stock_low` is
      published with a suggested quantity. Every movement is audited and published."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewMovement, by: Invocation) -> tuple[Movement, StockLevel]:
        _check(command)
        now = self._clock.now()
        movement = Movement(id=self._ids.new_id(), occurred_at=now, **msgspec.structs.asdict(command))
        async with self._uow as uow:
            product = await uow.products.get(command.product_id)
            if product is None:
                raise RuleViolated("product_id: no such product")
            if await uow.warehouses.get(command.warehouse_id) is None:
                raise RuleViolated("warehouse_id: no such warehouse")
            before = await uow.stock.lock(command.product_id, command.warehouse_id)
            after = before.moved(command.quantity)
            await uow.stock.save(after)
            await uow.movements.append(movement)
            record(uow, by, now, MOVEMENTS.change(str(command.kind), None, movement))
            for event in await movement_events(uow, movement, product, before, after):
                publish(uow, event, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return movement, after


class NewTransfer(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str
    from_warehouse_id: str
    to_warehouse_id: str
    quantity: int
    reason: str = ""


class TransferStock:
    """- Moves a positive quantity of one product from one warehouse to another: two `transfer`
      lines in the ledger (out of one, into the other) with one reference, in one transaction.
    - Only available stock moves (409 `insufficient_stock` otherwise); both levels are locked in
      a fixed order, so opposite transfers never deadlock. Audited and published."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewTransfer, by: Invocation) -> list[tuple[Movement, StockLevel]]:
        if not 0 < command.quantity <= MAX_UNITS or len(command.reason) > 1000:
            raise RuleViolated(f"quantity: 1 to {MAX_UNITS}; reason: at most 1000 characters")
        if command.from_warehouse_id == command.to_warehouse_id:
            raise RuleViolated("to_warehouse_id: a transfer goes to another warehouse")
        now, reference = self._clock.now(), f"transfer:{self._ids.new_id()}"
        legs = {command.from_warehouse_id: -command.quantity, command.to_warehouse_id: command.quantity}
        async with self._uow as uow:
            product = await uow.products.get(command.product_id)
            if product is None:
                raise RuleViolated("product_id: no such product")
            for field, warehouse_id in (("from", command.from_warehouse_id), ("to", command.to_warehouse_id)):
                if await uow.warehouses.get(warehouse_id) is None:
                    raise RuleViolated(f"{field}_warehouse_id: no such warehouse")
            before = {w: await uow.stock.lock(command.product_id, w) for w in sorted(legs)}
            moved = []
            for warehouse_id in (command.from_warehouse_id, command.to_warehouse_id):
                after = before[warehouse_id].moved(legs[warehouse_id])
                movement = Movement(
                    id=self._ids.new_id(),
                    kind=MovementKind.TRANSFER,
                    product_id=product.id,
                    warehouse_id=warehouse_id,
                    quantity=legs[warehouse_id],
                    reason=command.reason,
                    reference=reference,
                    occurred_at=now,
                )
                await uow.stock.save(after)
                await uow.movements.append(movement)
                record(uow, by, now, MOVEMENTS.change("transfer", None, movement))
                for event in await movement_events(uow, movement, product, before[warehouse_id], after):
                    publish(uow, event, self._ids.new_id(), now, by.correlation_id)
                moved.append((movement, after))
            await uow.commit()
        return moved


def _check(command: NewMovement) -> None:
    if abs(command.quantity) > MAX_UNITS or len(command.reason) > 1000:
        raise RuleViolated(f"quantity: at most {MAX_UNITS} units; reason: at most 1000 characters")
    if command.kind is MovementKind.SHIP:
        raise RuleViolated("kind: goods leave through a sales order's /ship, which books the movement")
    if command.kind is MovementKind.TRANSFER:
        raise RuleViolated("kind: a transfer is posted to /v1/transfers, which books both of its lines")
    if command.kind is MovementKind.RECEIVE and command.quantity <= 0:
        raise RuleViolated("quantity: a receipt adds a positive quantity")
    if command.kind is MovementKind.ADJUST and (command.quantity == 0 or not command.reason.strip()):
        raise RuleViolated("reason: an adjustment changes the count and says why")


async def movement_events(
    uow: LogisticsUnitOfWork, movement: Movement, product: Product, before: StockLevel, after: StockLevel
) -> list[LogisticsStockMoved | LogisticsStockLow]:
    events: list[LogisticsStockMoved | LogisticsStockLow] = [
        LogisticsStockMoved(
            movement_id=movement.id,
            kind=movement.kind,
            product_id=movement.product_id,
            warehouse_id=movement.warehouse_id,
            quantity=movement.quantity,
            on_hand=after.on_hand,
            available=after.available,
        )
    ]
    low = await fell_below_reorder_point(uow, product, before, after)
    return events if low is None else [*events, low]


async def fell_below_reorder_point(
    uow: LogisticsUnitOfWork, product: Product, before: StockLevel, after: StockLevel
) -> LogisticsStockLow | None:
    """``logistics.stock_low`` when this change took available stock below the reorder point
    (once, on the way down; not again while it stays low), naming the preferred supplier."""
    if not after.available < product.reorder_point <= before.available:
        return None
    offer = await uow.suppliers.preferred_for(product.id)
    low = LowStock(
        product_id=product.id,
        sku=product.sku,
        warehouse_id=after.warehouse_id,
        available=after.available,
        reorder_point=product.reorder_point,
        reorder_quantity=product.reorder_quantity,
        preferred_supplier_id=None if offer is None else offer.supplier_id,
    )
    return LogisticsStockLow(
        product_id=low.product_id,
        warehouse_id=low.warehouse_id,
        available=low.available,
        reorder_point=low.reorder_point,
        suggested_quantity=low.suggested_quantity,
        preferred_supplier_id=low.preferred_supplier_id,
    )


class ListStock:
    """- One level per product and warehouse that ever had a movement; filter by either."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: StockFilter, page: PageRequest) -> Page[StockLevel]:
        async with self._uow as uow:
            return await uow.stock.list(query, page)


class ListMovements:
    """- The ledger, oldest first."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, page: PageRequest) -> Page[Movement]:
        async with self._uow as uow:
            return await uow.movements.list(page)


class ListLowStock:
    """- Every level whose available stock is below its active product's reorder point, with the
    quantity to reorder (the product's reorder quantity, or enough to reach the reorder point,
    whichever is more); filter by product or warehouse."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: StockFilter, page: PageRequest) -> Page[LowStock]:
        async with self._uow as uow:
            found = await uow.stock.low(query, page)
            offers = [await uow.suppliers.preferred_for(low.product_id) for low in found.items]
        named = [
            low if offer is None else msgspec.structs.replace(low, preferred_supplier_id=offer.supplier_id)
            for low, offer in zip(found.items, offers, strict=True)
        ]
        return msgspec.structs.replace(found, items=named)
