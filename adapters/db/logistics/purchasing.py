"""Suppliers, their offers, and purchase orders with their lines."""

import builtins
from typing import Any

import msgspec
from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.logistics.tables import purchase_order_lines, purchase_orders, supplier_products, suppliers
from adapters.db.pagination import oldest_first
from adapters.db.rows import children_of, plain
from core.domain.logistics.purchasing import PurchaseOrder, Supplier, SupplierProduct
from core.ports.logistics import (
    PurchaseOrderFilter,
    PurchaseOrderRepository,
    SupplierFilter,
    SupplierRepository,
)
from core.ports.pagination import Page, PageRequest, decode_cursor


class SqlSupplierRepository(SupplierRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, supplier: Supplier) -> None:
        await self._session.execute(insert(suppliers).values(**msgspec.structs.asdict(supplier)))

    @translated
    async def get(self, supplier_id: str) -> Supplier | None:
        row = (await self._session.execute(select(suppliers).where(suppliers.c.id == supplier_id))).first()
        return None if row is None else Supplier(**plain(row))

    @translated
    async def lock(self, supplier_id: str) -> Supplier | None:
        statement = select(suppliers).where(suppliers.c.id == supplier_id).with_for_update()
        row = (await self._session.execute(statement)).first()
        return None if row is None else Supplier(**plain(row))

    @translated
    async def save(self, supplier: Supplier) -> None:
        values = msgspec.structs.asdict(supplier)
        await self._session.execute(update(suppliers).where(suppliers.c.id == supplier.id).values(**values))

    @translated
    async def list(self, query: SupplierFilter, page: PageRequest) -> Page[Supplier]:
        statement = select(suppliers)
        if query.active is not None:
            statement = statement.where(suppliers.c.active == query.active)
        rows = (await self._session.execute(oldest_first(statement, page, suppliers.c.id))).all()
        return Page.of([Supplier(**plain(row)) for row in rows], page, key=lambda supplier: supplier.id)

    @translated
    async def put_offer(self, offer: SupplierProduct) -> "builtins.list[SupplierProduct]":
        c = supplier_products.c
        unpreferred: builtins.list[SupplierProduct] = []
        if offer.preferred:
            # Before the upsert: the partial unique index allows one preferred row per product.
            rows = await self._session.execute(
                update(supplier_products)
                .where(c.product_id == offer.product_id, c.supplier_id != offer.supplier_id, c.preferred)
                .values(preferred=False, updated_at=offer.updated_at)
                .returning(*supplier_products.c)
            )
            unpreferred = [SupplierProduct(**plain(row)) for row in rows]
        dialect = postgresql if self._session.get_bind().dialect.name == "postgresql" else sqlite
        values = msgspec.structs.asdict(offer)
        upsert = dialect.insert(supplier_products).values(**values)
        await self._session.execute(
            upsert.on_conflict_do_update(
                index_elements=[c.supplier_id, c.product_id],
                set_={name: values[name] for name in ("unit_cost", "currency", "preferred", "updated_at")},
            )
        )
        return unpreferred

    @translated
    async def offers(self, supplier_id: str, page: PageRequest) -> Page[SupplierProduct]:
        c = supplier_products.c
        statement = select(supplier_products).where(c.supplier_id == supplier_id)
        if page.after is not None:
            statement = statement.where(c.product_id > decode_cursor(page.after, str))
        rows = (await self._session.execute(statement.order_by(c.product_id).limit(page.limit + 1))).all()
        found = [SupplierProduct(**plain(row)) for row in rows]
        return Page.of(found, page, key=lambda offer: offer.product_id)

    @translated
    async def preferred_for(self, product_id: str) -> SupplierProduct | None:
        c = supplier_products.c
        statement = (
            select(supplier_products)
            .join(suppliers, suppliers.c.id == c.supplier_id)
            .where(c.product_id == product_id, c.preferred, suppliers.c.active)
        )
        row = (await self._session.execute(statement)).first()
        return None if row is None else SupplierProduct(**plain(row))


class SqlPurchaseOrderRepository(PurchaseOrderRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, order: PurchaseOrder) -> None:
        await self._session.execute(insert(purchase_orders).values(**_header_of(order)))
        await self._session.execute(
            insert(purchase_order_lines),
            [
                {"purchase_order_id": order.id, "line_no": number, **msgspec.structs.asdict(line)}
                for number, line in enumerate(order.lines, start=1)
            ],
        )

    @translated
    async def get(self, order_id: str) -> PurchaseOrder | None:
        found = await self._loaded(select(purchase_orders).where(purchase_orders.c.id == order_id))
        return found[0] if found else None

    @translated
    async def lock(self, order_id: str) -> PurchaseOrder | None:
        statement = select(purchase_orders).where(purchase_orders.c.id == order_id).with_for_update()
        found = await self._loaded(statement)
        return found[0] if found else None

    @translated
    async def save(self, order: PurchaseOrder) -> None:
        await self._session.execute(
            update(purchase_orders)
            .where(purchase_orders.c.id == order.id)
            .values(status=order.status, version=order.version, updated_at=order.updated_at)
        )
        c = purchase_order_lines.c
        for line in order.lines:
            await self._session.execute(
                update(purchase_order_lines)
                .where(c.purchase_order_id == order.id, c.product_id == line.product_id)
                .values(received=line.received)
            )

    @translated
    async def list(self, query: PurchaseOrderFilter, page: PageRequest) -> Page[PurchaseOrder]:
        statement = select(purchase_orders)
        if query.status is not None:
            statement = statement.where(purchase_orders.c.status == query.status)
        if query.supplier_id is not None:
            statement = statement.where(purchase_orders.c.supplier_id == query.supplier_id)
        found = await self._loaded(oldest_first(statement, page, purchase_orders.c.id))
        return Page.of(found, page, key=lambda order: order.id)

    async def _loaded(self, statement: Any) -> "builtins.list[PurchaseOrder]":
        headers = (await self._session.execute(statement)).all()
        c = purchase_order_lines.c
        ids = [row.id for row in headers]
        lines = await children_of(self._session, purchase_order_lines, c.purchase_order_id, ids, c.line_no)
        loaded = ({**plain(row), "lines": lines[row.id]} for row in headers)
        return [msgspec.convert(values, PurchaseOrder, from_attributes=True) for values in loaded]


def _header_of(order: PurchaseOrder) -> dict[str, Any]:
    return {column.name: getattr(order, column.name) for column in purchase_orders.c}
