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
)
