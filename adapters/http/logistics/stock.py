"""``/v1/movements`` (the ledger) and ``/v1/stock`` (the levels it keeps)."""

from datetime import datetime
from inspect import getdoc

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody

from adapters.http.access import requires
from adapters.http.idempotency import IDEMPOTENT
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission
from core.domain.audit.model import Invocation
from core.domain.logistics.model import LowStock, MovementKind, StockLevel
from core.domain.logistics.use_cases.stock import (
    ListLowStock,
    ListMovements,
    ListStock,
    NewMovement,
    NewTransfer,
    RecordMovement,
    TransferStock,
)
from core.ports.logistics import StockFilter

READ = requires(Permission.LOGISTICS_READ)
WRITE = requires(Permission.LOGISTICS_WRITE)


class MovementIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: MovementKind
    product_id: str
    warehouse_id: str
    quantity: int
    reason: str = ""


class MovementOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: MovementKind
    product_id: str
    warehouse_id: str
    quantity: int
    reason: str
    reference: str
    occurred_at: datetime


class StockOut(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str
    warehouse_id: str
    on_hand: int
    reserved: int
    available: int

    @classmethod
    def of(cls, level: StockLevel) -> "StockOut":
        return cls(
            product_id=level.product_id,
            warehouse_id=level.warehouse_id,
            on_hand=level.on_hand,
            reserved=level.reserved,
            available=level.available,
        )


class LowStockOut(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str
    sku: str
    warehouse_id: str
    available: int
    reorder_point: int
    suggested_quantity: int
    preferred_supplier_id: str | None

    @classmethod
    def of(cls, low: LowStock) -> "LowStockOut":
        return cls(
            product_id=low.product_id,
            sku=low.sku,
            warehouse_id=low.warehouse_id,
            available=low.available,
            reorder_point=low.reorder_point,
            suggested_quantity=low.suggested_quantity,
            preferred_supplier_id=low.preferred_supplier_id,
        )


class RecordedOut(msgspec.Struct, frozen=True, kw_only=True):
    movement: MovementOut
    stock: StockOut


class TransferIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    product_id: str
    from_warehouse_id: str
    to_warehouse_id: str
    quantity: int
    reason: str = ""


class TransferredOut(msgspec.Struct, frozen=True, kw_only=True):
    movements: list[MovementOut]
    stock: list[StockOut]
    """The two levels after the transfer: the source's, then the destination's."""


class TransfersController(Controller):
    path = "/v1/transfers"
    tags = ["logistics: stock"]

    @post("/", operation_id="TransferStock", description=getdoc(TransferStock), opt=WRITE | IDEMPOTENT)
    @inject
    async def transfer(
        self, data: JSONBody[TransferIn], use_case: FromDishka[TransferStock], by: FromDishka[Invocation]
    ) -> TransferredOut:
        moved = await use_case.execute(msgspec.convert(data, NewTransfer, from_attributes=True), by)
        return TransferredOut(
            movements=[msgspec.convert(movement, MovementOut, from_attributes=True) for movement, _ in moved],
            stock=[StockOut.of(level) for _, level in moved],
        )


class MovementsController(Controller):
    path = "/v1/movements"
    tags = ["logistics: stock"]

    @post("/", operation_id="RecordMovement", description=getdoc(RecordMovement), opt=WRITE | IDEMPOTENT)
    @inject
    async def record(
        self, data: JSONBody[MovementIn], use_case: FromDishka[RecordMovement], by: FromDishka[Invocation]
    ) -> RecordedOut:
        command = msgspec.convert(data, NewMovement, from_attributes=True)
        movement, level = await use_case.execute(command, by)
        return RecordedOut(
            movement=msgspec.convert(movement, MovementOut, from_attributes=True), stock=StockOut.of(level)
        )

    @get("/", operation_id="ListMovements", description=getdoc(ListMovements), opt=READ, dependencies=PAGED)
    @inject
    async def list_movements(
        self, use_case: FromDishka[ListMovements], page: PageQuery
    ) -> PageOut[MovementOut]:
        return PageOut.of(await use_case.execute(page), MovementOut)


class StockController(Controller):
    path = "/v1/stock"
    tags = ["logistics: stock"]

    @get("/", operation_id="ListStock", description=getdoc(ListStock), opt=READ, dependencies=PAGED)
    @inject
    async def list_stock(
        self,
        use_case: FromDishka[ListStock],
        page: PageQuery,
        product_id: FromQuery[str | None] = None,
        warehouse_id: FromQuery[str | None] = None,
    ) -> PageOut[StockOut]:
        found = await use_case.execute(StockFilter(product_id=product_id, warehouse_id=warehouse_id), page)
        return PageOut.mapped(found, StockOut.of)


class LowStockController(Controller):
    path = "/v1/low-stock"
    tags = ["logistics: stock"]

    @get("/", operation_id="ListLowStock", description=getdoc(ListLowStock), opt=READ, dependencies=PAGED)
    @inject
    async def list_low_stock(
        self,
        use_case: FromDishka[ListLowStock],
        page: PageQuery,
        product_id: FromQuery[str | None] = None,
        warehouse_id: FromQuery[str | None] = None,
    ) -> PageOut[LowStockOut]:
        found = await use_case.execute(StockFilter(product_id=product_id, warehouse_id=warehouse_id), page)
        return PageOut.mapped(found, LowStockOut.of)
