"""Services that hold something about a CRM customer act when CRM erases it (decision 0027)."""

from typing import Protocol

import msgspec
from dishka import AsyncContainer

from apps._shared.app import StartupHook
from apps._shared.consumers import run_consumer
from core.domain.audit.model import Actor, Invocation
from core.domain.crm.events import CrmCustomerErased
from core.ports.events import Event

ERASURE = Invocation(actor=Actor.system("crm-erasure"))


class ActsOnErasure(Protocol):
    async def execute(self, customer_id: str, by: Invocation, /) -> object: ...


def follow_erasures(group: str, use_case: type[ActsOnErasure]) -> StartupHook:
    """A background loop: every ``crm.customer_erased`` runs ``use_case`` for that customer. A
    failure leaves the event unacked, so a service that was down catches up when it returns."""
    decode = msgspec.json.Decoder(CrmCustomerErased).decode

    async def follow(container: AsyncContainer) -> None:
        async def handle(event: Event) -> None:
            if event.type != "crm.customer_erased":
                return
            erased = decode(event.payload)
            by = msgspec.structs.replace(ERASURE, correlation_id=event.correlation_id)
            async with container() as request:
                await (await request.get(use_case)).execute(erased.customer_id, by)

        await run_consumer(container, "crm", group, handle)

    return follow
