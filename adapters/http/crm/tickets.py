"""``/v1/tickets`` and their comments."""

from datetime import datetime
from inspect import getdoc
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, get, patch, post
from litestar.params import Body, FromPath, FromQuery, JSONBody

from adapters.http.access import requires
from adapters.http.etags import MERGE_PATCH, IfMatch, tagged, version_in
from adapters.http.pagination import PAGED, PageOut, PageQuery
from adapters.http.route_policy import gateway_policy
from core.domain.access import Permission, Principal
from core.domain.audit.model import Invocation
from core.domain.crm.tickets import AuthorKind, Ticket, TicketPriority, TicketStatus
from core.domain.crm.use_cases.tickets import (
    AddComment,
    GetTicket,
    ListComments,
    ListTickets,
    NewTicket,
    OpenTicket,
    TicketChanges,
    UpdateTicket,
)
from core.ports.crm import TicketFilter

P = Permission
READ = requires(P.CRM_READ, P.TICKETS_OWN)
OPEN = requires(P.TICKETS_WRITE, P.TICKETS_OWN)
WORK = requires(P.TICKETS_WRITE)


class TicketIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    customer_id: str | None = None
    """Support names the customer; a customer's own is implied (and another refused)."""
    subject: str
    description: str = ""
    priority: TicketPriority = TicketPriority.NORMAL


class TicketOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    customer_id: str
    subject: str
    description: str
    priority: TicketPriority
    status: TicketStatus
    allowed_statuses: list[str]
    """Where the status may go next."""
    assignee: str | None
    sla_due_at: datetime
    sla_breached: bool
    opened_by: str
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, ticket: Ticket) -> "TicketOut":
        fields = msgspec.structs.asdict(ticket)
        return cls(**fields, allowed_statuses=ticket.allowed_statuses())


class CommentIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    body: str


class CommentOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    ticket_id: str
    author_id: str
    author_kind: AuthorKind
    body: str
    created_at: datetime


class TicketsController(Controller):
    path = "/v1/tickets"
    tags = ["crm: tickets"]

    @post(
        "/",
        operation_id="OpenTicket",
        description=getdoc(OpenTicket),
        opt=OPEN,
        **gateway_policy(content=["description"]),
    )
    @inject
    async def open_ticket(
        self,
        data: JSONBody[TicketIn],
        use_case: FromDishka[OpenTicket],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
    ) -> Response[TicketOut]:
        command = msgspec.convert(data, NewTicket, from_attributes=True)
        ticket = await use_case.execute(command, principal, by)
        return tagged(TicketOut.of(ticket), ticket.version, 201)

    @get("/", operation_id="ListTickets", description=getdoc(ListTickets), opt=READ, dependencies=PAGED)
    @inject
    async def list_tickets(
        self,
        use_case: FromDishka[ListTickets],
        principal: FromDishka[Principal],
        page: PageQuery,
        customer_id: FromQuery[str | None] = None,
        status: FromQuery[TicketStatus | None] = None,
        priority: FromQuery[TicketPriority | None] = None,
        assignee: FromQuery[str | None] = None,
    ) -> PageOut[TicketOut]:
        query = TicketFilter(customer_id=customer_id, status=status, priority=priority, assignee=assignee)
        return PageOut.mapped(await use_case.execute(query, page, principal), TicketOut.of)

    @get("/{ticket_id:str}", operation_id="GetTicket", description=getdoc(GetTicket), opt=READ)
    @inject
    async def get_ticket(
        self, ticket_id: FromPath[str], use_case: FromDishka[GetTicket], principal: FromDishka[Principal]
    ) -> Response[TicketOut]:
        ticket = await use_case.execute(ticket_id, principal)
        return tagged(TicketOut.of(ticket), ticket.version)

    @patch("/{ticket_id:str}", operation_id="UpdateTicket", description=getdoc(UpdateTicket), opt=WORK)
    @inject
    async def update(
        self,
        ticket_id: FromPath[str],
        data: Annotated[TicketChanges, Body(media_type=MERGE_PATCH)],
        use_case: FromDishka[UpdateTicket],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[TicketOut]:
        ticket = await use_case.execute(ticket_id, data, by, version_in(if_match))
        return tagged(TicketOut.of(ticket), ticket.version)

    @post(
        "/{ticket_id:str}/comments",
        operation_id="AddComment",
        description=getdoc(AddComment),
        opt=OPEN,
        **gateway_policy(content=["body"]),
    )
    @inject
    async def comment(
        self,
        ticket_id: FromPath[str],
        data: JSONBody[CommentIn],
        use_case: FromDishka[AddComment],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
    ) -> Response[CommentOut]:
        comment = await use_case.execute(ticket_id, data.body, principal, by)
        return Response(msgspec.convert(comment, CommentOut, from_attributes=True), status_code=201)

    @get(
        "/{ticket_id:str}/comments",
        operation_id="ListComments",
        description=getdoc(ListComments),
        opt=READ,
        dependencies=PAGED,
    )
    @inject
    async def list_comments(
        self,
        ticket_id: FromPath[str],
        use_case: FromDishka[ListComments],
        principal: FromDishka[Principal],
        page: PageQuery,
    ) -> PageOut[CommentOut]:
        return PageOut.of(await use_case.execute(ticket_id, page, principal), CommentOut)
