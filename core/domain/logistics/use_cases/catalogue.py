"""Products and warehouses."""

from decimal import Decimal

import msgspec

from core.domain.access import Permission, Principal
from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.errors import NotFound
from core.domain.events import publish
from core.domain.logistics.audit import PRODUCTS, WAREHOUSES
from core.domain.logistics.events import LogisticsProductCreated
from core.domain.logistics.model import Product, Warehouse
from core.domain.versions import patched
from core.ports.clock import Clock, IdGenerator
from core.ports.logistics import LogisticsUnitOfWork, ProductFilter
from core.ports.pagination import Page, PageRequest


class NewProduct(msgspec.Struct, frozen=True, kw_only=True):
    sku: str
    name: str
    description: str = ""
    category: str = ""
    unit_price: Decimal
    currency: str
    unit: str = "each"
    reorder_point: int = 0
    reorder_quantity: int = 0


class NewWarehouse(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name: str
    address: str = ""


class CreateProduct:
    """- The SKU (upper-case letters, digits, dashes, 3 to 40) is unique: a second is a conflict.
    - The price is a decimal in a currency (ISO 4217), never negative.
    - A new product is active. The creation is audited and published (`logistics.product_created`)."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewProduct, by: Invocation) -> Product:
        now = self._clock.now()
        product = Product(id=self._ids.new_id(), created_at=now, **msgspec.structs.asdict(command))
        async with self._uow as uow:
            await uow.products.add(product)
            record(uow, by, now, PRODUCTS.change("create", None, product))
            created = LogisticsProductCreated(product_id=product.id, sku=product.sku)
            publish(uow, created, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return product


class GetProduct:
    """- An unknown id is answered as not found; so is an inactive product asked for by a customer."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, product_id: str, principal: Principal) -> Product:
        async with self._uow as uow:
            product = await uow.products.get(product_id)
        if product is None or not (product.active or principal.has(Permission.LOGISTICS_READ)):
            raise NotFound("product not found")
        return product


class ListProducts:
    """- Oldest first; filter by category and whether active. Customers see active products only."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: ProductFilter, page: PageRequest, principal: Principal) -> Page[Product]:
        if not principal.has(Permission.LOGISTICS_READ):
            query = msgspec.structs.replace(query, active=True)
        async with self._uow as uow:
            return await uow.products.list(query, page)


class ProductChanges(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A JSON merge patch of a product (RFC 7396): absent members stay as they are. The SKU is
    the product's identity for people and other systems, so it does not change."""

    name: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    category: str | msgspec.UnsetType = msgspec.UNSET
    unit_price: Decimal | msgspec.UnsetType = msgspec.UNSET
    currency: str | msgspec.UnsetType = msgspec.UNSET
    unit: str | msgspec.UnsetType = msgspec.UNSET
    reorder_point: int | msgspec.UnsetType = msgspec.UNSET
    reorder_quantity: int | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class UpdateProduct:
    """- A merge patch: members present replace the product's, absent ones stay; `null` is refused
      for every member (none is optional). The same rules as at creation apply to the result.
    - `If-Match` with a stale ETag is refused with 412; concurrent patches go one after the other.
    - Deactivating hides the product from customers and from new orders; orders placed keep it.
      Audited (the fields that changed, before and after)."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(
        self, product_id: str, changes: ProductChanges, by: Invocation, expected_version: int | None = None
    ) -> Product:
        now = self._clock.now()
        async with self._uow as uow:
            product = await uow.products.lock(product_id)
            if product is None:
                raise NotFound("product not found")
            changed = patched(product, changes, expected_version, "product")
            await uow.products.save(changed)
            record(uow, by, now, PRODUCTS.change("update", product, changed))
            await uow.commit()
        return changed


class CreateWarehouse:
    """- The code (upper-case letters, digits, dashes, 2 to 20) is unique: a second is a conflict.
    - The creation is audited."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewWarehouse, by: Invocation) -> Warehouse:
        now = self._clock.now()
        warehouse = Warehouse(id=self._ids.new_id(), created_at=now, **msgspec.structs.asdict(command))
        async with self._uow as uow:
            await uow.warehouses.add(warehouse)
            record(uow, by, now, WAREHOUSES.change("create", None, warehouse))
            await uow.commit()
        return warehouse


class ListWarehouses:
    """- Oldest first."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, page: PageRequest) -> Page[Warehouse]:
        async with self._uow as uow:
            return await uow.warehouses.list(page)
