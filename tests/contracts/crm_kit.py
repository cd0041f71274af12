"""CRM use cases on the real unit of work, in a few words per step, for the contract tests."""

import uuid

from sqlalchemy import select

from adapters.db.crm.uow import SqlCrmUnitOfWork
from adapters.db.tables import outbox
from adapters.system.clock import SystemClock, Uuid7IdGenerator
from core.domain.access import Principal, Role, permissions_for
from core.domain.audit.model import Actor, Invocation
from core.domain.crm.model import Customer
from core.domain.crm.tickets import Comment, Ticket, TicketPriority, TicketStatus
from core.domain.crm.use_cases.customers import CreateCustomer, CustomerChanges, NewCustomer, UpdateCustomer
from core.domain.crm.use_cases.search import SearchCrm
from core.domain.crm.use_cases.sla import FlagBreachedTickets
from core.domain.crm.use_cases.tickets import (
    AddComment,
    GetTicket,
    ListTickets,
    NewTicket,
    OpenTicket,
    TicketChanges,
    UpdateTicket,
)
from core.ports.clock import Clock
from core.ports.crm import SearchHit, TicketFilter
from core.ports.pagination import Page, PageRequest
from tests.contracts.db_fixtures import Database

SALES = Invocation(actor=Actor(id="sales-1", kind="user", role="sales"))
SUPPORT_PRINCIPAL = Principal(
    subject="support-1", kind="user", role=Role.SUPPORT, permissions=permissions_for(Role.SUPPORT)
)
SUPPORT = Invocation(actor=Actor(id="support-1", kind="user", role="support"))


def customer_principal(customer_id: str) -> Principal:
    return Principal(
        subject=f"user-of-{customer_id}",
        kind="user",
        role=Role.CUSTOMER,
        permissions=permissions_for(Role.CUSTOMER),
        customer_id=customer_id,
    )


def unique_email() -> str:
    """The PostgreSQL database lives for the whole session: every test brings its own addresses."""
    return f"asha.{uuid.uuid4().hex[:10]}@example.com"


class Kit:
    def __init__(self, database: Database, clock: Clock | None = None) -> None:
        self.database = database
        self.clock, self.ids = clock or SystemClock(), Uuid7IdGenerator()

    def uow(self) -> SqlCrmUnitOfWork:
        return SqlCrmUnitOfWork(self.database.sessions, self.clock, audit_chain="crm", ids=self.ids)

    async def customer(self, name: str = "Asha Rao", email: str | None = None, **fields: object) -> Customer:
        command = NewCustomer(name=name, email=email or unique_email(), **fields)  # type: ignore[arg-type]
        return await CreateCustomer(self.uow(), self.clock, self.ids).execute(command, SALES)

    async def patch_customer(
        self, customer_id: str, version: int | None = None, **fields: object
    ) -> Customer:
        changes = CustomerChanges(**fields)  # type: ignore[arg-type]
        return await UpdateCustomer(self.uow(), self.clock, self.ids).execute(
            customer_id, changes, SALES, version
        )

    async def ticket(
        self,
        customer_id: str,
        subject: str = "Chair arrived broken",
        description: str = "",
        priority: TicketPriority = TicketPriority.NORMAL,
        by: Principal = SUPPORT_PRINCIPAL,
    ) -> Ticket:
        staff = by.customer_id is None
        command = NewTicket(
            customer_id=customer_id if staff else None,
            subject=subject,
            description=description,
            priority=priority,
        )
        invocation = Invocation(actor=Actor(id=by.subject, kind="user", role=by.role))
        return await OpenTicket(self.uow(), self.clock, self.ids).execute(command, by, invocation)

    async def move(self, ticket_id: str, status: TicketStatus, version: int | None = None) -> Ticket:
        changes = TicketChanges(status=status)
        return await UpdateTicket(self.uow(), self.clock, self.ids).execute(
            ticket_id, changes, SUPPORT, version
        )

    async def comment(self, ticket_id: str, body: str, by: Principal = SUPPORT_PRINCIPAL) -> Comment:
        invocation = Invocation(actor=Actor(id=by.subject, kind="user", role=by.role))
        return await AddComment(self.uow(), self.clock, self.ids).execute(ticket_id, body, by, invocation)

    async def get(self, ticket_id: str, by: Principal = SUPPORT_PRINCIPAL) -> Ticket:
        return await GetTicket(self.uow()).execute(ticket_id, by)

    async def tickets(self, by: Principal, query: TicketFilter | None = None) -> Page[Ticket]:
        return await ListTickets(self.uow()).execute(query or TicketFilter(), PageRequest(limit=200), by)

    async def flag_breached(self) -> list[str]:
        return await FlagBreachedTickets(self.uow(), self.clock, self.ids).execute()

    async def search(self, text: str, kind: str | None = None) -> list[SearchHit]:
        return await SearchCrm(self.uow()).execute(text, 50, kind)

    async def published(self, event_type: str, about: str) -> int:
        """How many ``event_type`` events mention ``about`` (an id) in the outbox."""
        async with self.database.engine.connect() as connection:
            statement = select(outbox.c.payload).where(outbox.c.event_type == event_type)
            payloads = (await connection.execute(statement)).scalars().all()
        return sum(about.encode() in payload for payload in payloads)
