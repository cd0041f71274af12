"""Report queries over logistics' own tables."""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.logistics.tables import orders, products, stock_levels
from core.domain.logistics.reports import ValuationRow
from core.ports.logistics import LogisticsReports


class SqlLogisticsReports(LogisticsReports):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def valuation(self) -> list[ValuationRow]:
        level, product = stock_levels.c, products.c
        keys = (level.warehouse_id, product.category, product.currency)
        # Units are summed in SQL, value in Python: SQLite multiplies NUMERIC as floating point,
        # and money must stay exact.
        statement = (
            select(*keys, product.unit_price, func.sum(level.on_hand).label("units"))
            .join(products, product.id == level.product_id)
            .group_by(*keys, product.unit_price)
        )
        totals: dict[tuple[str, str, str], tuple[int, Decimal]] = defaultdict(lambda: (0, Decimal(0)))
        for row in await self._session.execute(statement):
            key = (row.warehouse_id, row.category, row.currency)
            units, value = totals[key]
            totals[key] = (units + int(row.units), value + Decimal(row.units) * row.unit_price)
        return [
            ValuationRow(
                warehouse_id=warehouse, category=category, currency=currency, units=units, value=value
            )
            for (warehouse, category, currency), (units, value) in sorted(totals.items())
        ]

    @translated
    async def lead_times(self, since: datetime, until: datetime) -> list[timedelta]:
        statement = select(orders.c.created_at, orders.c.shipped_at).where(
            orders.c.shipped_at >= since, orders.c.shipped_at < until
        )
        rows = (await self._session.execute(statement)).all()
        return [row.shipped_at - row.created_at for row in rows]
