"""Leads: entered and worked by sales, scored, and converted into a customer and an
opportunity exactly once."""

from datetime import date
from decimal import Decimal

import msgspec

from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.crm.audit import CUSTOMERS, LEADS, OPPORTUNITIES
from core.domain.crm.events import CrmCustomerCreated, CrmLeadConverted, CrmLeadCreated
from core.domain.crm.leads import AlreadyConverted, Lead, LeadSource, LeadStatus
from core.domain.crm.model import Customer, CustomerKind, normalised_email
from core.domain.crm.opportunities import Opportunity
from core.domain.crm.use_cases.customers import search_document as customer_document
from core.domain.errors import NotFound, RuleViolated
from core.domain.events import publish
from core.domain.versions import patched
from core.ports.clock import Clock, IdGenerator
from core.ports.crm import CrmUnitOfWork, SearchDocument
from core.ports.crm_pipeline import LeadFilter
from core.ports.pagination import Page, PageRequest


class NewLead(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    email: str
    company: str | None = None
    phone: str | None = None
    source: LeadSource = LeadSource.OTHER
    owner: str | None = None
    """Default: whoever creates the lead."""


class LeadChanges(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A JSON merge patch of a lead: absent members stay; `null` removes company or phone and is
    refused for the others."""

    name: str | msgspec.UnsetType = msgspec.UNSET
    email: str | msgspec.UnsetType = msgspec.UNSET
    company: str | msgspec.UnsetType | None = msgspec.UNSET
    phone: str | msgspec.UnsetType | None = msgspec.UNSET
    source: LeadSource | msgspec.UnsetType = msgspec.UNSET
    status: LeadStatus | msgspec.UnsetType = msgspec.UNSET
    owner: str | msgspec.UnsetType = msgspec.UNSET


class Conversion(msgspec.Struct, frozen=True, kw_only=True):
    """What converting a lead gives: the customer (made or linked) and the new opportunity."""

    lead: Lead
    customer: Customer
    customer_created: bool
    opportunity: Opportunity


class ConversionTerms(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    opportunity_name: str | None = None
    """Default: the lead's company, else its name."""
    amount: Decimal = Decimal(0)
    currency: str = "INR"
    expected_close_date: date | None = None


def search_document(lead: Lead) -> SearchDocument:
    details = [lead.email, lead.company or "", lead.phone or ""]
    return SearchDocument(kind="lead", id=lead.id, title=lead.name, body=" ".join(d for d in details if d))


class CreateLead:
    """- Name (1 to 200 characters) and email (kept trimmed, lower-case) are required; company,
      phone, source (`web`, `referral`, `event`, `partner`, `other`: the default) and owner (a
      sales user id; default: the creator) are optional. A new lead is `new`.
    - **Score**, 0 to 100, recomputed on every change: company given +20; an email at a business
      domain (not a free-mail one such as gmail.com, outlook.com, yahoo.com) +15; source
      `referral` +25, `partner` +20, `event` +15, `web` +10, `other` 0; phone given +10; status
      `qualified` (or `converted`) +20.
    - Audited, findable in search (kind `lead`), published (`crm.lead_created`)."""

    def __init__(self, uow: CrmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewLead, by: Invocation) -> Lead:
        now = self._clock.now()
        fields = msgspec.structs.asdict(command)
        fields.update(email=normalised_email(command.email), owner=command.owner or by.actor.id)
        lead = Lead(id=self._ids.new_id(), created_at=now, updated_at=now, **fields).scored()
        async with self._uow as uow:
            await uow.leads.add(lead)
            await uow.search.put(search_document(lead))
            record(uow, by, now, LEADS.change("create", None, lead))
            created = CrmLeadCreated(lead_id=lead.id, source=lead.source, score=lead.score, owner=lead.owner)
            publish(uow, created, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return lead


class GetLead:
    """- An unknown id is answered as not found."""

    def __init__(self, uow: CrmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, lead_id: str) -> Lead:
        async with self._uow as uow:
            lead = await uow.leads.get(lead_id)
        if lead is None:
            raise NotFound("lead not found")
        return lead


class ListLeads:
    """- Filter by status, owner and source; sort by `score`, `-score` (best first),
    `created_at` (the default) or `-created_at`. Pages stay stable while leads are added."""

    def __init__(self, uow: CrmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: LeadFilter, page: PageRequest) -> Page[Lead]:
        async with self._uow as uow:
            return await uow.leads.list(query, page)


class UpdateLead:
    """- A JSON merge patch of name, email, company, phone, source, status and owner; `null`
      removes company or phone. The score is recomputed.
    - Status moves: `new` → `contacted` → `qualified`, and any of those → `unqualified`;
      anything else is 409 `invalid_transition` naming the allowed moves. `converted` is reached
      through the conversion only (422 here). A converted lead no longer changes (409).
    - `If-Match` with a stale ETag is refused with 412. Audited."""

    def __init__(self, uow: CrmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(
        self, lead_id: str, changes: LeadChanges, by: Invocation, expected_version: int | None = None
    ) -> Lead:
        now = self._clock.now()
        if changes.status is LeadStatus.CONVERTED:
            raise RuleViolated("status: a lead is converted with POST /v1/leads/{id}/convert")
        if isinstance(changes.email, str):
            changes = msgspec.structs.replace(changes, email=normalised_email(changes.email))
        async with self._uow as uow:
            lead = await uow.leads.lock(lead_id)
            if lead is None:
                raise NotFound("lead not found")
            if lead.status is LeadStatus.CONVERTED:
                raise _already_converted(lead)
            status = changes.status
            changed = patched(
                lead,
                msgspec.structs.replace(changes, status=msgspec.UNSET),
                expected_version,
                "lead",
                updated_at=now,
            )
            if isinstance(status, LeadStatus):
                changed = changed.moved_to(status)
            changed = changed.scored()
            await uow.leads.save(changed)
            await uow.search.put(search_document(changed))
            record(uow, by, now, LEADS.change("update", lead, changed))
            await uow.commit()
        return changed


def _already_converted(lead: Lead) -> AlreadyConverted:
    return AlreadyConverted(
        "this lead is converted already", customer_id=lead.customer_id, opportunity_id=lead.opportunity_id
    )


class ConvertLead:
    """- A `qualified` lead becomes a customer and an opportunity, **exactly once**: the lead's
      row is locked while it converts, so of two conversions at once one converts and the other
      then finds it converted. A second conversion is 409 `already_converted`, naming the
      `customer_id` and `opportunity_id` of the first. A lead in another status is 409
      `invalid_transition`.
    - The customer is the one with the lead's email if there is one (linked, not changed),
      else a new one from the lead (name, email, phone; a company when the lead names one).
    - The opportunity starts in `prospecting`, for the customer, owned by the lead's owner, named
      after the company (else the lead's name) unless `opportunity_name` says otherwise, with
      `amount` (default 0) and `currency` (default INR).
    - Honours `Idempotency-Key`. Audited; published (`crm.lead_converted`, and
      `crm.customer_created` for a new customer)."""

    def __init__(self, uow: CrmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, lead_id: str, terms: ConversionTerms, by: Invocation) -> Conversion:
        now = self._clock.now()
        async with self._uow as uow:
            lead = await uow.leads.lock(lead_id)
            if lead is None:
                raise NotFound("lead not found")
            if lead.status is LeadStatus.CONVERTED:
                raise _already_converted(lead)
            converted = lead.moved_to(LeadStatus.CONVERTED)
            customer = await uow.customers.by_email(lead.email)
            created = customer is None
            if customer is None:
                customer = Customer(
                    id=self._ids.new_id(),
                    kind=CustomerKind.COMPANY if lead.company else CustomerKind.PERSON,
                    name=lead.company or lead.name,
                    email=lead.email,
                    phone=lead.phone,
                    owner=lead.owner,
                    created_at=now,
                    updated_at=now,
                )
                await uow.customers.add(customer)
                await uow.search.put(customer_document(customer))
                record(uow, by, now, CUSTOMERS.change("create", None, customer))
                made = CrmCustomerCreated(
                    customer_id=customer.id, kind=customer.kind, email=customer.email, owner=customer.owner
                )
                publish(uow, made, self._ids.new_id(), now, by.correlation_id)
            opportunity = Opportunity(
                id=self._ids.new_id(),
                customer_id=customer.id,
                name=terms.opportunity_name or lead.company or lead.name,
                amount=terms.amount,
                currency=terms.currency,
                expected_close_date=terms.expected_close_date,
                owner=lead.owner,
                lead_id=lead.id,
                created_at=now,
                updated_at=now,
            )
            await uow.opportunities.add(opportunity)
            record(uow, by, now, OPPORTUNITIES.change("create", None, opportunity))
            converted = msgspec.structs.replace(
                converted,
                customer_id=customer.id,
                opportunity_id=opportunity.id,
                converted_at=now,
                version=lead.version + 1,
                updated_at=now,
            ).scored()
            await uow.leads.save(converted)
            await uow.search.put(search_document(converted))
            record(uow, by, now, LEADS.change("convert", lead, converted))
            converted_event = CrmLeadConverted(
                lead_id=lead.id,
                customer_id=customer.id,
                opportunity_id=opportunity.id,
                customer_created=created,
            )
            publish(uow, converted_event, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return Conversion(
            lead=converted, customer=customer, customer_created=created, opportunity=opportunity
        )
