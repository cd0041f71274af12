"""Sales orders and their lines."""

import builtins
from typing import Any

import msgspec
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.logistics.tables import order_lines, orders
from adapters.db.pagination import oldest_first
from adapters.db.rows import children_of, plain
from core.domain.logistics.orders import SalesOrder
from core.ports.logistics import OrderFilter, SalesOrderRepository
from core.ports.pagination import Page, PageRequest


class SqlSalesOrderRepository(SalesOrderRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, order: SalesOrder) -> None:
        await self._session.execute(insert(orders).values(**_header_of(order)))
        await self._session.execute(
            insert(order_lines),
            [
                {"order_id": order.id, "line_no": number, "product_id": line.product_id,
                 "quantity": line.quantity, "unit_price": line.unit_price}
                for number, line in enumerate(order.lines, start=1)
            ],
        )  # fmt: skip

    @translated
    async def get(self, order_id: str) -> SalesOrder | None:
        found = await self._loaded(select(orders).where(orders.c.id == order_id))
        return found[0] if found else None

    @translated
    async def lock(self, order_id: str) -> SalesOrder | None:
        # The order's row locked and its lines read in one round trip: every action on an order
        # starts here, inside a transaction that ends holding the audit chain's head.
        c = order_lines.c
        statement = (
            select(orders, c.line_no, c.product_id, c.quantity, c.unit_price)
            .outerjoin(order_lines, c.order_id == orders.c.id)
            .where(orders.c.id == order_id)
            .order_by(c.line_no)
            .with_for_update(of=orders)
        )
        rows = (await self._session.execute(statement)).all()
        if not rows:
            return None
        header = {str(column.name): getattr(rows[0], column.name) for column in orders.c}
        lines = [
            {"product_id": row.product_id, "quantity": row.quantity, "unit_price": row.unit_price}
            for row in rows
            if row.line_no is not None
        ]
        return msgspec.convert({**header, "lines": lines}, SalesOrder)

    @translated
    async def save(self, order: SalesOrder) -> None:
        values = _header_of(order)
        for fixed in ("id", "customer_id", "warehouse_id", "currency", "placed_by", "created_at"):
            values.pop(fixed)
        await self._session.execute(update(orders).where(orders.c.id == order.id).values(**values))

    @translated
    async def list(self, query: OrderFilter, page: PageRequest) -> Page[SalesOrder]:
        statement = select(orders)
        if query.customer_id is not None:
            statement = statement.where(orders.c.customer_id == query.customer_id)
        if query.status is not None:
            statement = statement.where(orders.c.status == query.status)
        if query.warehouse_id is not None:
            statement = statement.where(orders.c.warehouse_id == query.warehouse_id)
        found = await self._loaded(oldest_first(statement, page, orders.c.id))
        return Page.of(found, page, key=lambda order: order.id)

    async def _loaded(self, statement: Any) -> "builtins.list[SalesOrder]":
        headers = (await self._session.execute(statement)).all()
        c = order_lines.c
        lines = await children_of(
            self._session, order_lines, c.order_id, [row.id for row in headers], c.line_no
        )
        loaded = ({**plain(row), "lines": lines[row.id]} for row in headers)
        return [msgspec.convert(values, SalesOrder, from_attributes=True) for values in loaded]


def _header_of(order: SalesOrder) -> dict[str, Any]:
    return {column.name: getattr(order, column.name) for column in orders.c}
