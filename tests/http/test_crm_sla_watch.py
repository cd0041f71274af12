"""The CRM service's SLA watch, as its app runs it (``apps/crm/sla_watch.py`` on the service's own
container): a ticket left past its SLA is flagged without anyone asking, at the configured interval.

It runs in the test's own event loop: an app under a test client serves from another thread's
loop, and reaching into its container from the test's loop (to mint tokens, say) races the
watch for the container's locks."""

import asyncio

import msgspec
from dishka import Provider, Scope

from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from apps._shared.app import service_container
from apps._shared.settings import CrmSettings, PlatformSettings
from apps.crm.main import SPEC
from apps.crm.sla_watch import watch_slas
from core.domain.access import Principal, Role, permissions_for
from core.domain.audit.model import Actor, Invocation
from core.domain.crm.tickets import TicketPriority
from core.domain.crm.use_cases.customers import CreateCustomer, NewCustomer
from core.domain.crm.use_cases.tickets import GetTicket, NewTicket, OpenTicket
from core.ports.clock import Clock
from tests.support.fake_clock import FakeClock

ADMIN = Principal(subject="admin-1", kind="user", role=Role.ADMIN, permissions=permissions_for(Role.ADMIN))
BY = Invocation(actor=Actor(id="admin-1", kind="user", role="admin"))


async def test_an_urgent_ticket_left_four_hours_is_flagged_by_the_running_watch(
    settings: PlatformSettings,
) -> None:
    clock = FakeClock()
    frozen_time = Provider(scope=Scope.APP)
    frozen_time.provide(lambda: clock, provides=Clock, override=True)
    fast = msgspec.structs.replace(settings, crm=CrmSettings(sla_check_interval_seconds=0.05))
    container = service_container(SPEC, fast, [MemoryProvider(MemoryState(), override=True), frozen_time])
    try:
        async with container() as request:
            customer = await (await request.get(CreateCustomer)).execute(
                NewCustomer(name="Asha", email="a@example.com"), BY
            )
            new = NewTicket(customer_id=customer.id, subject="Down", priority=TicketPriority.URGENT)
            ticket = await (await request.get(OpenTicket)).execute(new, ADMIN, BY)
        watch = asyncio.create_task(watch_slas(container))
        await asyncio.sleep(0.2)
        assert (await current(container, ticket.id)).sla_breached is False

        clock.advance(4 * 3600)
        for _ in range(200):
            if (await current(container, ticket.id)).sla_breached:
                break
            await asyncio.sleep(0.05)

        flagged = await current(container, ticket.id)
        assert (flagged.sla_breached, flagged.version) == (True, 2)
        watch.cancel()
    finally:
        await container.close()


async def current(container, ticket_id: str):  # type: ignore[no-untyped-def]
    async with container() as request:
        return await (await request.get(GetTicket)).execute(ticket_id, ADMIN)
