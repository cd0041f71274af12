"""Customers: created and changed by sales, read by every member of staff."""

import msgspec

from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.crm.audit import CUSTOMERS
from core.domain.crm.events import CrmCustomerCreated, CrmCustomerUpdated
from core.domain.crm.model import (
    AlreadyErased,
    Customer,
    CustomerKind,
    CustomerStatus,
    DuplicateEmail,
    normalised_email,
    normalised_tags,
)
from core.domain.errors import Conflict, NotFound, RuleViolated
from core.domain.events import publish
from core.domain.versions import patched
from core.ports.clock import Clock, IdGenerator
from core.ports.crm import CrmUnitOfWork, CustomerFilter, SearchDocument
from core.ports.pagination import Page, PageRequest


class NewCustomer(msgspec.Struct, frozen=True, kw_only=True):
    kind: CustomerKind = CustomerKind.PERSON
    name: str
    email: str
    phone: str | None = None
    address: str | None = None
    status: CustomerStatus = CustomerStatus.ACTIVE
    tags: list[str] = msgspec.field(default_factory=list)
    owner: str | None = None


class CustomerChanges(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A JSON merge patch of a customer (RFC 7396): an absent member stays as it is; `null`
    removes an optional one (phone, address, owner; tags become none) and is refused for the
    others (kind, name, email, status)."""

    kind: CustomerKind | msgspec.UnsetType = msgspec.UNSET
    name: str | msgspec.UnsetType = msgspec.UNSET
    email: str | msgspec.UnsetType = msgspec.UNSET
    phone: str | msgspec.UnsetType | None = msgspec.UNSET
    address: str | msgspec.UnsetType | None = msgspec.UNSET
    status: CustomerStatus | msgspec.UnsetType = msgspec.UNSET
    tags: list[str] | msgspec.UnsetType | None = msgspec.UNSET
    owner: str | msgspec.UnsetType | None = msgspec.UNSET


def search_document(customer: Customer) -> SearchDocument:
    details = [customer.email, customer.phone or "", customer.address or "", " ".join(customer.tags)]
    return SearchDocument(
        kind="customer", id=customer.id, title=customer.name, body=" ".join(part for part in details if part)
    )


class CreateCustomer:
    """- A person or a company, with a name (1 to 200 characters) and an email address, unique
      across customers: it is compared and kept trimmed and lower-case, and a second customer with
      the same address is refused with 409 `duplicate_email` (two at once included).
    - Optional: phone, address, tags (a-z 0-9 _ -, at most 20), and the owning sales rep's user id.
    - A new customer is active unless said otherwise (`erased` is the erasure's alone). Audited and published
      (`crm.customer_created`)."""

    def __init__(self, uow: CrmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewCustomer, by: Invocation) -> Customer:
        _ensure_not_erasing(command.status)
        now = self._clock.now()
        fields = msgspec.structs.asdict(command)
        fields.update(email=normalised_email(command.email), tags=normalised_tags(command.tags))
        customer = Customer(id=self._ids.new_id(), created_at=now, updated_at=now, **fields)
        async with self._uow as uow:
            try:
                await uow.customers.add(customer)
            except Conflict:
                raise DuplicateEmail(f"email: a customer with {customer.email} exists") from None
            await uow.search.put(search_document(customer))
            record(uow, by, now, CUSTOMERS.change("create", None, customer))
            created = CrmCustomerCreated(
                customer_id=customer.id, kind=customer.kind, email=customer.email, owner=customer.owner
            )
            publish(uow, created, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return customer


class GetCustomer:
    """- An unknown id is answered as not found."""

    def __init__(self, uow: CrmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, customer_id: str) -> Customer:
        async with self._uow as uow:
            customer = await uow.customers.get(customer_id)
        if customer is None:
            raise NotFound("customer not found")
        return customer


class ListCustomers:
    """- Filter by status, owner and tag; sort by `name`, `-name`, `created_at` (the default) or
    `-created_at`. Pages stay stable while customers are added."""

    def __init__(self, uow: CrmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: CustomerFilter, page: PageRequest) -> Page[Customer]:
        async with self._uow as uow:
            return await uow.customers.list(query, page)


class UpdateCustomer:
    """- A JSON merge patch: members present replace the customer's, absent ones stay, `null`
      removes phone, address, owner or tags and is refused for the other fields; unknown members
      are refused. The result meets the same rules as a new customer (a taken email: 409). An
      erased customer no longer changes (409 `already_erased`).
    - `If-Match` with a stale ETag is refused with 412; concurrent patches go one after the other.
    - Audited (the fields that changed, before and after) and published (`crm.customer_updated`)."""

    def __init__(self, uow: CrmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(
        self, customer_id: str, changes: CustomerChanges, by: Invocation, expected_version: int | None = None
    ) -> Customer:
        now = self._clock.now()
        changes = _normalised(changes)
        if isinstance(changes.status, CustomerStatus):
            _ensure_not_erasing(changes.status)
        async with self._uow as uow:
            customer = await uow.customers.lock(customer_id)
            if customer is None:
                raise NotFound("customer not found")
            if customer.status is CustomerStatus.ERASED:
                raise AlreadyErased("this customer is erased; it no longer changes")
            changed = patched(customer, changes, expected_version, "customer", updated_at=now)
            try:
                await uow.customers.save(changed)
            except Conflict:
                raise DuplicateEmail(f"email: a customer with {changed.email} exists") from None
            await uow.search.put(search_document(changed))
            change = CUSTOMERS.change("update", customer, changed)
            record(uow, by, now, change)
            updated = CrmCustomerUpdated(
                customer_id=customer.id, changed=sorted(change.entry(by, now).changes)
            )
            publish(uow, updated, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return changed


def _ensure_not_erasing(status: CustomerStatus) -> None:
    if status is CustomerStatus.ERASED:
        raise RuleViolated("status: a customer is erased with POST /v1/customers/{id}/erase")


def _normalised(changes: CustomerChanges) -> CustomerChanges:
    """Email and tags in their stored form; a null tag list is the empty one."""
    fields: dict[str, object] = {}
    if isinstance(changes.email, str):
        fields["email"] = normalised_email(changes.email)
    if changes.tags is None:
        fields["tags"] = ()
    elif isinstance(changes.tags, list):
        fields["tags"] = normalised_tags(changes.tags)
    return msgspec.structs.replace(changes, **fields)
