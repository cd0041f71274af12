from dishka import Provider
from litestar import Litestar

from adapters.http.logistics.catalogue import ProductsController, WarehousesController
from adapters.http.logistics.orders import OrdersController
from adapters.http.logistics.purchasing import PurchaseOrdersController, SuppliersController
from adapters.http.logistics.reports import ReportsController
from adapters.http.logistics.shipments import ShipmentsController
from adapters.http.logistics.stock import (
    LowStockController,
    MovementsController,
    StockController,
    TransfersController,
)
from apps._shared.app import ServiceSpec, build_service_app
from apps._shared.erasures import follow_erasures
from apps._shared.settings import PlatformSettings, load_platform_settings
from apps.logistics.carriers import follow_carrier_updates
from apps.logistics.ioc import LogisticsProvider
from core.domain.logistics.use_cases.customers import RecordCustomerErased

SPEC = ServiceSpec(
    name="logistics",
    title="BHIV Logistics",
    description=(
        "Products, warehouses, stock levels and movements, suppliers, purchase orders, sales orders"
        " and shipments."
    ),
    route_handlers=[
        ProductsController,
        WarehousesController,
        MovementsController,
        TransfersController,
        StockController,
        LowStockController,
        OrdersController,
        ShipmentsController,
        ReportsController,
        SuppliersController,
        PurchaseOrdersController,
    ],
    providers=[LogisticsProvider()],
    background=[follow_erasures("logistics-erasures", RecordCustomerErased), follow_carrier_updates],
)


def create_app(settings: PlatformSettings | None = None, *overrides: Provider) -> Litestar:
    return build_service_app(SPEC, settings or load_platform_settings(), overrides)
