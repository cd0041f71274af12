"""Logistics' use cases; its unit of work comes from the database adapter's provider."""

from dishka import Provider, Scope, provide_all

from core.domain.logistics.use_cases.catalogue import (
    CreateProduct,
    CreateWarehouse,
    GetProduct,
    ListProducts,
    ListWarehouses,
    UpdateProduct,
)
from core.domain.logistics.use_cases.customers import RecordCustomerErased
from core.domain.logistics.use_cases.orders import (
    CancelOrder,
    DeliverOrder,
    GetOrder,
    ListOrders,
    PlaceOrder,
    ReserveOrder,
    ShipOrder,
)
from core.domain.logistics.use_cases.purchasing import (
    CancelPurchaseOrder,
    ClosePurchaseOrder,
    CreatePurchaseOrder,
    GetPurchaseOrder,
    ListPurchaseOrders,
    ReceivePurchaseOrder,
    SubmitPurchaseOrder,
)
from core.domain.logistics.use_cases.reports import FulfilmentReport, StockValuation
from core.domain.logistics.use_cases.shipments import (
    CreateShipment,
    GetShipment,
    ListShipments,
    RecordCarrierTracking,
    TrackShipment,
)
from core.domain.logistics.use_cases.stock import (
    ListLowStock,
    ListMovements,
    ListStock,
    RecordMovement,
    TransferStock,
)
from core.domain.logistics.use_cases.suppliers import (
    CreateSupplier,
    GetSupplier,
    ListSupplierProducts,
    ListSuppliers,
    SetSupplierProduct,
    UpdateSupplier,
)


class LogisticsProvider(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(
        CreateProduct,
        GetProduct,
        ListProducts,
        UpdateProduct,
        CreateWarehouse,
        ListWarehouses,
        RecordMovement,
        TransferStock,
        ListStock,
        ListMovements,
        ListLowStock,
        PlaceOrder,
        RecordCustomerErased,
        GetOrder,
        ListOrders,
        ReserveOrder,
        ShipOrder,
        DeliverOrder,
        CancelOrder,
        CreateShipment,
        TrackShipment,
        RecordCarrierTracking,
        GetShipment,
        ListShipments,
        StockValuation,
        FulfilmentReport,
        CreateSupplier,
        GetSupplier,
        ListSuppliers,
        UpdateSupplier,
        SetSupplierProduct,
        ListSupplierProducts,
        CreatePurchaseOrder,
        GetPurchaseOrder,
        ListPurchaseOrders,
        SubmitPurchaseOrder,
        CancelPurchaseOrder,
        ClosePurchaseOrder,
        ReceivePurchaseOrder,
    )
