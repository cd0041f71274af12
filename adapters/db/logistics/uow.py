from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.logistics.erased_customers import SqlErasedCustomers
from adapters.db.logistics.orders import SqlSalesOrderRepository
from adapters.db.logistics.purchasing import SqlPurchaseOrderRepository, SqlSupplierRepository
from adapters.db.logistics.reports import SqlLogisticsReports
from adapters.db.logistics.repositories import (
    SqlMovementLedger,
    SqlProductRepository,
    SqlStockRepository,
    SqlWarehouseRepository,
)
from adapters.db.logistics.shipments import SqlShipmentRepository
from adapters.db.uow import SqlUnitOfWork
from core.ports.logistics import LogisticsUnitOfWork


class SqlLogisticsUnitOfWork(SqlUnitOfWork, LogisticsUnitOfWork):
    """Products, warehouses, stock levels, the movement ledger and orders: logistics' one transaction."""

    products: SqlProductRepository
    warehouses: SqlWarehouseRepository
    stock: SqlStockRepository
    movements: SqlMovementLedger
    orders: SqlSalesOrderRepository
    shipments: SqlShipmentRepository
    reports: SqlLogisticsReports
    suppliers: SqlSupplierRepository
    purchase_orders: SqlPurchaseOrderRepository
    erased_customers: SqlErasedCustomers

    def bind_repositories(self, session: AsyncSession) -> None:
        self.products = SqlProductRepository(session)
        self.warehouses = SqlWarehouseRepository(session)
        self.stock = SqlStockRepository(session)
        self.movements = SqlMovementLedger(session)
        self.orders = SqlSalesOrderRepository(session)
        self.shipments = SqlShipmentRepository(session)
        self.reports = SqlLogisticsReports(session)
        self.suppliers = SqlSupplierRepository(session)
        self.purchase_orders = SqlPurchaseOrderRepository(session)
        self.erased_customers = SqlErasedCustomers(session)
