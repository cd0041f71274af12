"""Sales orders: a CRM customer's lines, priced when placed, reserved all-or-nothing, shipped
through the ledger."""

import re
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import msgspec

from core.domain.errors import InvalidTransition, RuleViolated

CUSTOMER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
MAX_LINES = 100


class OrderStatus(StrEnum):
    PENDING = "pending"
    RESERVED = "reserved"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class OrderAction(StrEnum):
    RESERVE = "reserve"
    SHIP = "ship"
    DELIVER = "deliver"
    CANCEL = "cancel"


_AFTER: dict[OrderStatus, dict[OrderAction, OrderStatus]] = {
    OrderStatus.PENDING: {
        OrderAction.RESERVE: OrderStatus.RESERVED,
        OrderAction.CANCEL: OrderStatus.CANCELLED,
    },
    OrderStatus.RESERVED: {OrderAction.SHIP: OrderStatus.SHIPPED, OrderAction.CANCEL: OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {OrderAction.DELIVER: OrderStatus.DELIVERED},
    OrderStatus.DELIVERED: {},
    OrderStatus.CANCELLED: {},
}


class OrderLine(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str
    quantity: int
    unit_price: Decimal
    """The product's price when the order was placed; later price changes do not touch it."""


class SalesOrder(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    customer_id: str
    """The CRM customer's id (CRM owns customers; decision 0025)."""
    warehouse_id: str
    lines: tuple[OrderLine, ...]
    currency: str
    status: OrderStatus = OrderStatus.PENDING
    placed_by: str
    """The user who placed it: the customer themself, or staff on their behalf."""
    version: int = 1
    created_at: datetime
    updated_at: datetime
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None

    def __post_init__(self) -> None:
        if not CUSTOMER_ID.fullmatch(self.customer_id):
            raise RuleViolated("customer_id: 1 to 64 letters, digits and ._:-")
        if not 1 <= len(self.lines) <= MAX_LINES:
            raise RuleViolated(f"lines: 1 to {MAX_LINES} lines")
        products = [line.product_id for line in self.lines]
        if len(set(products)) != len(products):
            raise RuleViolated("lines: each product at most once")
        if any(not 1 <= line.quantity <= 1_000_000 for line in self.lines):
            raise RuleViolated("lines[].quantity: 1 to 1000000")

    @property
    def total(self) -> Decimal:
        return sum((line.unit_price * line.quantity for line in self.lines), Decimal(0))

    def allowed_actions(self) -> list[str]:
        return [str(action) for action in _AFTER[self.status]]

    def after(self, action: OrderAction, now: datetime) -> "SalesOrder":
        """This order once ``action`` is done; an action its status does not allow is refused."""
        status = _AFTER[self.status].get(action)
        if status is None:
            raise InvalidTransition("order", self.status, _PAST[action], self.allowed_actions())
        stamps: dict[str, datetime] = {}
        if status is OrderStatus.SHIPPED:
            stamps["shipped_at"] = now
        elif status is OrderStatus.DELIVERED:
            stamps["delivered_at"] = now
        return msgspec.structs.replace(
            self, status=status, version=self.version + 1, updated_at=now, **stamps
        )


_PAST = {
    OrderAction.RESERVE: "reserved",
    OrderAction.SHIP: "shipped",
    OrderAction.DELIVER: "delivered",
    OrderAction.CANCEL: "cancelled",
}
