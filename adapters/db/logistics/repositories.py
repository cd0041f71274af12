from typing import Any

import msgspec
from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.logistics.tables import movements, products, stock_levels, warehouses
from adapters.db.pagination import oldest_first
from adapters.db.rows import plain
from core.domain.logistics.model import LowStock, Movement, Product, StockLevel, Warehouse
from core.ports.logistics import (
    MovementLedger,
    ProductFilter,
    ProductRepository,
    StockFilter,
    StockRepository,
    WarehouseRepository,
)
from core.ports.pagination import Page, PageRequest, decode_cursor


class SqlProductRepository(ProductRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, product: Product) -> None:
        await self._session.execute(insert(products).values(**msgspec.structs.asdict(product)))

    @translated
    async def get(self, product_id: str) -> Product | None:
        row = (await self._session.execute(select(products).where(products.c.id == product_id))).first()
        return None if row is None else Product(**plain(row))

    @translated
    async def lock(self, product_id: str) -> Product | None:
        statement = select(products).where(products.c.id == product_id).with_for_update()
        row = (await self._session.execute(statement)).first()
        return None if row is None else Product(**plain(row))

    @translated
    async def save(self, product: Product) -> None:
        values = msgspec.structs.asdict(product)
        await self._session.execute(update(products).where(products.c.id == product.id).values(**values))

    @translated
    async def list(self, query: ProductFilter, page: PageRequest) -> Page[Product]:
        statement = select(products)
        if query.category is not None:
            statement = statement.where(products.c.category == query.category)
        if query.active is not None:
            statement = statement.where(products.c.active == query.active)
        rows = (await self._session.execute(oldest_first(statement, page, products.c.id))).all()
        return Page.of([Product(**plain(row)) for row in rows], page, key=lambda product: product.id)


class SqlWarehouseRepository(WarehouseRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, warehouse: Warehouse) -> None:
        await self._session.execute(insert(warehouses).values(**msgspec.structs.asdict(warehouse)))

    @translated
    async def get(self, warehouse_id: str) -> Warehouse | None:
        statement = select(warehouses).where(warehouses.c.id == warehouse_id)
        row = (await self._session.execute(statement)).first()
        return None if row is None else Warehouse(**plain(row))

    @translated
    async def list(self, page: PageRequest) -> Page[Warehouse]:
        rows = (await self._session.execute(oldest_first(select(warehouses), page, warehouses.c.id))).all()
        return Page.of([Warehouse(**plain(row)) for row in rows], page, key=lambda warehouse: warehouse.id)


class SqlStockRepository(StockRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def lock(self, product_id: str, warehouse_id: str) -> StockLevel:
        statement = (
            select(stock_levels)
            .where(stock_levels.c.product_id == product_id, stock_levels.c.warehouse_id == warehouse_id)
            .with_for_update()
        )
        # Usually the level exists: one round trip. Else it is made at zero, without racing a
        # concurrent maker, then locked (SQLite's writes are serialised already: its transactions
        # begin immediate, decision 0007).
        row = (await self._session.execute(statement)).first()
        if row is None:
            dialect = postgresql if self._session.get_bind().dialect.name == "postgresql" else sqlite
            await self._session.execute(
                dialect.insert(stock_levels)
                .values(product_id=product_id, warehouse_id=warehouse_id, on_hand=0, reserved=0)
                .on_conflict_do_nothing()
            )
            row = (await self._session.execute(statement)).one()
        return StockLevel(**plain(row))

    @translated
    async def save(self, level: StockLevel) -> None:
        await self._session.execute(
            update(stock_levels)
            .where(
                stock_levels.c.product_id == level.product_id,
                stock_levels.c.warehouse_id == level.warehouse_id,
            )
            .values(on_hand=level.on_hand, reserved=level.reserved)
        )

    @translated
    async def list(self, query: StockFilter, page: PageRequest) -> Page[StockLevel]:
        rows = (await self._session.execute(_by_level(select(stock_levels), query, page))).all()
        levels = [StockLevel(**plain(row)) for row in rows]
        return Page.of(levels, page, key=lambda level: (level.product_id, level.warehouse_id))

    @translated
    async def low(self, query: StockFilter, page: PageRequest) -> Page[LowStock]:
        c, p = stock_levels.c, products.c
        available = (c.on_hand - c.reserved).label("available")
        statement = (
            select(c.product_id, p.sku, c.warehouse_id, available, p.reorder_point, p.reorder_quantity)
            .join(products, p.id == c.product_id)
            .where(p.active.is_(True), c.on_hand - c.reserved < p.reorder_point)
        )
        rows = (await self._session.execute(_by_level(statement, query, page))).all()
        low = [LowStock(**plain(row)) for row in rows]
        return Page.of(low, page, key=lambda level: (level.product_id, level.warehouse_id))


def _by_level(statement: Select[Any], query: StockFilter, page: PageRequest) -> Select[Any]:
    """Filtered, and a keyset page by (product, warehouse)."""
    c = stock_levels.c
    if query.product_id is not None:
        statement = statement.where(c.product_id == query.product_id)
    if query.warehouse_id is not None:
        statement = statement.where(c.warehouse_id == query.warehouse_id)
    if page.after is not None:
        product_id, warehouse_id = decode_cursor(page.after, tuple[str, str])
        statement = statement.where(
            (c.product_id > product_id) | ((c.product_id == product_id) & (c.warehouse_id > warehouse_id))
        )
    return statement.order_by(c.product_id, c.warehouse_id).limit(page.limit + 1)


class SqlMovementLedger(MovementLedger):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def append(self, movement: Movement) -> None:
        await self._session.execute(insert(movements).values(**msgspec.structs.asdict(movement)))

    @translated
    async def list(self, page: PageRequest) -> Page[Movement]:
        rows = (await self._session.execute(oldest_first(select(movements), page, movements.c.id))).all()
        return Page.of([Movement(**plain(row)) for row in rows], page, key=lambda movement: movement.id)

    @translated
    async def totals(self, product_id: str, warehouse_id: str) -> int:
        statement = select(func.coalesce(func.sum(movements.c.quantity), 0)).where(
            movements.c.product_id == product_id, movements.c.warehouse_id == warehouse_id
        )
        return int((await self._session.execute(statement)).scalar_one())
