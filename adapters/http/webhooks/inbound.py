"""``/v1/inbound/carriers/{carrier}``: carriers' signed tracking updates, public at the gateway
(carriers hold no platform token; the signature is their credential)."""

from inspect import getdoc
from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, post
from litestar.params import FromPath

from adapters.http.access import PUBLIC
from adapters.http.route_policy import gateway_policy
from core.domain.audit.model import Invocation
from core.domain.webhooks.inbound import ReceiveCarrierUpdate, SignedMessage


class InboundCarriersController(Controller):
    path = "/v1/inbound/carriers"
    tags = ["inbound webhooks"]

    @post(
        "/{carrier:str}",
        operation_id="ReceiveCarrierUpdate",
        description=getdoc(ReceiveCarrierUpdate),
        opt=PUBLIC,
        status_code=202,
        **gateway_policy(public=True),
    )
    @inject
    async def receive(
        self,
        carrier: FromPath[str],
        request: Request[Any, Any, Any],
        use_case: FromDishka[ReceiveCarrierUpdate],
        by: FromDishka[Invocation],
    ) -> None:
        message = SignedMessage(
            message_id=request.headers.get("webhook-id"),
            timestamp=request.headers.get("webhook-timestamp"),
            signature=request.headers.get("webhook-signature"),
            body=await request.body(),
        )
        await use_case.execute(carrier, message, by)
