"""Suppliers and what each supplies, at what cost; at most one preferred supplier per product."""

from decimal import Decimal

import msgspec

from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.errors import NotFound, RuleViolated
from core.domain.events import publish
from core.domain.logistics.audit import SUPPLIER_PRODUCTS, SUPPLIERS
from core.domain.logistics.events import LogisticsSupplierCreated
from core.domain.logistics.purchasing import Supplier, SupplierProduct
from core.domain.versions import patched
from core.ports.clock import Clock, IdGenerator
from core.ports.logistics import LogisticsUnitOfWork, SupplierFilter
from core.ports.pagination import Page, PageRequest


class NewSupplier(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    email: str = ""
    phone: str = ""
    lead_time_days: int = 0
    rating: Decimal | None = None


class SupplierChanges(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A JSON merge patch of a supplier (RFC 7396): absent members stay as they are; `null`
    clears the rating and is refused for every other member."""

    name: str | msgspec.UnsetType = msgspec.UNSET
    email: str | msgspec.UnsetType = msgspec.UNSET
    phone: str | msgspec.UnsetType = msgspec.UNSET
    lead_time_days: int | msgspec.UnsetType = msgspec.UNSET
    rating: Decimal | msgspec.UnsetType | None = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class OfferTerms(msgspec.Struct, frozen=True, kw_only=True):
    unit_cost: Decimal
    currency: str
    preferred: bool = False


class CreateSupplier:
    """- A name (1 to 200 characters); optionally an email, a phone, a lead time in days (0 to
      3650) and a rating from 0 to 5 in steps of 0.1 (a decimal string, `"4.5"`).
    - A new supplier is active. Audited and published (`logistics.supplier_created`)."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewSupplier, by: Invocation) -> Supplier:
        now = self._clock.now()
        fields = msgspec.structs.asdict(command)
        supplier = Supplier(id=self._ids.new_id(), created_at=now, updated_at=now, **fields)
        async with self._uow as uow:
            await uow.suppliers.add(supplier)
            record(uow, by, now, SUPPLIERS.change("create", None, supplier))
            created = LogisticsSupplierCreated(supplier_id=supplier.id, name=supplier.name)
            publish(uow, created, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return supplier


class GetSupplier:
    """- An unknown id is answered as not found."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, supplier_id: str) -> Supplier:
        async with self._uow as uow:
            supplier = await uow.suppliers.get(supplier_id)
        if supplier is None:
            raise NotFound("supplier not found")
        return supplier


class ListSuppliers:
    """- Oldest first; filter by whether active."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: SupplierFilter, page: PageRequest) -> Page[Supplier]:
        async with self._uow as uow:
            return await uow.suppliers.list(query, page)


class UpdateSupplier:
    """- A merge patch: members present replace the supplier's, absent ones stay; `null` clears
      the rating and is refused for every other member. The rules of creation apply to the result.
    - `If-Match` with a stale ETag is refused with 412; concurrent patches go one after the other.
    - A deactivated supplier takes no new purchase orders and is nobody's preferred supplier;
      orders already placed with it go on. Audited (the fields that changed)."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(
        self, supplier_id: str, changes: SupplierChanges, by: Invocation, expected_version: int | None = None
    ) -> Supplier:
        now = self._clock.now()
        async with self._uow as uow:
            supplier = await uow.suppliers.lock(supplier_id)
            if supplier is None:
                raise NotFound("supplier not found")
            changed = patched(supplier, changes, expected_version, "supplier", updated_at=now)
            await uow.suppliers.save(changed)
            record(uow, by, now, SUPPLIERS.change("update", supplier, changed))
            await uow.commit()
        return changed


class SetSupplierProduct:
    """- Adds or replaces what the supplier charges for the product: a unit cost (a decimal
      string, not negative, at most 4 places) in a currency (ISO 4217).
    - `preferred: true` makes this supplier the product's one preferred supplier: any other
      supplier preferred for it stops being so in the same transaction (audited as its own
      change). Only an active supplier can be preferred.
    - An unknown supplier or product is answered as not found. Audited."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(
        self, supplier_id: str, product_id: str, terms: OfferTerms, by: Invocation
    ) -> SupplierProduct:
        now = self._clock.now()
        offer = SupplierProduct(
            supplier_id=supplier_id, product_id=product_id, updated_at=now, **msgspec.structs.asdict(terms)
        )
        async with self._uow as uow:
            supplier = await uow.suppliers.get(supplier_id)
            if supplier is None:
                raise NotFound("supplier not found")
            # Locking the product serialises preference changes: two suppliers made preferred
            # for one product at once end with exactly one.
            if await uow.products.lock(product_id) is None:
                raise NotFound("product not found")
            if offer.preferred and not supplier.active:
                raise RuleViolated("preferred: an inactive supplier cannot be preferred")
            for other in await uow.suppliers.put_offer(offer):
                was = msgspec.structs.replace(other, preferred=True)
                record(uow, by, now, SUPPLIER_PRODUCTS.change("update", was, other))
            record(uow, by, now, SUPPLIER_PRODUCTS.change("set", None, offer))
            await uow.commit()
        return offer


class ListSupplierProducts:
    """- What the supplier supplies, by product id; an unknown supplier is answered as not found."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, supplier_id: str, page: PageRequest) -> Page[SupplierProduct]:
        async with self._uow as uow:
            if await uow.suppliers.get(supplier_id) is None:
                raise NotFound("supplier not found")
            return await uow.suppliers.offers(supplier_id, page)
