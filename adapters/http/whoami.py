from typing import Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Request, get

from adapters.http.access import AUTHENTICATED
from core.domain.access import Principal


class WhoAmI(msgspec.Struct, frozen=True, kw_only=True):
    service: str
    subject: str
    kind: str
    role: str
    permissions: list[str]
    customer_id: str | None
    api_key_id: str | None = None
    """The LLM API key the caller came with, when the gateway exchanged one."""


@get(
    "/v1/whoami",
    operation_id="WhoAmI",
    summary="The identity this service verified from the bearer token.",
    opt=AUTHENTICATED,
    tags=["identity"],
)
@inject
async def whoami(request: Request[Any, Any, Any], principal: FromDishka[Principal]) -> WhoAmI:
    return WhoAmI(
        service=request.app.state.service,
        subject=principal.subject,
        kind=principal.kind,
        role=principal.role,
        permissions=sorted(principal.permissions),
        customer_id=principal.customer_id,
        api_key_id=principal.api_key_id,
    )
