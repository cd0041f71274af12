"""What the gateway learns from CRM's events: an erased customer's logins end (decision 0027)."""

import msgspec
from dishka import AsyncContainer

from apps._shared.consumers import run_consumer
from core.domain.audit.model import Actor, Invocation
from core.domain.crm.events import CrmCustomerErased
from core.domain.identity.use_cases import DisableCustomerLogins
from core.ports.events import Event

CRM = "crm"
ERASURE = Invocation(actor=Actor.system("crm-erasure"))


async def end_erased_customers_logins(container: AsyncContainer) -> None:
    """Every ``crm.customer_erased`` disables the logins acting for that customer. A handler that
    fails leaves the event unacked, so a gateway that was down catches up when it returns."""
    decode = msgspec.json.Decoder(CrmCustomerErased).decode

    async def handle(event: Event) -> None:
        if event.type != "crm.customer_erased":
            return
        erased = decode(event.payload)
        by = msgspec.structs.replace(ERASURE, correlation_id=event.correlation_id)
        async with container() as request:
            await (await request.get(DisableCustomerLogins)).execute(erased.customer_id, by)

    await run_consumer(container, CRM, "gateway-erasures", handle)
