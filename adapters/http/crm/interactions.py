"""``/v1/interactions``: calls, emails, meetings and notes logged against a customer."""

from datetime import datetime
from inspect import getdoc

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, post
from litestar.params import JSONBody

from adapters.http.access import requires
from adapters.http.route_policy import gateway_policy
from core.domain.access import Permission
from core.domain.audit.model import Invocation
from core.domain.crm.interactions import InteractionKind
from core.domain.crm.use_cases.interactions import LogInteraction, NewInteraction


class InteractionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    customer_id: str
    kind: InteractionKind
    subject: str
    body: str = ""
    """Prose, kept exactly as written."""
    occurred_at: datetime | None = None
    """ISO 8601 with its offset; default: now."""


class InteractionOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    customer_id: str
    kind: InteractionKind
    subject: str
    body: str
    occurred_at: datetime
    author_id: str
    created_at: datetime


class InteractionsController(Controller):
    path = "/v1/interactions"
    tags = ["crm: interactions"]

    @post(
        "/",
        operation_id="LogInteraction",
        description=getdoc(LogInteraction),
        opt=requires(Permission.CRM_WRITE, Permission.TICKETS_WRITE),
        **gateway_policy(content=["body"]),
    )
    @inject
    async def log(
        self, data: JSONBody[InteractionIn], use_case: FromDishka[LogInteraction], by: FromDishka[Invocation]
    ) -> Response[InteractionOut]:
        interaction = await use_case.execute(msgspec.convert(data, NewInteraction, from_attributes=True), by)
        return Response(msgspec.convert(interaction, InteractionOut, from_attributes=True), status_code=201)
