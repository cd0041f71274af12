"""Purchase orders and suppliers as values: what a receipt may count, which status follows, and
what a supplier may look like."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.errors import InvalidTransition, RuleViolated
from core.domain.logistics.purchasing import (
    OverReceipt,
    PurchaseOrder,
    PurchaseOrderAction,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    Receipt,
    Supplier,
)

NOW = datetime(2026, 12, 3, tzinfo=UTC)
Status = PurchaseOrderStatus


def order(*quantities: int, status: Status = Status.SUBMITTED) -> PurchaseOrder:
    lines = tuple(
        PurchaseOrderLine(product_id=f"p{index}", quantity=quantity, unit_cost=Decimal("2.50"))
        for index, quantity in enumerate(quantities)
    )
    return PurchaseOrder(id="po-1", supplier_id="s-1", warehouse_id="w-1", lines=lines, currency="INR",
                         status=status, created_by="ops-1", created_at=NOW, updated_at=NOW)  # fmt: skip


def test_a_receipt_counts_what_arrived_and_the_status_follows_what_is_outstanding() -> None:
    placed = order(10, 4)

    partly = placed.receiving([Receipt(product_id="p0", quantity=10)], NOW)
    complete = partly.receiving([Receipt(product_id="p1", quantity=4)], NOW)

    assert [line.outstanding for line in partly.lines] == [0, 4]
    assert (partly.status, complete.status) == (Status.PARTIALLY_RECEIVED, Status.RECEIVED)
    assert (complete.version, complete.total) == (3, Decimal("35.00"))


def test_the_life_cycle_allows_only_its_own_steps() -> None:
    draft = order(1, status=Status.DRAFT)
    closed = order(1, status=Status.RECEIVED).after(PurchaseOrderAction.CLOSE, NOW)

    assert draft.after(PurchaseOrderAction.SUBMIT, NOW).status is Status.SUBMITTED
    assert draft.after(PurchaseOrderAction.CANCEL, NOW).status is Status.CANCELLED
    assert (closed.status, closed.allowed_actions()) == (Status.CLOSED, [])
    with pytest.raises(InvalidTransition, match="a partially_received purchase order cannot be cancelled"):
        order(2, status=Status.PARTIALLY_RECEIVED).after(PurchaseOrderAction.CANCEL, NOW)
    with pytest.raises(InvalidTransition, match="allowed now: submit, cancel"):
        draft.receiving([Receipt(product_id="p0", quantity=1)], NOW)


@given(arrivals=st.lists(st.tuples(st.integers(0, 2), st.integers(-2, 12)), max_size=12))
def test_whatever_arrives_nothing_is_ever_received_beyond_the_order(arrivals: list[tuple[int, int]]) -> None:
    current = order(5, 7, 1)
    for product, quantity in arrivals:
        try:
            current = current.receiving([Receipt(product_id=f"p{product}", quantity=quantity)], NOW)
        except (OverReceipt, RuleViolated, InvalidTransition):
            continue  # refused: the order is as it was
        assert quantity >= 1
    assert all(0 <= line.received <= line.quantity for line in current.lines)
    complete = all(line.outstanding == 0 for line in current.lines)
    assert (current.status is Status.RECEIVED) == complete


BROKEN_SUPPLIERS = [
    {"rating": Decimal("5.1")},
    {"rating": Decimal("4.25")},
    {"rating": Decimal("NaN")},
    {"lead_time_days": -1},
    {"email": "nobody"},
    {"phone": "call me"},
    {"name": " "},
]


@pytest.mark.parametrize("field", BROKEN_SUPPLIERS)
def test_a_supplier_that_breaks_a_rule_is_refused(field: dict[str, object]) -> None:
    with pytest.raises(RuleViolated):
        Supplier(**{"id": "s-1", "name": "Aranya", "created_at": NOW, "updated_at": NOW, **field})  # type: ignore[arg-type]
