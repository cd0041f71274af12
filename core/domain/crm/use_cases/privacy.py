"""A customer's right of access and right to erasure, for what CRM holds about them."""

import hashlib
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar

import msgspec

from core.domain.audit.changes import Change, Resource, record
from core.domain.audit.model import Invocation
from core.domain.crm.events import CrmCustomerErased
from core.domain.crm.interactions import Interaction
from core.domain.crm.leads import Lead
from core.domain.crm.model import AlreadyErased, Customer, CustomerStatus
from core.domain.crm.opportunities import Opportunity
from core.domain.crm.tickets import Comment, Ticket
from core.domain.crm.use_cases.tickets import search_document as ticket_document
from core.domain.errors import NotFound
from core.domain.events import publish
from core.ports.clock import Clock, IdGenerator
from core.ports.crm import CrmUnitOfWork, TicketFilter
from core.ports.pagination import MAX_LIMIT, Page, PageRequest

ERASED = "erased"
ERASED_TEXT = "[erased]"
T = TypeVar("T")


class TicketRecord(msgspec.Struct, frozen=True, kw_only=True):
    ticket: Ticket
    comments: list[Comment]


class CustomerRecords(msgspec.Struct, frozen=True, kw_only=True):
    """Everything CRM holds about one customer."""

    customer: Customer
    tickets: list[TicketRecord]
    interactions: list[Interaction]
    opportunities: list[Opportunity]
    leads: list[Lead]
    """The leads converted into this customer."""


def erased_email(entity_id: str) -> str:
    """Unique like the address it replaces (the column is unique), and undeliverable (RFC 2606)."""
    return f"erased-{entity_id}@erased.invalid"


def fingerprint(value: str) -> str:
    """What the audit log keeps of an erased value: enough to check a claim ("was my address
    x?") without keeping the address."""
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


async def _every(fetch: Callable[[PageRequest], Awaitable[Page[T]]]) -> list[T]:
    found: list[T] = []
    after: str | None = None
    while True:
        page = await fetch(PageRequest(limit=MAX_LIMIT, after=after))
        found += page.items
        if page.next_cursor is None:
            return found
        after = page.next_cursor


async def _records(uow: CrmUnitOfWork, customer: Customer) -> CustomerRecords:
    query = TicketFilter(customer_id=customer.id)
    held: list[TicketRecord] = []
    for ticket in await _every(lambda page: uow.tickets.list(query, page)):
        comments = await _every(partial(uow.tickets.comments, ticket.id))
        held.append(TicketRecord(ticket=ticket, comments=comments))
    return CustomerRecords(
        customer=customer,
        tickets=held,
        interactions=await uow.interactions.of_customer(customer.id),
        opportunities=await uow.opportunities.of_customer(customer.id),
        leads=await uow.leads.converted_into(customer.id),
    )


class ExportCustomer:
    """- Everything CRM holds about the customer, as JSON: the customer, their tickets with
    comments, interactions, opportunities and the leads converted into them. Admins only; an
    unknown customer is not found."""

    def __init__(self, uow: CrmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, customer_id: str) -> CustomerRecords:
        async with self._uow as uow:
            customer = await uow.customers.get(customer_id)
            if customer is None:
                raise NotFound("customer not found")
            return await _records(uow, customer)


class EraseCustomer:
    """- Replaces the customer's personal data with tombstones, in one transaction: name
      `erased`, email `erased-<id>@erased.invalid`, no phone, address or tags, status `erased`;
      `[erased]` for their tickets' descriptions, their tickets' comments and their
      interactions' bodies; the leads converted into them lose name, email, company and phone;
      opportunities named after them are renamed `erased`.
    - The customer and those leads leave the search; tickets stay findable by subject only.
    - Audited with a SHA-256 of each erased value, never the value. Published
      (`crm.customer_erased`). Erasing again is 409 `already_erased`. Admins only."""

    def __init__(self, uow: CrmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, customer_id: str, by: Invocation) -> Customer:
        now = self._clock.now()
        async with self._uow as uow:
            customer = await uow.customers.lock(customer_id)
            if customer is None:
                raise NotFound("customer not found")
            if customer.status is CustomerStatus.ERASED:
                raise AlreadyErased("this customer is erased already")
            held = await _records(uow, customer)
            gone: dict[str, str] = {}
            """What was erased, by where it was (``ticket:<id>.description``): hashed for the audit."""

            def erase(where: str, value: str | None) -> None:
                if value:
                    gone[where] = value

            for name in ("name", "email", "phone", "address"):
                erase(f"customer.{name}", getattr(customer, name))
            erase("customer.tags", ",".join(customer.tags))
            erased = msgspec.structs.replace(
                customer,
                name=ERASED,
                email=erased_email(customer.id),
                phone=None,
                address=None,
                tags=(),
                status=CustomerStatus.ERASED,
                version=customer.version + 1,
                updated_at=now,
            )
            await uow.customers.save(erased)
            await uow.search.remove("customer", customer.id)
            for held_ticket in held.tickets:
                ticket = held_ticket.ticket
                if ticket.description:
                    erase(f"ticket:{ticket.id}.description", ticket.description)
                    ticket = msgspec.structs.replace(
                        ticket, description=ERASED_TEXT, version=ticket.version + 1, updated_at=now
                    )
                    await uow.tickets.save(ticket)
                    await uow.search.put(ticket_document(ticket))
                for comment in held_ticket.comments:
                    erase(f"comment:{comment.id}.body", comment.body)
                    await uow.tickets.save_comment(msgspec.structs.replace(comment, body=ERASED_TEXT))
            for interaction in held.interactions:
                if interaction.body:
                    erase(f"interaction:{interaction.id}.body", interaction.body)
                    await uow.interactions.save(msgspec.structs.replace(interaction, body=ERASED_TEXT))
            for lead in held.leads:
                for name in ("name", "email", "company", "phone"):
                    erase(f"lead:{lead.id}.{name}", getattr(lead, name))
                await uow.leads.save(
                    msgspec.structs.replace(
                        lead,
                        name=ERASED,
                        email=erased_email(lead.id),
                        company=None,
                        phone=None,
                        version=lead.version + 1,
                        updated_at=now,
                    )
                )
                await uow.search.remove("lead", lead.id)
            names = {value.casefold() for value in (customer.name, *(lead.name for lead in held.leads))}
            for opportunity in held.opportunities:
                if any(name in opportunity.name.casefold() for name in names):
                    erase(f"opportunity:{opportunity.id}.name", opportunity.name)
                    await uow.opportunities.save(
                        msgspec.structs.replace(
                            opportunity, name=ERASED, version=opportunity.version + 1, updated_at=now
                        )
                    )
            change = Change(
                action="erase",
                resource=Resource("customer", customer.id),
                before={where: fingerprint(value) for where, value in gone.items()},
                after={where: _tombstone_of(where, customer.id) for where in gone},
            )
            record(uow, by, now, change)
            publish(
                uow, CrmCustomerErased(customer_id=customer.id), self._ids.new_id(), now, by.correlation_id
            )
            await uow.commit()
        return erased


def _tombstone_of(where: str, customer_id: str) -> str | None:
    """What the audit says replaced a value (the record's own tombstone, or null)."""
    entity, _, field = where.partition(".")
    if field in ("phone", "address", "tags", "company"):
        return None
    if field == "email":
        return erased_email(customer_id if entity == "customer" else entity.partition(":")[2])
    return ERASED if field == "name" else ERASED_TEXT
