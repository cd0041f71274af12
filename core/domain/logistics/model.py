"""Products, warehouses, and stock kept by an immutable ledger of movements."""

import re
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import msgspec

from core.domain.errors import Conflict, RuleViolated

SKU = re.compile(r"[A-Z0-9][A-Z0-9-]{1,38}[A-Z0-9]")
CURRENCY = re.compile(r"[A-Z]{3}")
MAX_UNITS = 2_000_000_000
"""Units in one level or one movement at most: the columns are 32-bit integers."""
MAX_PRICE = Decimal(10) ** 14
"""NUMERIC(18, 4) holds less than this."""
WAREHOUSE_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,18}[A-Z0-9]")


def within_limits(**fields: tuple[str, int, int]) -> None:
    """Each ``name=(text, shortest, longest)``, counted without surrounding blanks."""
    for name, (text, shortest, longest) in fields.items():
        if not shortest <= len(text.strip()) <= longest or len(text) > longest:
            raise RuleViolated(f"{name}: {shortest} to {longest} characters")


class CustomerErased(Conflict):
    """CRM erased this customer's data: logistics takes no new orders for it."""

    code = "customer_erased"


class InsufficientStock(Conflict):
    code = "insufficient_stock"


class Product(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    sku: str
    """Upper-case letters, digits and dashes, 3 to 40; unique."""
    name: str
    description: str = ""
    category: str = ""
    unit_price: Decimal
    """Money is decimal, never a float; JSON carries it as a string (``"12.50"``)."""
    currency: str
    unit: str = "each"
    reorder_point: int = 0
    reorder_quantity: int = 0
    active: bool = True
    version: int = 1
    created_at: datetime

    def __post_init__(self) -> None:
        if not SKU.fullmatch(self.sku):
            raise RuleViolated("sku: 3 to 40 upper-case letters, digits and dashes")
        if not CURRENCY.fullmatch(self.currency):
            raise RuleViolated("currency: an ISO 4217 code such as INR")
        price = self.unit_price
        if not price.is_finite() or not 0 <= price < MAX_PRICE or price.as_tuple().exponent < -4:  # type: ignore[operator]
            raise RuleViolated("unit_price: 0 to 99999999999999.9999, at most 4 decimal places")
        if not 0 <= self.reorder_point <= MAX_UNITS or not 0 <= self.reorder_quantity <= MAX_UNITS:
            raise RuleViolated(f"reorder_point and reorder_quantity: 0 to {MAX_UNITS}")
        within_limits(name=(self.name, 1, 200), description=(self.description, 0, 10_000),
                      category=(self.category, 0, 100), unit=(self.unit, 1, 20))  # fmt: skip


class Warehouse(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    code: str
    """Upper-case letters, digits and dashes, 2 to 20; unique."""
    name: str
    address: str = ""
    created_at: datetime

    def __post_init__(self) -> None:
        if not WAREHOUSE_CODE.fullmatch(self.code):
            raise RuleViolated("code: 2 to 20 upper-case letters, digits and dashes")
        within_limits(name=(self.name, 1, 200), address=(self.address, 0, 1000))


class MovementKind(StrEnum):
    RECEIVE = "receive"
    """Goods in: adds to on hand."""
    ADJUST = "adjust"
    """A count corrected, up or down, with a reason."""
    SHIP = "ship"
    """Goods out for a sales order: takes from on hand what its reservation held."""
    TRANSFER = "transfer"
    """Between two warehouses: a pair of lines, out of one and into the other, one reference."""


class Movement(msgspec.Struct, frozen=True, kw_only=True):
    """One line of the ledger; never changed or deleted. Levels are the sum of these."""

    id: str
    kind: MovementKind
    product_id: str
    warehouse_id: str
    quantity: int
    """Signed change of on hand."""
    reason: str = ""
    reference: str = ""
    """What caused it when not a person's count: ``order:<id>``, ``purchase_order:<id>``."""
    occurred_at: datetime


class StockLevel(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str
    warehouse_id: str
    on_hand: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def moved(self, quantity: int) -> "StockLevel":
        """This level after a movement of ``quantity``; nothing ever goes negative, and what is
        reserved stays covered."""
        on_hand = self.on_hand + quantity
        if on_hand > MAX_UNITS:
            raise RuleViolated(f"quantity: a level holds at most {MAX_UNITS} units")
        if on_hand < self.reserved:
            raise InsufficientStock(
                f"only {self.available} available here; a movement of {quantity} would leave too little"
            )
        return msgspec.structs.replace(self, on_hand=on_hand)

    def reserving(self, quantity: int) -> "StockLevel":
        if quantity > self.available:
            raise InsufficientStock(f"only {self.available} available of product {self.product_id}")
        return msgspec.structs.replace(self, reserved=self.reserved + quantity)

    def releasing(self, quantity: int) -> "StockLevel":
        return msgspec.structs.replace(self, reserved=self.reserved - quantity)

    def shipping(self, quantity: int) -> "StockLevel":
        """What a reservation held leaves the warehouse: on hand and reserved both fall."""
        return msgspec.structs.replace(
            self, on_hand=self.on_hand - quantity, reserved=self.reserved - quantity
        )


class LowStock(msgspec.Struct, frozen=True, kw_only=True):
    """A level whose available stock is below its product's reorder point."""

    product_id: str
    sku: str
    warehouse_id: str
    available: int
    reorder_point: int
    reorder_quantity: int
    preferred_supplier_id: str | None = None

    @property
    def suggested_quantity(self) -> int:
        """The reorder quantity, or enough to reach the reorder point, whichever is more."""
        return max(self.reorder_quantity, self.reorder_point - self.available)
