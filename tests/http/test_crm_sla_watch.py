"""The CRM service runs the SLA watch on its own: a ticket left past its SLA is flagged without
anyone asking, at the configured interval."""

import asyncio

import msgspec
from dishka import Provider, Scope
from litestar.testing import AsyncTestClient

from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from apps._shared.settings import CrmSettings, PlatformSettings
from apps.services import create_service_app
from core.domain.identity.model import Principal, Role, permissions_for
from core.ports.clock import Clock
from tests.support.fake_clock import FakeClock
from tests.support.principals import mint_token


async def test_an_urgent_ticket_left_four_hours_is_flagged_by_the_running_service(
    settings: PlatformSettings,
) -> None:
    clock = FakeClock()
    frozen_time = Provider(scope=Scope.APP)
    frozen_time.provide(lambda: clock, provides=Clock, override=True)
    fast = msgspec.structs.replace(settings, crm=CrmSettings(sla_check_interval_seconds=0.05))
    app = create_service_app("crm", fast, MemoryProvider(MemoryState(), override=True), frozen_time)

    async with AsyncTestClient(app) as crm:
        admin = Principal(
            subject="admin-1", kind="user", role=Role.ADMIN, permissions=permissions_for(Role.ADMIN)
        )
        headers = {"Authorization": f"Bearer {await mint_token(app, admin)}"}
        customer = await crm.post(
            "/v1/customers", json={"name": "Asha", "email": "a@example.com"}, headers=headers
        )
        new = {"customer_id": customer.json()["id"], "subject": "Down", "priority": "urgent"}
        url = f"/v1/tickets/{(await crm.post('/v1/tickets', json=new, headers=headers)).json()['id']}"
        await asyncio.sleep(0.2)
        assert (await crm.get(url, headers=headers)).json()["sla_breached"] is False

        clock.advance(4 * 3600)
        headers = {"Authorization": f"Bearer {await mint_token(app, admin)}"}  # the first one expired
        for _ in range(100):
            if (await crm.get(url, headers=headers)).json()["sla_breached"]:
                break
            await asyncio.sleep(0.05)

        ticket = (await crm.get(url, headers=headers)).json()
        assert (ticket["sla_breached"], ticket["version"]) == (True, 2)
