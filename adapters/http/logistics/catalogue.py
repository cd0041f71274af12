"""``/v1/products`` and ``/v1/warehouses``."""

from datetime import datetime
from decimal import Decimal
from inspect import getdoc
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, get, patch, post
from litestar.params import Body, FromPath, FromQuery, JSONBody

from adapters.http.access import requires
from adapters.http.etags import MERGE_PATCH, IfMatch, tagged, version_in
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission, Principal
from core.domain.audit.model import Invocation
from core.domain.logistics.model import Product
from core.domain.logistics.use_cases.catalogue import (
    CreateProduct,
    CreateWarehouse,
    GetProduct,
    ListProducts,
    ListWarehouses,
    NewProduct,
    NewWarehouse,
    ProductChanges,
    UpdateProduct,
)
from core.ports.logistics import ProductFilter

READ = requires(Permission.LOGISTICS_READ)
BROWSE = requires(Permission.LOGISTICS_READ, Permission.ORDERS_OWN)
WRITE = requires(Permission.LOGISTICS_WRITE)


class ProductIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    sku: str
    name: str
    description: str = ""
    category: str = ""
    unit_price: Decimal
    """A decimal string, e.g. ``"12.50"`` (never a float)."""
    currency: str
    unit: str = "each"
    reorder_point: int = 0
    reorder_quantity: int = 0


class ProductOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    sku: str
    name: str
    description: str
    category: str
    unit_price: Decimal
    currency: str
    unit: str
    reorder_point: int
    reorder_quantity: int
    active: bool
    version: int
    created_at: datetime

    @classmethod
    def of(cls, product: Product) -> "ProductOut":
        return msgspec.convert(product, cls, from_attributes=True)


class WarehouseIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    code: str
    name: str
    address: str = ""


class WarehouseOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    code: str
    name: str
    address: str
    created_at: datetime


class ProductsController(Controller):
    path = "/v1/products"
    tags = ["logistics: products"]

    @post("/", operation_id="CreateProduct", description=getdoc(CreateProduct), opt=WRITE)
    @inject
    async def create(
        self, data: JSONBody[ProductIn], use_case: FromDishka[CreateProduct], by: FromDishka[Invocation]
    ) -> Response[ProductOut]:
        product = await use_case.execute(msgspec.convert(data, NewProduct, from_attributes=True), by)
        return tagged(ProductOut.of(product), product.version, 201)

    @get("/", operation_id="ListProducts", description=getdoc(ListProducts), opt=BROWSE, dependencies=PAGED)
    @inject
    async def list_products(
        self,
        use_case: FromDishka[ListProducts],
        principal: FromDishka[Principal],
        page: PageQuery,
        category: FromQuery[str | None] = None,
        active: FromQuery[bool | None] = None,
    ) -> PageOut[ProductOut]:
        found = await use_case.execute(ProductFilter(category=category, active=active), page, principal)
        return PageOut.of(found, ProductOut)

    @get("/{product_id:str}", operation_id="GetProduct", description=getdoc(GetProduct), opt=BROWSE)
    @inject
    async def get_product(
        self, product_id: FromPath[str], use_case: FromDishka[GetProduct], principal: FromDishka[Principal]
    ) -> Response[ProductOut]:
        product = await use_case.execute(product_id, principal)
        return tagged(ProductOut.of(product), product.version)

    @patch("/{product_id:str}", operation_id="UpdateProduct", description=getdoc(UpdateProduct), opt=WRITE)
    @inject
    async def update(
        self,
        product_id: FromPath[str],
        data: Annotated[ProductChanges, Body(media_type=MERGE_PATCH)],
        use_case: FromDishka[UpdateProduct],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[ProductOut]:
        product = await use_case.execute(product_id, data, by, version_in(if_match))
        return tagged(ProductOut.of(product), product.version)


class WarehousesController(Controller):
    path = "/v1/warehouses"
    tags = ["logistics: warehouses"]

    @post("/", operation_id="CreateWarehouse", description=getdoc(CreateWarehouse), opt=WRITE)
    @inject
    async def create(
        self, data: JSONBody[WarehouseIn], use_case: FromDishka[CreateWarehouse], by: FromDishka[Invocation]
    ) -> WarehouseOut:
        warehouse = await use_case.execute(msgspec.convert(data, NewWarehouse, from_attributes=True), by)
        return msgspec.convert(warehouse, WarehouseOut, from_attributes=True)

    @get("/", operation_id="ListWarehouses", description=getdoc(ListWarehouses), opt=READ, dependencies=PAGED)
    @inject
    async def list_warehouses(
        self, use_case: FromDishka[ListWarehouses], page: PageQuery
    ) -> PageOut[WarehouseOut]:
        return PageOut.of(await use_case.execute(page), WarehouseOut)
