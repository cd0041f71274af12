"""``/v1/suppliers`` (and what each supplies) and ``/v1/purchase-orders``."""

from datetime import datetime
from decimal import Decimal
from inspect import getdoc
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, get, patch, post, put
from litestar.params import Body, FromPath, FromQuery, JSONBody

from adapters.http.access import requires
from adapters.http.etags import MERGE_PATCH, IfMatch, tagged, version_in
from adapters.http.idempotency import IDEMPOTENT
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission
from core.domain.audit.model import Invocation
from core.domain.logistics.purchasing import PurchaseOrder, PurchaseOrderStatus, Receipt, Supplier
from core.domain.logistics.use_cases.purchasing import (
    CancelPurchaseOrder,
    ClosePurchaseOrder,
    CreatePurchaseOrder,
    GetPurchaseOrder,
    ListPurchaseOrders,
    NewPurchaseOrder,
    ReceivePurchaseOrder,
    SubmitPurchaseOrder,
)
from core.domain.logistics.use_cases.suppliers import (
    CreateSupplier,
    GetSupplier,
    ListSupplierProducts,
    ListSuppliers,
    NewSupplier,
    OfferTerms,
    SetSupplierProduct,
    SupplierChanges,
    UpdateSupplier,
)
from core.ports.logistics import PurchaseOrderFilter, SupplierFilter

READ = requires(Permission.LOGISTICS_READ)
WRITE = requires(Permission.LOGISTICS_WRITE)


class SupplierIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: str
    email: str = ""
    phone: str = ""
    lead_time_days: int = 0
    rating: Decimal | None = None
    """0 to 5, at most one decimal place: a decimal string (``"4.5"``); a JSON number is read exactly."""


class SupplierOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    email: str
    phone: str
    lead_time_days: int
    rating: Decimal | None
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def answer(cls, supplier: Supplier, status_code: int = 200) -> Response["SupplierOut"]:
        return tagged(msgspec.convert(supplier, cls, from_attributes=True), supplier.version, status_code)


class OfferIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    unit_cost: Decimal
    """A decimal string, e.g. ``"9.75"``."""
    currency: str
    preferred: bool = False


class OfferOut(msgspec.Struct, frozen=True, kw_only=True):
    supplier_id: str
    product_id: str
    unit_cost: Decimal
    currency: str
    preferred: bool
    updated_at: datetime


class PurchaseOrderLineIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    product_id: str
    quantity: int
    unit_cost: Decimal
    """A decimal string, e.g. ``"9.75"``, in the order's currency."""


class PurchaseOrderIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    supplier_id: str
    warehouse_id: str
    """Where the goods will be received."""
    currency: str
    lines: list[PurchaseOrderLineIn]


class ReceiptLineIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    product_id: str
    quantity: int


class ReceiptIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    lines: list[ReceiptLineIn]


class PurchaseOrderLineOut(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str
    quantity: int
    unit_cost: Decimal
    received: int
    outstanding: int


class PurchaseOrderOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    supplier_id: str
    warehouse_id: str
    status: PurchaseOrderStatus
    lines: list[PurchaseOrderLineOut]
    currency: str
    total: Decimal
    created_by: str
    allowed_actions: list[str]
    """What may be done next (``submit``, ``receive``, ``close``, ``cancel``)."""
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, order: PurchaseOrder) -> "PurchaseOrderOut":
        lines = [
            PurchaseOrderLineOut(product_id=line.product_id, quantity=line.quantity, unit_cost=line.unit_cost,
                                 received=line.received, outstanding=line.outstanding)
            for line in order.lines
        ]  # fmt: skip
        return cls(
            id=order.id,
            supplier_id=order.supplier_id,
            warehouse_id=order.warehouse_id,
            status=order.status,
            lines=lines,
            currency=order.currency,
            total=order.total,
            created_by=order.created_by,
            allowed_actions=order.allowed_actions(),
            version=order.version,
            created_at=order.created_at,
            updated_at=order.updated_at,
        )


def _answer(order: PurchaseOrder, status_code: int = 200) -> Response[PurchaseOrderOut]:
    return tagged(PurchaseOrderOut.of(order), order.version, status_code)


