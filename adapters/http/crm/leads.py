"""``/v1/leads`` and their conversion."""

from datetime import date, datetime
from decimal import Decimal
from inspect import getdoc
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, get, patch, post
from litestar.params import Body, FromPath, FromQuery, JSONBody

from adapters.http.access import requires
from adapters.http.etags import MERGE_PATCH, IfMatch, tagged, version_in
from adapters.http.idempotency import IDEMPOTENT
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission
from core.domain.audit.model import Invocation
from core.domain.crm.leads import Lead, LeadSource, LeadStatus
from core.domain.crm.use_cases.leads import (
    ConversionTerms,
    ConvertLead,
    CreateLead,
    GetLead,
    LeadChanges,
    ListLeads,
    NewLead,
    UpdateLead,
)
from core.ports.crm_pipeline import LeadFilter, LeadSort

READ = requires(Permission.CRM_READ)
WRITE = requires(Permission.CRM_WRITE)


class LeadIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: str
    email: str
    company: str | None = None
    phone: str | None = None
    source: LeadSource = LeadSource.OTHER
    owner: str | None = None
    """A sales user id; default: the caller."""


class LeadOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    email: str
    company: str | None
    phone: str | None
    source: LeadSource
    status: LeadStatus
    allowed_statuses: list[str]
    """Where the status may go next (`converted` through the conversion only)."""
    score: int
    owner: str
    customer_id: str | None
    opportunity_id: str | None
    converted_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, lead: Lead) -> "LeadOut":
        return cls(**msgspec.structs.asdict(lead), allowed_statuses=lead.allowed_statuses())


class ConvertIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    opportunity_name: str | None = None
    amount: Decimal = Decimal(0)
    """A decimal string, e.g. ``"12500.00"``."""
    currency: str = "INR"
    expected_close_date: date | None = None


class ConversionOut(msgspec.Struct, frozen=True, kw_only=True):
    lead_id: str
    customer_id: str
    customer_created: bool
    """False when an existing customer with the lead's email was linked."""
    opportunity_id: str


class LeadsController(Controller):
    path = "/v1/leads"
    tags = ["crm: leads"]

    @post("/", operation_id="CreateLead", description=getdoc(CreateLead), opt=WRITE)
    @inject
    async def create(
        self, data: JSONBody[LeadIn], use_case: FromDishka[CreateLead], by: FromDishka[Invocation]
    ) -> Response[LeadOut]:
        lead = await use_case.execute(msgspec.convert(data, NewLead, from_attributes=True), by)
        return tagged(LeadOut.of(lead), lead.version, 201)

    @get("/", operation_id="ListLeads", description=getdoc(ListLeads), opt=READ, dependencies=PAGED)
    @inject
    async def list_leads(
        self,
        use_case: FromDishka[ListLeads],
        page: PageQuery,
        status: FromQuery[LeadStatus | None] = None,
        owner: FromQuery[str | None] = None,
        source: FromQuery[LeadSource | None] = None,
        sort: FromQuery[LeadSort] = LeadSort.CREATED,
    ) -> PageOut[LeadOut]:
        query = LeadFilter(status=status, owner=owner, source=source, sort=sort)
        return PageOut.mapped(await use_case.execute(query, page), LeadOut.of)

    @get("/{lead_id:str}", operation_id="GetLead", description=getdoc(GetLead), opt=READ)
    @inject
    async def get_lead(self, lead_id: FromPath[str], use_case: FromDishka[GetLead]) -> Response[LeadOut]:
        lead = await use_case.execute(lead_id)
        return tagged(LeadOut.of(lead), lead.version)

    @patch("/{lead_id:str}", operation_id="UpdateLead", description=getdoc(UpdateLead), opt=WRITE)
    @inject
    async def update(
        self,
        lead_id: FromPath[str],
        data: Annotated[LeadChanges, Body(media_type=MERGE_PATCH)],
        use_case: FromDishka[UpdateLead],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[LeadOut]:
        lead = await use_case.execute(lead_id, data, by, version_in(if_match))
        return tagged(LeadOut.of(lead), lead.version)

    @post(
        "/{lead_id:str}/convert",
        operation_id="ConvertLead",
        description=getdoc(ConvertLead),
        opt=WRITE | IDEMPOTENT,
        status_code=200,
    )
    @inject
    async def convert(
        self,
        lead_id: FromPath[str],
        use_case: FromDishka[ConvertLead],
        by: FromDishka[Invocation],
        data: JSONBody[ConvertIn | None] = None,
    ) -> ConversionOut:
        terms = (
            ConversionTerms()
            if data is None
            else msgspec.convert(data, ConversionTerms, from_attributes=True)
        )
        done = await use_case.execute(lead_id, terms, by)
        return ConversionOut(
            lead_id=done.lead.id,
            customer_id=done.customer.id,
            customer_created=done.customer_created,
            opportunity_id=done.opportunity.id,
        )
