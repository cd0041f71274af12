"""What logistics reports: stock valuation, and how fast orders leave."""

import math
from datetime import timedelta
from decimal import Decimal

import msgspec


class ValuationRow(msgspec.Struct, frozen=True, kw_only=True):
    warehouse_id: str
    category: str
    currency: str
    units: int
    """Units on hand."""
    value: Decimal
    """Units on hand at each product's current unit price."""


class Fulfilment(msgspec.Struct, frozen=True, kw_only=True):
    orders_shipped: int
    median_hours_to_ship: float | None
    p90_hours_to_ship: float | None
    on_time_share: float | None
    """The share shipped within ``target_hours`` of being placed; None when nothing shipped."""
    target_hours: int


def fulfilment(lead_times: list[timedelta], target: timedelta) -> Fulfilment:
    """Order-to-ship lead times summarised: nearest-rank percentiles, in hours."""
    hours = sorted(lead.total_seconds() / 3600 for lead in lead_times)
    target_hours = int(target.total_seconds() // 3600)
    if not hours:
        return Fulfilment(orders_shipped=0, median_hours_to_ship=None, p90_hours_to_ship=None,
                          on_time_share=None, target_hours=target_hours)  # fmt: skip
    on_time = sum(lead <= target for lead in lead_times)
    return Fulfilment(
        orders_shipped=len(hours),
        median_hours_to_ship=round(_rank(hours, 0.5), 2),
        p90_hours_to_ship=round(_rank(hours, 0.9), 2),
        on_time_share=round(on_time / len(hours), 4),
        target_hours=target_hours,
    )


def _rank(ordered: list[float], share: float) -> float:
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]
