"""What logistics publishes (stream ``logistics``)."""

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


LogisticsEvent = LogisticsProductCreated | LogisticsStockMoved | LogisticsStockLow
