"""CRM's storage: customers, tickets with their comments, and one search over all of them."""

from datetime import datetime
from enum import StrEnum
from typing import Protocol

import msgspec

from core.domain.crm.model import Customer, CustomerStatus
from core.domain.crm.tickets import Comment, Ticket, TicketPriority, TicketStatus
from core.ports.crm_pipeline import InteractionRepository, LeadRepository, OpportunityRepository
from core.ports.pagination import Page, PageRequest
from core.ports.uow import UnitOfWork


class CustomerSort(StrEnum):
    NAME = "name"
    NAME_DESC = "-name"
    CREATED = "created_at"
    CREATED_DESC = "-created_at"


class CustomerFilter(msgspec.Struct, frozen=True, kw_only=True):
    status: CustomerStatus | None = None
    owner: str | None = None
    tag: str | None = None
    sort: CustomerSort = CustomerSort.CREATED


class TicketFilter(msgspec.Struct, frozen=True, kw_only=True):
    customer_id: str | None = None
    status: TicketStatus | None = None
    priority: TicketPriority | None = None
    assignee: str | None = None


class SearchDocument(msgspec.Struct, frozen=True, kw_only=True):
    """What the search knows of one record: ``kind`` names the record type (``customer``,
    ``ticket``, ``lead``; others later, with no change to the port)."""

    kind: str
    id: str
    title: str
    body: str


class SearchHit(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    id: str
    title: str
    snippet: str
    """Plain text around the matched words; never markup."""


class CustomerRepository(Protocol):
    async def add(self, customer: Customer) -> None:
        """Raises ``Conflict`` when the email is taken (also by a concurrent add)."""
        ...

    async def get(self, customer_id: str) -> Customer | None: ...

    async def by_email(self, email: str) -> Customer | None:
        """The customer with this (normalised) address."""
        ...

    async def lock(self, customer_id: str) -> Customer | None:
        """The customer, its row locked until the unit of work ends (patches go one at a time)."""
        ...

    async def save(self, customer: Customer) -> None:
        """Raises ``Conflict`` when the new email is taken."""
        ...

    async def list(self, query: CustomerFilter, page: PageRequest) -> Page[Customer]: ...


class TicketRepository(Protocol):
    async def add(self, ticket: Ticket) -> None: ...

    async def get(self, ticket_id: str) -> Ticket | None: ...

    async def lock(self, ticket_id: str) -> Ticket | None:
        """The ticket, its row locked until the unit of work ends."""
        ...

    async def save(self, ticket: Ticket) -> None: ...

    async def claim_overdue(self, now: datetime, limit: int) -> list[Ticket]:
        """Up to ``limit`` tickets whose SLA passed by ``now``, not resolved or closed and not yet
        flagged, each flagged here (``sla_breached``, next version) and returned as flagged.

        Exactly once across concurrent callers: a ticket is returned to one unit of work only,
        the one whose update found it still unflagged; rows another caller holds are skipped."""
        ...

    async def add_comment(self, comment: Comment) -> None: ...

    async def save_comment(self, comment: Comment) -> None: ...

    async def comments(self, ticket_id: str, page: PageRequest) -> Page[Comment]:
        """Oldest first."""
        ...

    async def list(self, query: TicketFilter, page: PageRequest) -> Page[Ticket]:
        """Oldest first."""
        ...


class CrmSearch(Protocol):
    """Full-text search over CRM's records, kept in the unit of work's transaction: a record is
    findable exactly when the change that wrote it has committed."""

    async def put(self, document: SearchDocument) -> None:
        """Adds or replaces the document of ``(kind, id)``."""
        ...

    async def search(self, text: str, limit: int, kinds: frozenset[str] | None = None) -> list[SearchHit]:
        """Best matches first. ``text`` is what a person typed: words, all of which must match
        (prefixes of the last are not expanded); any punctuation or query syntax is taken as
        literal text, never as operators, and never fails."""
        ...

    async def remove(self, kind: str, entity_id: str) -> None:
        """Forgets the document of ``(kind, id)``; nothing happens when there is none."""
        ...


class CrmUnitOfWork(UnitOfWork, Protocol):
    customers: CustomerRepository
    tickets: TicketRepository
    search: CrmSearch
    leads: LeadRepository
    opportunities: OpportunityRepository
    interactions: InteractionRepository