class SuppliersController(Controller):
    path = "/v1/suppliers"
    tags = ["logistics: purchasing"]

    @post("/", operation_id="CreateSupplier", description=getdoc(CreateSupplier), opt=WRITE)
    @inject
    async def create(
        self, data: JSONBody[SupplierIn], use_case: FromDishka[CreateSupplier], by: FromDishka[Invocation]
    ) -> Response[SupplierOut]:
        supplier = await use_case.execute(msgspec.convert(data, NewSupplier, from_attributes=True), by)
        return SupplierOut.answer(supplier, 201)

    @get("/", operation_id="ListSuppliers", description=getdoc(ListSuppliers), opt=READ, dependencies=PAGED)
    @inject
    async def list_suppliers(
        self, use_case: FromDishka[ListSuppliers], page: PageQuery, active: FromQuery[bool | None] = None
    ) -> PageOut[SupplierOut]:
        return PageOut.of(await use_case.execute(SupplierFilter(active=active), page), SupplierOut)

    @get("/{supplier_id:str}", operation_id="GetSupplier", description=getdoc(GetSupplier), opt=READ)
    @inject
    async def get_supplier(
        self, supplier_id: FromPath[str], use_case: FromDishka[GetSupplier]
    ) -> Response[SupplierOut]:
        return SupplierOut.answer(await use_case.execute(supplier_id))

    @patch("/{supplier_id:str}", operation_id="UpdateSupplier", description=getdoc(UpdateSupplier), opt=WRITE)
    @inject
    async def update(
        self,
        supplier_id: FromPath[str],
        data: Annotated[SupplierChanges, Body(media_type=MERGE_PATCH)],
        use_case: FromDishka[UpdateSupplier],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[SupplierOut]:
        return SupplierOut.answer(await use_case.execute(supplier_id, data, by, version_in(if_match)))

    @put(
        "/{supplier_id:str}/products/{product_id:str}",
        operation_id="SetSupplierProduct",
        description=getdoc(SetSupplierProduct),
        opt=WRITE,
    )
    @inject
    async def set_offer(
        self,
        supplier_id: FromPath[str],
        product_id: FromPath[str],
        data: JSONBody[OfferIn],
        use_case: FromDishka[SetSupplierProduct],
        by: FromDishka[Invocation],
    ) -> OfferOut:
        terms = msgspec.convert(data, OfferTerms, from_attributes=True)
        offer = await use_case.execute(supplier_id, product_id, terms, by)
        return msgspec.convert(offer, OfferOut, from_attributes=True)

    @get(
        "/{supplier_id:str}/products",
        operation_id="ListSupplierProducts",
        description=getdoc(ListSupplierProducts),
        opt=READ,
        dependencies=PAGED,
    )
    @inject
    async def list_offers(
        self, supplier_id: FromPath[str], use_case: FromDishka[ListSupplierProducts], page: PageQuery
    ) -> PageOut[OfferOut]:
        return PageOut.of(await use_case.execute(supplier_id, page), OfferOut)


class PurchaseOrdersController(Controller):
    path = "/v1/purchase-orders"
    tags = ["logistics: purchasing"]

    @post(
        "/",
        operation_id="CreatePurchaseOrder",
        description=getdoc(CreatePurchaseOrder),
        opt=WRITE | IDEMPOTENT,
    )
    @inject
    async def create(
        self,
        data: JSONBody[PurchaseOrderIn],
        use_case: FromDishka[CreatePurchaseOrder],
        by: FromDishka[Invocation],
    ) -> Response[PurchaseOrderOut]:
        order = await use_case.execute(msgspec.convert(data, NewPurchaseOrder, from_attributes=True), by)
        return _answer(order, 201)

    @get(
        "/",
        operation_id="ListPurchaseOrders",
        description=getdoc(ListPurchaseOrders),
        opt=READ,
        dependencies=PAGED,
    )
    @inject
    async def list_orders(
        self,
        use_case: FromDishka[ListPurchaseOrders],
        page: PageQuery,
        status: FromQuery[PurchaseOrderStatus | None] = None,
        supplier_id: FromQuery[str | None] = None,
    ) -> PageOut[PurchaseOrderOut]:
        query = PurchaseOrderFilter(status=status, supplier_id=supplier_id)
        return PageOut.mapped(await use_case.execute(query, page), PurchaseOrderOut.of)

    @get("/{order_id:str}", operation_id="GetPurchaseOrder", description=getdoc(GetPurchaseOrder), opt=READ)
    @inject
    async def get_order(
        self, order_id: FromPath[str], use_case: FromDishka[GetPurchaseOrder]
    ) -> Response[PurchaseOrderOut]:
        return _answer(await use_case.execute(order_id))

    @post(
        "/{order_id:str}/submit",
        operation_id="SubmitPurchaseOrder",
        description=getdoc(SubmitPurchaseOrder),
        opt=WRITE,
    )
    @inject
    async def submit(
        self,
        order_id: FromPath[str],
        use_case: FromDishka[SubmitPurchaseOrder],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[PurchaseOrderOut]:
        return _answer(await use_case.execute(order_id, by, version_in(if_match)))

    @post(
        "/{order_id:str}/cancel",
        operation_id="CancelPurchaseOrder",
        description=getdoc(CancelPurchaseOrder),
        opt=WRITE,
    )
    @inject
    async def cancel(
        self,
        order_id: FromPath[str],
        use_case: FromDishka[CancelPurchaseOrder],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[PurchaseOrderOut]:
        return _answer(await use_case.execute(order_id, by, version_in(if_match)))

    @post(
        "/{order_id:str}/close",
        operation_id="ClosePurchaseOrder",
        description=getdoc(ClosePurchaseOrder),
        opt=WRITE,
    )
    @inject
    async def close(
        self,
        order_id: FromPath[str],
        use_case: FromDishka[ClosePurchaseOrder],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[PurchaseOrderOut]:
        return _answer(await use_case.execute(order_id, by, version_in(if_match)))

    @post(
        "/{order_id:str}/receive",
        operation_id="ReceivePurchaseOrder",
        description=getdoc(ReceivePurchaseOrder),
        opt=WRITE | IDEMPOTENT,
    )
    @inject
    async def receive(
        self,
        order_id: FromPath[str],
        data: JSONBody[ReceiptIn],
        use_case: FromDishka[ReceivePurchaseOrder],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[PurchaseOrderOut]:
        receipts = [Receipt(product_id=line.product_id, quantity=line.quantity) for line in data.lines]
        return _answer(await use_case.execute(order_id, receipts, by, version_in(if_match)))
