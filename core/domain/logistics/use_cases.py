"""Logistics use cases: products, warehouses, and stock moved through the ledger."""

from decimal import Decimal

import msgspec

from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.errors import NotFound, RuleViolated
from core.domain.events import publish
from core.domain.logistics.audit import MOVEMENTS, PRODUCTS, WAREHOUSES
from core.domain.logistics.events import LogisticsProductCreated, LogisticsStockLow, LogisticsStockMoved
from core.domain.logistics.model import Movement, MovementKind, Product, StockLevel, Warehouse
from core.ports.clock import Clock, IdGenerator
from core.ports.logistics import LogisticsUnitOfWork, ProductFilter, StockFilter
from core.ports.pagination import Page, PageRequest


class NewProduct(msgspec.Struct, frozen=True, kw_only=True):
    sku: str
    name: str
    description: str = ""
    category: str = ""
    unit_price: Decimal
    currency: str
    unit: str = "each"
    reorder_point: int = 0
    reorder_quantity: int = 0


class NewWarehouse(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name: str
    address: str = ""


class NewMovement(msgspec.Struct, frozen=True, kw_only=True):
    kind: MovementKind
    product_id: str
    warehouse_id: str
    quantity: int
    reason: str = ""


class CreateProduct:
    """- The SKU (upper-case letters, digits, dashes, 3 to 40) is unique: a second is a conflict.
    - The price is a decimal in a currency (ISO 4217), never negative.
    - A new product is active. The creation is audited and published (`logistics.product_created`)."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewProduct, by: Invocation) -> Product:
        now = self._clock.now()
        product = Product(id=self._ids.new_id(), created_at=now, **msgspec.structs.asdict(command))
        async with self._uow as uow:
            await uow.products.add(product)
            record(uow, by, now, PRODUCTS.change("create", None, product))
            created = LogisticsProductCreated(product_id=product.id, sku=product.sku)
            publish(uow, created, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return product


class GetProduct:
    """- An unknown id is answered as not found."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, product_id: str) -> Product:
        async with self._uow as uow:
            product = await uow.products.get(product_id)
        if product is None:
            raise NotFound("product not found")
        return product


class ListProducts:
    """- Oldest first; filter by category and whether active."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: ProductFilter, page: PageRequest) -> Page[Product]:
        async with self._uow as uow:
            return await uow.products.list(query, page)


class CreateWarehouse:
    """- The code (upper-case letters, digits, dashes, 2 to 20) is unique: a second is a conflict.
    - The creation is audited."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewWarehouse, by: Invocation) -> Warehouse:
        now = self._clock.now()
        warehouse = Warehouse(id=self._ids.new_id(), created_at=now, **msgspec.structs.asdict(command))
        async with self._uow as uow:
            await uow.warehouses.add(warehouse)
            record(uow, by, now, WAREHOUSES.change("create", None, warehouse))
            await uow.commit()
        return warehouse


class ListWarehouses:
    """- Oldest first."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, page: PageRequest) -> Page[Warehouse]:
        async with self._uow as uow:
            return await uow.warehouses.list(page)


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
            for event in _announced(movement, product, before, after):
                publish(uow, event, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return movement, after


def _check(command: NewMovement) -> None:
    if command.kind is MovementKind.RECEIVE and command.quantity <= 0:
        raise RuleViolated("quantity: a receipt adds a positive quantity")
    if command.kind is MovementKind.ADJUST and (command.quantity == 0 or not command.reason.strip()):
        raise RuleViolated("reason: an adjustment changes the count and says why")


def _announced(
    movement: Movement, product: Product, before: StockLevel, after: StockLevel
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
    if after.available < product.reorder_point <= before.available:
        events.append(
            LogisticsStockLow(
                product_id=product.id,
                warehouse_id=movement.warehouse_id,
                available=after.available,
                reorder_point=product.reorder_point,
                suggested_quantity=max(product.reorder_quantity, product.reorder_point - after.available),
            )
        )
    return events


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
