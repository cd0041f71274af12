"""Suppliers, what they supply at what cost, and purchase orders received through the ledger."""

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import msgspec

from core.domain.errors import Conflict, InvalidTransition, RuleViolated
from core.domain.logistics.model import CURRENCY

EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{4,30}")
MAX_LINES = 100
MAX_QUANTITY = 1_000_000
TOP_RATING = Decimal(5)


class OverReceipt(Conflict):
    """More received than ordered and not yet received."""

    code = "over_receipt"


MAX_MONEY = Decimal(10) ** 14
"""Exclusive: the columns are NUMERIC(18, 4), and PostgreSQL refuses more with an error, not a 422."""


def _check_money(name: str, amount: Decimal) -> None:
    places = -amount.as_tuple().exponent if amount.is_finite() else 0  # type: ignore[operator]
    if not amount.is_finite() or not 0 <= amount < MAX_MONEY or places > 4:
        raise RuleViolated(f"{name}: a decimal from 0 to below 10^14, at most 4 decimal places")


class Supplier(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    email: str = ""
    phone: str = ""
    lead_time_days: int = 0
    """Days from submitting a purchase order to the goods arriving, as the supplier promises."""
    rating: Decimal | None = None
    """0 to 5 in steps of 0.1 (a decimal string such as ``"4.5"``); null until rated."""
    active: bool = True
    version: int = 1
    created_at: datetime
    updated_at: datetime

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > 200:
            raise RuleViolated("name: 1 to 200 characters")
        if self.email and (len(self.email) > 254 or not EMAIL.fullmatch(self.email)):
            raise RuleViolated("email: an address such as orders@supplier.example")
        if self.phone and not PHONE.fullmatch(self.phone):
            raise RuleViolated("phone: digits, spaces, dashes and brackets, optionally after +")
        if not 0 <= self.lead_time_days <= 3650:
            raise RuleViolated("lead_time_days: 0 to 3650")
        if self.rating is not None and (
            not self.rating.is_finite()
            or not 0 <= self.rating <= TOP_RATING
            or self.rating.as_tuple().exponent < -1  # type: ignore[operator]
        ):
            raise RuleViolated("rating: 0 to 5, at most one decimal place")


class SupplierProduct(msgspec.Struct, frozen=True, kw_only=True):
    """What one supplier charges for one product; at most one supplier per product is preferred."""

    supplier_id: str
    product_id: str
    unit_cost: Decimal
    currency: str
    preferred: bool = False
    updated_at: datetime

    @property
    def id(self) -> str:
        """How the audit log names this offer."""
        return f"{self.supplier_id}:{self.product_id}"

    def __post_init__(self) -> None:
        _check_money("unit_cost", self.unit_cost)
        if not CURRENCY.fullmatch(self.currency):
            raise RuleViolated("currency: an ISO 4217 code such as INR")


class PurchaseOrderStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class PurchaseOrderAction(StrEnum):
    SUBMIT = "submit"
    RECEIVE = "receive"
    CLOSE = "close"
    CANCEL = "cancel"


_S, _A = PurchaseOrderStatus, PurchaseOrderAction
_AFTER: dict[PurchaseOrderStatus, dict[PurchaseOrderAction, PurchaseOrderStatus]] = {
    _S.DRAFT: {_A.SUBMIT: _S.SUBMITTED, _A.CANCEL: _S.CANCELLED},
    # A receipt's status depends on what is left; PARTIALLY_RECEIVED here stands for "either".
    _S.SUBMITTED: {_A.RECEIVE: _S.PARTIALLY_RECEIVED, _A.CANCEL: _S.CANCELLED},
    _S.PARTIALLY_RECEIVED: {_A.RECEIVE: _S.PARTIALLY_RECEIVED},
    _S.RECEIVED: {_A.CLOSE: _S.CLOSED},
    _S.CLOSED: {},
    _S.CANCELLED: {},
}
_PAST = {_A.SUBMIT: "submitted", _A.RECEIVE: "received", _A.CLOSE: "closed", _A.CANCEL: "cancelled"}


class PurchaseOrderLine(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str
    quantity: int
    unit_cost: Decimal
    received: int = 0

    @property
    def outstanding(self) -> int:
        return self.quantity - self.received


class Receipt(msgspec.Struct, frozen=True, kw_only=True):
    """Goods of one product that arrived against a purchase order."""

    product_id: str
    quantity: int


class PurchaseOrder(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    supplier_id: str
    warehouse_id: str
    """Where the goods are received."""
    lines: tuple[PurchaseOrderLine, ...]
    currency: str
    status: PurchaseOrderStatus = PurchaseOrderStatus.DRAFT
    created_by: str
    version: int = 1
    created_at: datetime
    updated_at: datetime

    def __post_init__(self) -> None:
        if not CURRENCY.fullmatch(self.currency):
            raise RuleViolated("currency: an ISO 4217 code such as INR")
        if not 1 <= len(self.lines) <= MAX_LINES:
            raise RuleViolated(f"lines: 1 to {MAX_LINES} lines")
        products = [line.product_id for line in self.lines]
        if len(set(products)) != len(products):
            raise RuleViolated("lines: each product at most once")
        for index, line in enumerate(self.lines):
            if not 1 <= line.quantity <= MAX_QUANTITY:
                raise RuleViolated(f"lines[{index}].quantity: 1 to {MAX_QUANTITY}")
            _check_money(f"lines[{index}].unit_cost", line.unit_cost)
            if not 0 <= line.received <= line.quantity:
                raise RuleViolated(f"lines[{index}].received: 0 to the quantity ordered")

    @property
    def total(self) -> Decimal:
        return sum((line.unit_cost * line.quantity for line in self.lines), Decimal(0))

    def allowed_actions(self) -> list[str]:
        return [str(action) for action in _AFTER[self.status]]

    def after(self, action: PurchaseOrderAction, now: datetime) -> "PurchaseOrder":
        """This order once ``action`` is done (receipts: see ``receiving``)."""
        status = self._ensure_allowed(action)
        if action is _A.RECEIVE:
            raise ValueError("a receipt names what arrived: use receiving()")
        return msgspec.structs.replace(self, status=status, version=self.version + 1, updated_at=now)

    def receiving(self, receipts: Sequence[Receipt], now: datetime) -> "PurchaseOrder":
        """This order with ``receipts`` counted: each names a product on the order, once, and at
        most what is still outstanding of it; anything else is refused and nothing is counted."""
        self._ensure_allowed(_A.RECEIVE)
        if not 1 <= len(receipts) <= MAX_LINES:
            raise RuleViolated(f"lines: 1 to {MAX_LINES} lines")
        arriving: dict[str, int] = {}
        ordered = {line.product_id: line for line in self.lines}
        for index, receipt in enumerate(receipts):
            line = ordered.get(receipt.product_id)
            if line is None:
                raise RuleViolated(f"lines[{index}].product_id: not on this purchase order")
            if receipt.product_id in arriving:
                raise RuleViolated(f"lines[{index}].product_id: each product at most once")
            if not 1 <= receipt.quantity <= MAX_QUANTITY:
                raise RuleViolated(f"lines[{index}].quantity: 1 to {MAX_QUANTITY}")
            if receipt.quantity > line.outstanding:
                raise OverReceipt(
                    f"lines[{index}]: {receipt.quantity} of product {line.product_id} arrived, but only"
                    f" {line.outstanding} of {line.quantity} ordered are still outstanding",
                    product_id=line.product_id,
                    outstanding=line.outstanding,
                )
            arriving[receipt.product_id] = receipt.quantity
        lines = tuple(
            msgspec.structs.replace(line, received=line.received + arriving.get(line.product_id, 0))
            for line in self.lines
        )
        complete = all(line.outstanding == 0 for line in lines)
        return msgspec.structs.replace(
            self,
            lines=lines,
            status=_S.RECEIVED if complete else _S.PARTIALLY_RECEIVED,
            version=self.version + 1,
            updated_at=now,
        )

    def _ensure_allowed(self, action: PurchaseOrderAction) -> PurchaseOrderStatus:
        status = _AFTER[self.status].get(action)
        if status is None:
            raise InvalidTransition("purchase order", self.status, _PAST[action], self.allowed_actions())
        return status
