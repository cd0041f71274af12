"""``/v1/orders``: placing, reading and acting on sales orders."""

from datetime import datetime
from decimal import Decimal
from inspect import getdoc

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from adapters.http.access import requires
from adapters.http.etags import IfMatch, tagged, version_in
from adapters.http.idempotency import IDEMPOTENT
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission, Principal
from core.domain.audit.model import Invocation
from core.domain.logistics.orders import OrderStatus, SalesOrder
from core.domain.logistics.use_cases.orders import (
    CancelOrder,
    DeliverOrder,
    GetOrder,
    ListOrders,
    NewOrder,
    PlaceOrder,
    ReserveOrder,
    ShipOrder,
)
from core.ports.logistics import OrderFilter

P = Permission
READ = requires(P.LOGISTICS_READ, P.ORDERS_OWN)
PLACE = requires(P.LOGISTICS_WRITE, P.ORDERS_OWN) | IDEMPOTENT
ACT = requires(P.LOGISTICS_WRITE)
CANCEL = requires(P.LOGISTICS_WRITE, P.ORDERS_OWN)


class OrderLineIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    product_id: str
    quantity: int


class OrderIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    customer_id: str | None = None
    """Staff name the CRM customer; a customer's own is implied (and another refused)."""
    warehouse_id: str
    lines: list[OrderLineIn]


class OrderLineOut(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str
    quantity: int
    unit_price: Decimal


class OrderOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    customer_id: str
    warehouse_id: str
    status: OrderStatus
    lines: list[OrderLineOut]
    currency: str
    total: Decimal
    placed_by: str
    allowed_actions: list[str]
    """What may be done next (``reserve``, ``ship``, ``deliver``, ``cancel``)."""
    version: int
    created_at: datetime
    updated_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None

    @classmethod
    def of(cls, order: SalesOrder) -> "OrderOut":
        return cls(
            id=order.id,
            customer_id=order.customer_id,
            warehouse_id=order.warehouse_id,
            status=order.status,
            lines=[msgspec.convert(line, OrderLineOut, from_attributes=True) for line in order.lines],
            currency=order.currency,
            total=order.total,
            placed_by=order.placed_by,
            allowed_actions=order.allowed_actions(),
            version=order.version,
            created_at=order.created_at,
            updated_at=order.updated_at,
            shipped_at=order.shipped_at,
            delivered_at=order.delivered_at,
        )


def _answer(order: SalesOrder, status_code: int = 200) -> Response[OrderOut]:
    return tagged(OrderOut.of(order), order.version, status_code)


class OrdersController(Controller):
    path = "/v1/orders"
    tags = ["logistics: orders"]

    @post("/", operation_id="PlaceOrder", description=getdoc(PlaceOrder), opt=PLACE)
    @inject
    async def place(
        self,
        data: JSONBody[OrderIn],
        use_case: FromDishka[PlaceOrder],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
    ) -> Response[OrderOut]:
        order = await use_case.execute(msgspec.convert(data, NewOrder, from_attributes=True), principal, by)
        return _answer(order, 201)

    @get("/", operation_id="ListOrders", description=getdoc(ListOrders), opt=READ, dependencies=PAGED)
    @inject
    async def list_orders(
        self,
        use_case: FromDishka[ListOrders],
        principal: FromDishka[Principal],
        page: PageQuery,
        customer_id: FromQuery[str | None] = None,
        status: FromQuery[OrderStatus | None] = None,
        warehouse_id: FromQuery[str | None] = None,
    ) -> PageOut[OrderOut]:
        query = OrderFilter(customer_id=customer_id, status=status, warehouse_id=warehouse_id)
        return PageOut.mapped(await use_case.execute(query, page, principal), OrderOut.of)

    @get("/{order_id:str}", operation_id="GetOrder", description=getdoc(GetOrder), opt=READ)
    @inject
    async def get_order(
        self, order_id: FromPath[str], use_case: FromDishka[GetOrder], principal: FromDishka[Principal]
    ) -> Response[OrderOut]:
        return _answer(await use_case.execute(order_id, principal))

    @post("/{order_id:str}/reserve", operation_id="ReserveOrder", description=getdoc(ReserveOrder), opt=ACT)
    @inject
    async def reserve(
        self,
        order_id: FromPath[str],
        use_case: FromDishka[ReserveOrder],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[OrderOut]:
        return _answer(await use_case.execute(order_id, principal, by, version_in(if_match)))

    @post("/{order_id:str}/ship", operation_id="ShipOrder", description=getdoc(ShipOrder), opt=ACT)
    @inject
    async def ship(
        self,
        order_id: FromPath[str],
        use_case: FromDishka[ShipOrder],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[OrderOut]:
        return _answer(await use_case.execute(order_id, principal, by, version_in(if_match)))

    @post("/{order_id:str}/deliver", operation_id="DeliverOrder", description=getdoc(DeliverOrder), opt=ACT)
    @inject
    async def deliver(
        self,
        order_id: FromPath[str],
        use_case: FromDishka[DeliverOrder],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[OrderOut]:
        return _answer(await use_case.execute(order_id, principal, by, version_in(if_match)))

    @post("/{order_id:str}/cancel", operation_id="CancelOrder", description=getdoc(CancelOrder), opt=CANCEL)
    @inject
    async def cancel(
        self,
        order_id: FromPath[str],
        use_case: FromDishka[CancelOrder],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[OrderOut]:
        return _answer(await use_case.execute(order_id, principal, by, version_in(if_match)))
