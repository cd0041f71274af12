import builtins
from datetime import datetime, timedelta
from typing import Protocol

import msgspec

from core.domain.logistics.model import LowStock, Movement, Product, StockLevel, Warehouse
from core.domain.logistics.orders import OrderStatus, SalesOrder
from core.domain.logistics.purchasing import PurchaseOrder, PurchaseOrderStatus, Supplier, SupplierProduct
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
    tracking_number: str | None = None


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


class ErasedCustomers(Protocol):
    """CRM customers whose data CRM erased, as logistics heard of it (``crm.customer_erased``)."""

    async def contains(self, customer_id: str) -> bool: ...

    async def add(self, customer_id: str, erased_at: datetime) -> bool:
        """False when it was known already (the event came twice)."""
        ...


class LogisticsUnitOfWork(UnitOfWork, Protocol):
    products: ProductRepository
    warehouses: WarehouseRepository
    stock: StockRepository
    movements: MovementLedger
    orders: SalesOrderRepository
    shipments: ShipmentRepository
    reports: LogisticsReports
    suppliers: "SupplierRepository"
    purchase_orders: "PurchaseOrderRepository"
    erased_customers: ErasedCustomers


class SupplierFilter(msgspec.Struct, frozen=True, kw_only=True):
    active: bool | None = None


class PurchaseOrderFilter(msgspec.Struct, frozen=True, kw_only=True):
    status: PurchaseOrderStatus | None = None
    supplier_id: str | None = None


class SupplierRepository(Protocol):
    """Suppliers and what each supplies (its offers: a product at a cost)."""

    async def add(self, supplier: Supplier) -> None: ...

    async def get(self, supplier_id: str) -> Supplier | None: ...

    async def lock(self, supplier_id: str) -> Supplier | None:
        """The supplier, its row locked until the unit of work ends (patches go one at a time)."""
        ...

    async def save(self, supplier: Supplier) -> None: ...

    async def list(self, query: SupplierFilter, page: PageRequest) -> Page[Supplier]:
        """Oldest first."""
        ...

    async def put_offer(self, offer: SupplierProduct) -> "builtins.list[SupplierProduct]":
        """Adds or replaces the supplier's offer of the product. When ``offer.preferred``, every
        other supplier's offer of that product stops being preferred, in this transaction; lock
        the product first so that two such changes go one after the other. Answers the offers
        that stopped being preferred, as they are now."""
        ...

    async def offers(self, supplier_id: str, page: PageRequest) -> Page[SupplierProduct]:
        """The supplier's offers, by product id."""
        ...

    async def preferred_for(self, product_id: str) -> SupplierProduct | None:
        """The preferred supplier's offer of the product; None when no supplier is preferred."""
        ...


class PurchaseOrderRepository(Protocol):
    async def add(self, order: PurchaseOrder) -> None: ...

    async def get(self, order_id: str) -> PurchaseOrder | None: ...

    async def lock(self, order_id: str) -> PurchaseOrder | None:
        """The order, its row locked until the unit of work ends: receipts of one order go one
        after the other. Lock the order before its stock levels, always in that order."""
        ...

    async def save(self, order: PurchaseOrder) -> None:
        """Its status, version, time stamp and the quantities received; what was ordered never
        changes."""
        ...

    async def list(self, query: PurchaseOrderFilter, page: PageRequest) -> Page[PurchaseOrder]:
        """Oldest first."""
        ...
