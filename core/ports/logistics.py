from datetime import datetime, timedelta
from typing import Protocol

import msgspec

from core.domain.logistics.model import LowStock, Movement, Product, StockLevel, Warehouse
from core.domain.logistics.orders import OrderStatus, SalesOrder
from core.domain.logistics.reports import ValuationRow
from core.domain.logistics.shipments import Shipment, ShipmentStatus
from core.ports.pagination import Page, PageRequest
from core.ports.uow import UnitOfWork


class ProductFilter(msgspec.Struct, frozen=True, kw_only=True):
    category: str | None = None
    active: bool | None = None


class StockFilter(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str | None = None
    warehouse_id: str | None = None


class OrderFilter(msgspec.Struct, frozen=True, kw_only=True):
    customer_id: str | None = None
    status: OrderStatus | None = None
    warehouse_id: str | None = None


class ShipmentFilter(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str | None = None
    customer_id: str | None = None
    status: ShipmentStatus | None = None


class ProductRepository(Protocol):
    async def add(self, product: Product) -> None:
        """Raises ``Conflict`` when the SKU is taken."""
        ...

    async def get(self, product_id: str) -> Product | None: ...

    async def lock(self, product_id: str) -> Product | None:
        """The product, its row locked until the unit of work ends (patches go one at a time)."""
        ...

    async def save(self, product: Product) -> None: ...

    async def list(self, query: ProductFilter, page: PageRequest) -> Page[Product]:
        """Oldest first."""
        ...


class WarehouseRepository(Protocol):
    async def add(self, warehouse: Warehouse) -> None:
        """Raises ``Conflict`` when the code is taken."""
        ...

    async def get(self, warehouse_id: str) -> Warehouse | None: ...

    async def list(self, page: PageRequest) -> Page[Warehouse]: ...


class StockRepository(Protocol):
    async def lock(self, product_id: str, warehouse_id: str) -> StockLevel:
        """The level, made at zero when there is none, its row locked until the unit of work ends:
        concurrent movements of one product in one warehouse go one after the other."""
        ...

    async def save(self, level: StockLevel) -> None: ...

    async def list(self, query: StockFilter, page: PageRequest) -> Page[StockLevel]: ...

    async def low(self, query: StockFilter, page: PageRequest) -> Page[LowStock]:
        """Levels below their active product's reorder point, by product and warehouse."""
        ...


class MovementLedger(Protocol):
    async def append(self, movement: Movement) -> None: ...

    async def list(self, page: PageRequest) -> Page[Movement]:
        """Oldest first."""
        ...

    async def totals(self, product_id: str, warehouse_id: str) -> int:
        """The sum of the ledger's quantities: what on hand must equal."""
        ...


class SalesOrderRepository(Protocol):
    async def add(self, order: SalesOrder) -> None: ...

    async def get(self, order_id: str) -> SalesOrder | None: ...

    async def lock(self, order_id: str) -> SalesOrder | None:
        """The order, its row locked until the unit of work ends: actions on one order go one
        after the other. Lock the order before its stock levels, always in that order."""
        ...

    async def save(self, order: SalesOrder) -> None:
        """Its status, version and time stamps; lines never change once placed."""
        ...

    async def list(self, query: OrderFilter, page: PageRequest) -> Page[SalesOrder]:
        """Oldest first."""
        ...


class ShipmentRepository(Protocol):
    async def add(self, shipment: Shipment) -> None:
        """Raises ``Conflict`` when the order has a shipment already."""
        ...

    async def get(self, shipment_id: str) -> Shipment | None: ...

    async def lock(self, shipment_id: str) -> Shipment | None:
        """The shipment, its row locked until the unit of work ends (then its order, if needed)."""
        ...

    async def for_order(self, order_id: str) -> Shipment | None: ...

    async def save(self, shipment: Shipment) -> None:
        """Its status, version, time stamp, and tracking events not yet stored."""
        ...

    async def list(self, query: ShipmentFilter, page: PageRequest) -> Page[Shipment]: ...


class LogisticsReports(Protocol):
    async def valuation(self) -> list[ValuationRow]:
        """On hand at current prices, by warehouse, category and currency."""
        ...

    async def lead_times(self, since: datetime, until: datetime) -> list[timedelta]:
        """Placed-to-shipped time of each order shipped in [since, until)."""
        ...


class LogisticsUnitOfWork(UnitOfWork, Protocol):
    products: ProductRepository
    warehouses: WarehouseRepository
    stock: StockRepository
    movements: MovementLedger
    orders: SalesOrderRepository
    shipments: ShipmentRepository
    reports: LogisticsReports
