"""Logistics use cases on the real unit of work, in a few words per step, for the contract tests."""

import uuid
from decimal import Decimal

from adapters.db.logistics.uow import SqlLogisticsUnitOfWork
from adapters.system.clock import SystemClock, Uuid7IdGenerator
from core.domain.access import Principal, Role, permissions_for
from core.domain.audit.model import Actor, Invocation
from core.domain.logistics.model import Movement, MovementKind, StockLevel
from core.domain.logistics.orders import SalesOrder
from core.domain.logistics.use_cases.catalogue import CreateProduct, CreateWarehouse, NewProduct, NewWarehouse
from core.domain.logistics.use_cases.orders import (
    CancelOrder,
    NewOrder,
    NewOrderLine,
    PlaceOrder,
    ReserveOrder,
    ShipOrder,
)
from core.domain.logistics.use_cases.stock import NewMovement, RecordMovement
from tests.contracts.db_fixtures import Database

OPS = Invocation(actor=Actor(id="ops-1", kind="user", role="ops"))
OPS_PRINCIPAL = Principal(subject="ops-1", kind="user", role=Role.OPS, permissions=permissions_for(Role.OPS))


class Kit:
    def __init__(self, database: Database) -> None:
        self.sessions = database.sessions
        self.clock, self.ids = SystemClock(), Uuid7IdGenerator()

    def uow(self) -> SqlLogisticsUnitOfWork:
        return SqlLogisticsUnitOfWork(self.sessions, self.clock, audit_chain="logistics", ids=self.ids)

    async def product(self, reorder_point: int = 0) -> str:
        sku = f"SKU-{uuid.uuid4().hex[:8].upper()}"
        new = NewProduct(sku=sku, name="Teak chair", unit_price=Decimal("12.50"), currency="INR",
                         reorder_point=reorder_point, reorder_quantity=20)  # fmt: skip
        return (await CreateProduct(self.uow(), self.clock, self.ids).execute(new, OPS)).id

    async def warehouse(self) -> str:
        new = NewWarehouse(code=f"WH-{uuid.uuid4().hex[:6].upper()}", name="Pune")
        return (await CreateWarehouse(self.uow(), self.clock, self.ids).execute(new, OPS)).id

    async def move(
        self, product: str, warehouse: str, quantity: int, kind: MovementKind = MovementKind.ADJUST
    ) -> tuple[Movement, StockLevel]:
        command = NewMovement(kind=kind, product_id=product, warehouse_id=warehouse, quantity=quantity,
                              reason="count")  # fmt: skip
        return await RecordMovement(self.uow(), self.clock, self.ids).execute(command, OPS)

    async def ledger(self, product: str, warehouse: str) -> int:
        async with self.uow() as uow:
            return await uow.movements.totals(product, warehouse)

    async def order(self, warehouse: str, *lines: tuple[str, int], customer: str = "cust-1") -> SalesOrder:
        wanted = [NewOrderLine(product_id=product, quantity=quantity) for product, quantity in lines]
        command = NewOrder(customer_id=customer, warehouse_id=warehouse, lines=wanted)
        return await PlaceOrder(self.uow(), self.clock, self.ids).execute(command, OPS_PRINCIPAL, OPS)

    async def reserve(self, order: str) -> SalesOrder:
        return await ReserveOrder(self.uow(), self.clock, self.ids).execute(order, OPS_PRINCIPAL, OPS)

    async def ship(self, order: str) -> SalesOrder:
        return await ShipOrder(self.uow(), self.clock, self.ids).execute(order, OPS_PRINCIPAL, OPS)

    async def cancel(self, order: str) -> SalesOrder:
        return await CancelOrder(self.uow(), self.clock, self.ids).execute(order, OPS_PRINCIPAL, OPS)

    async def level(self, product: str, warehouse: str) -> StockLevel:
        async with self.uow() as uow:
            return await uow.stock.lock(product, warehouse)
