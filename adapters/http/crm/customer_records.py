"""A customer's records: ``/v1/customers/{id}/timeline``, and the admins' ``export`` and
``erase`` (rights of access and erasure)."""

from datetime import datetime
from inspect import getdoc

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, get, post
from litestar.params import FromPath

from adapters.http.access import requires
from adapters.http.crm.customers import CustomerOut
from adapters.http.crm.interactions import InteractionOut
from adapters.http.crm.leads import LeadOut
from adapters.http.crm.opportunities import OpportunityOut
from adapters.http.crm.tickets import CommentOut, TicketOut
from adapters.http.etags import tagged
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission
from core.domain.audit.model import Invocation
from core.domain.crm.interactions import TimelineKind
from core.domain.crm.use_cases.interactions import CustomerTimeline
from core.domain.crm.use_cases.privacy import EraseCustomer, ExportCustomer

ADMINS = requires(Permission.USERS_MANAGE)
"""Export and erasure are the admins' (the role that holds users:manage), not sales'."""


class TimelineEntryOut(msgspec.Struct, frozen=True, kw_only=True):
    kind: TimelineKind
    id: str
    at: datetime
    title: str
    detail: str
    """The interaction's kind, the ticket's status or the opportunity's stage."""


class TicketRecordOut(msgspec.Struct, frozen=True, kw_only=True):
    ticket: TicketOut
    comments: list[CommentOut]


class CustomerExportOut(msgspec.Struct, frozen=True, kw_only=True):
    customer: CustomerOut
    tickets: list[TicketRecordOut]
    interactions: list[InteractionOut]
    opportunities: list[OpportunityOut]
    leads: list[LeadOut]
    """The leads converted into this customer."""


class CustomerRecordsController(Controller):
    path = "/v1/customers"
    tags = ["crm: customers"]

    @get(
        "/{customer_id:str}/timeline",
        operation_id="CustomerTimeline",
        description=getdoc(CustomerTimeline),
        opt=requires(Permission.CRM_READ),
        dependencies=PAGED,
    )
    @inject
    async def timeline(
        self, customer_id: FromPath[str], use_case: FromDishka[CustomerTimeline], page: PageQuery
    ) -> PageOut[TimelineEntryOut]:
        return PageOut.of(await use_case.execute(customer_id, page), TimelineEntryOut)

    @post(
        "/{customer_id:str}/export",
        operation_id="ExportCustomer",
        description=getdoc(ExportCustomer),
        opt=ADMINS,
        status_code=200,
    )
    @inject
    async def export(
        self, customer_id: FromPath[str], use_case: FromDishka[ExportCustomer]
    ) -> CustomerExportOut:
        held = await use_case.execute(customer_id)
        return CustomerExportOut(
            customer=CustomerOut.of(held.customer),
            tickets=[
                TicketRecordOut(
                    ticket=TicketOut.of(record.ticket),
                    comments=[msgspec.convert(c, CommentOut, from_attributes=True) for c in record.comments],
                )
                for record in held.tickets
            ],
            interactions=[
                msgspec.convert(i, InteractionOut, from_attributes=True) for i in held.interactions
            ],
            opportunities=[OpportunityOut.of(o) for o in held.opportunities],
            leads=[LeadOut.of(lead) for lead in held.leads],
        )

    @post(
        "/{customer_id:str}/erase",
        operation_id="EraseCustomer",
        description=getdoc(EraseCustomer),
        opt=ADMINS,
        status_code=200,
    )
    @inject
    async def erase(
        self, customer_id: FromPath[str], use_case: FromDishka[EraseCustomer], by: FromDishka[Invocation]
    ) -> Response[CustomerOut]:
        customer = await use_case.execute(customer_id, by)
        return tagged(CustomerOut.of(customer), customer.version)
