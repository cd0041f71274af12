"""``/v1/opportunities``: create, read, change, win and lose."""

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
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission
from core.domain.audit.model import Invocation
from core.domain.crm.opportunities import Opportunity, Stage
from core.domain.crm.use_cases.opportunities import (
    CreateOpportunity,
    GetOpportunity,
    ListOpportunities,
    LoseOpportunity,
    NewOpportunity,
    OpportunityChanges,
    UpdateOpportunity,
    WinOpportunity,
)
from core.ports.crm_pipeline import OpportunityFilter

READ = requires(Permission.CRM_READ)
WRITE = requires(Permission.CRM_WRITE)


class OpportunityIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    customer_id: str
    name: str
    amount: Decimal
    """A decimal string, e.g. ``"12500.00"`` (never a float)."""
    currency: str
    """ISO 4217, e.g. ``INR``."""
    expected_close_date: date | None = None
    owner: str | None = None
    """A sales user id; default: the caller."""


class OpportunityOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    customer_id: str
    name: str
    amount: Decimal
    currency: str
    stage: Stage
    allowed_stages: list[str]
    """Where the stage may go next."""
    probability: int
    weighted_amount: Decimal
    """amount * probability / 100."""
    expected_close_date: date | None
    owner: str
    lead_id: str | None
    lost_reason: str | None
    closed_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, opportunity: Opportunity) -> "OpportunityOut":
        return cls(
            **msgspec.structs.asdict(opportunity),
            allowed_stages=opportunity.allowed_stages(),
            weighted_amount=opportunity.weighted,
        )


class LoseIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: str | None = None


class OpportunitiesController(Controller):
    path = "/v1/opportunities"
    tags = ["crm: opportunities"]

    @post("/", operation_id="CreateOpportunity", description=getdoc(CreateOpportunity), opt=WRITE)
    @inject
    async def create(
        self,
        data: JSONBody[OpportunityIn],
        use_case: FromDishka[CreateOpportunity],
        by: FromDishka[Invocation],
    ) -> Response[OpportunityOut]:
        opportunity = await use_case.execute(msgspec.convert(data, NewOpportunity, from_attributes=True), by)
        return tagged(OpportunityOut.of(opportunity), opportunity.version, 201)

    @get(
        "/",
        operation_id="ListOpportunities",
        description=getdoc(ListOpportunities),
        opt=READ,
        dependencies=PAGED,
    )
    @inject
    async def list_opportunities(
        self,
        use_case: FromDishka[ListOpportunities],
        page: PageQuery,
        stage: FromQuery[Stage | None] = None,
        owner: FromQuery[str | None] = None,
        customer_id: FromQuery[str | None] = None,
    ) -> PageOut[OpportunityOut]:
        query = OpportunityFilter(stage=stage, owner=owner, customer_id=customer_id)
        return PageOut.mapped(await use_case.execute(query, page), OpportunityOut.of)

    @get("/{opportunity_id:str}", operation_id="GetOpportunity", description=getdoc(GetOpportunity), opt=READ)
    @inject
    async def get_opportunity(
        self, opportunity_id: FromPath[str], use_case: FromDishka[GetOpportunity]
    ) -> Response[OpportunityOut]:
        opportunity = await use_case.execute(opportunity_id)
        return tagged(OpportunityOut.of(opportunity), opportunity.version)

    @patch(
        "/{opportunity_id:str}",
        operation_id="UpdateOpportunity",
        description=getdoc(UpdateOpportunity),
        opt=WRITE,
    )
    @inject
    async def update(
        self,
        opportunity_id: FromPath[str],
        data: Annotated[OpportunityChanges, Body(media_type=MERGE_PATCH)],
        use_case: FromDishka[UpdateOpportunity],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[OpportunityOut]:
        opportunity = await use_case.execute(opportunity_id, data, by, version_in(if_match))
        return tagged(OpportunityOut.of(opportunity), opportunity.version)

    @post(
        "/{opportunity_id:str}/win",
        operation_id="WinOpportunity",
        description=getdoc(WinOpportunity),
        opt=WRITE,
        status_code=200,
    )
    @inject
    async def win(
        self,
        opportunity_id: FromPath[str],
        use_case: FromDishka[WinOpportunity],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[OpportunityOut]:
        opportunity = await use_case.execute(opportunity_id, by, version_in(if_match))
        return tagged(OpportunityOut.of(opportunity), opportunity.version)

    @post(
        "/{opportunity_id:str}/lose",
        operation_id="LoseOpportunity",
        description=getdoc(LoseOpportunity),
        opt=WRITE,
        status_code=200,
    )
    @inject
    async def lose(
        self,
        opportunity_id: FromPath[str],
        use_case: FromDishka[LoseOpportunity],
        by: FromDishka[Invocation],
        data: JSONBody[LoseIn | None] = None,
        if_match: IfMatch = None,
    ) -> Response[OpportunityOut]:
        reason = None if data is None else data.reason
        opportunity = await use_case.execute(opportunity_id, reason, by, version_in(if_match))
        return tagged(OpportunityOut.of(opportunity), opportunity.version)
