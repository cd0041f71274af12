"""Logistics reports, computed from the ledger's levels and the orders."""

from datetime import datetime, timedelta

from core.domain.errors import RuleViolated
from core.domain.logistics.reports import Fulfilment, ValuationRow, fulfilment
from core.ports.logistics import LogisticsUnitOfWork


class StockValuation:
    """- Units on hand and their value at each product's current price, by warehouse, category
    and currency (never summed across currencies)."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self) -> list[ValuationRow]:
        async with self._uow as uow:
            return await uow.reports.valuation()


class FulfilmentReport:
    """- Of the orders shipped in [since, until): how many, the median and 90th percentile hours
      from placing to shipping, and the share shipped within `target_hours` (default 48).
    - The window is at most 366 days; `since` before `until`."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, since: datetime, until: datetime, target_hours: int) -> Fulfilment:
        if not since < until <= since + timedelta(days=366):
            raise RuleViolated("since, until: since before until, at most 366 days apart")
        if not 1 <= target_hours <= 24 * 90:
            raise RuleViolated("target_hours: 1 to 2160")
        async with self._uow as uow:
            lead_times = await uow.reports.lead_times(since, until)
        return fulfilment(lead_times, timedelta(hours=target_hours))
