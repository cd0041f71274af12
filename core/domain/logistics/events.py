"""What logistics publishes (stream ``logistics``)."""

import msgspec

from core.domain.events import DomainEvent


class LogisticsProductCreated(DomainEvent, frozen=True, kw_only=True, tag="logistics.product_created"):
    product_id: str
    sku: str


class LogisticsStockMoved(DomainEvent, frozen=True, kw_only=True, tag="logistics.stock_moved"):
    movement_id: str
    kind: str
    product_id: str
    warehouse_id: str
    quantity: int
    on_hand: int
    available: int


class LogisticsStockLow(DomainEvent, frozen=True, kw_only=True, tag="logistics.stock_low"):
    product_id: str
    warehouse_id: str
    available: int
    reorder_point: int
    suggested_quantity: int
    """The product's reorder quantity, or enough to reach the reorder point, whichever is more."""
    preferred_supplier_id: str | None = None
    """Whom to reorder from; None when no active supplier is preferred for the product."""


class OrderLineOut(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str
    quantity: int


class LogisticsOrderPlaced(DomainEvent, frozen=True, kw_only=True, tag="logistics.order_placed"):
    order_id: str
    customer_id: str
    warehouse_id: str
    lines: list[OrderLineOut]
    total: str
    """Decimal, as a string."""
    currency: str


class LogisticsOrderReserved(DomainEvent, frozen=True, kw_only=True, tag="logistics.order_reserved"):
    order_id: str
    customer_id: str
    warehouse_id: str
    lines: list[OrderLineOut]


class LogisticsOrderShipped(DomainEvent, frozen=True, kw_only=True, tag="logistics.order_shipped"):
    order_id: str
    customer_id: str
    warehouse_id: str
    lines: list[OrderLineOut]


class LogisticsOrderDelivered(DomainEvent, frozen=True, kw_only=True, tag="logistics.order_delivered"):
    order_id: str
    customer_id: str


class LogisticsOrderCancelled(DomainEvent, frozen=True, kw_only=True, tag="logistics.order_cancelled"):
    order_id: str
    customer_id: str
    released: bool
    """True when the order held a reservation that went back to available stock."""


class LogisticsShipmentUpdated(DomainEvent, frozen=True, kw_only=True, tag="logistics.shipment_updated"):
    shipment_id: str
    order_id: str
    customer_id: str
    status: str
    """created, picked, in_transit, delivered or exception."""
    carrier: str
    tracking_number: str


class LogisticsShipmentDelivered(DomainEvent, frozen=True, kw_only=True, tag="logistics.shipment_delivered"):
    shipment_id: str
    order_id: str
    customer_id: str


class LogisticsSupplierCreated(DomainEvent, frozen=True, kw_only=True, tag="logistics.supplier_created"):
    supplier_id: str
    name: str


class PurchaseOrderLineOut(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str
    quantity: int


class LogisticsPurchaseOrderCreated(
    DomainEvent, frozen=True, kw_only=True, tag="logistics.purchase_order_created"
):
    purchase_order_id: str
    supplier_id: str
    warehouse_id: str
    lines: list[PurchaseOrderLineOut]
    total: str
    """Decimal, as a string."""
    currency: str


class LogisticsPurchaseOrderSubmitted(
    DomainEvent, frozen=True, kw_only=True, tag="logistics.purchase_order_submitted"
):
    purchase_order_id: str
    supplier_id: str
    warehouse_id: str
    lines: list[PurchaseOrderLineOut]


class LogisticsPurchaseOrderReceived(
    DomainEvent, frozen=True, kw_only=True, tag="logistics.purchase_order_received"
):
    purchase_order_id: str
    supplier_id: str
    warehouse_id: str
    lines: list[PurchaseOrderLineOut]
    """What arrived in this receipt (each booked as a `receive` movement)."""
    status: str
    """`partially_received`, or `received` once nothing is outstanding."""


class LogisticsPurchaseOrderClosed(
    DomainEvent, frozen=True, kw_only=True, tag="logistics.purchase_order_closed"
):
    purchase_order_id: str
    supplier_id: str


class LogisticsPurchaseOrderCancelled(
    DomainEvent, frozen=True, kw_only=True, tag="logistics.purchase_order_cancelled"
):
    purchase_order_id: str
    supplier_id: str


LogisticsEvent = (
    LogisticsProductCreated
    | LogisticsStockMoved
    | LogisticsStockLow
    | LogisticsOrderPlaced
    | LogisticsOrderReserved
    | LogisticsOrderShipped
    | LogisticsOrderDelivered
    | LogisticsOrderCancelled
    | LogisticsShipmentUpdated
    | LogisticsShipmentDelivered
    | LogisticsSupplierCreated
    | LogisticsPurchaseOrderCreated
    | LogisticsPurchaseOrderSubmitted
    | LogisticsPurchaseOrderReceived
    | LogisticsPurchaseOrderClosed
    | LogisticsPurchaseOrderCancelled
)
