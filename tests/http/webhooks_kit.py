"""Logistics and integrations in-process on one database and one in-process bus, the outbox
relay on, and the integrations service on a test clock: what the webhook tests drive."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec
from dishka import Provider, Scope, provide
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from adapters.webhooks.sealing import new_seal_key
from adapters.webhooks.settings import IntegrationsSettings, WebhookSettings
from apps._shared.settings import OutboxSettings, PlatformSettings
from apps.services import create_service_app
from core.domain.access import Principal, Role, permissions_for
from core.ports.clock import Clock
from tests.support.fake_clock import FakeClock
from tests.support.principals import mint_token

PROBLEM = "application/problem+json"
Client = AsyncTestClient  # type: ignore[type-arg]


class ClockAt(Provider):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__(scope=Scope.APP)
        self._clock = clock

    @provide(override=True)
    def clock(self) -> Clock:
        return self._clock


def webhook_settings(settings: PlatformSettings, **webhooks: Any) -> PlatformSettings:
    chosen = {"allow_cidrs": ["127.0.0.1/32"], "poll_interval_seconds": 0.02, "retry_jitter": 0.0, **webhooks}
    return msgspec.structs.replace(
        settings,
        outbox=OutboxSettings(relay_enabled=True, poll_interval_seconds=0.02),
        webhooks=WebhookSettings(**chosen),
        integrations=IntegrationsSettings(seal_key=new_seal_key()),
    )


@dataclass
class Platform:
    logistics: Client
    integrations: Client
    clock: FakeClock
    minters: tuple[Litestar, Litestar]
    """Apps never started, whose token issuers are used from the test's own loop only (each
    test client runs its app on a loop of its own, and a database pool is bound to one loop):
    one on the system clock for logistics, one on the test clock for integrations."""

    async def headers(
        self, role: Role, subject: str | None = None, *, service: str = "integrations"
    ) -> dict[str, str]:
        principal = Principal(
            subject=subject or f"{role}-1", kind="user", role=role, permissions=permissions_for(role)
        )
        minter = self.minters[1] if service == "integrations" else self.minters[0]
        return {"Authorization": f"Bearer {await mint_token(minter, principal)}"}

    async def subscribe(self, url: str, events: list[str], role: Role = Role.OPS) -> dict[str, Any]:
        answer = await self.integrations.post(
            "/v1/webhooks",
            json={"url": url, "events": events, "description": "ours"},
            headers=await self.headers(role),
        )
        assert answer.status_code == 201, answer.text
        created: dict[str, Any] = answer.json()
        return created

    async def new_product(self, sku: str) -> dict[str, Any]:
        body = {"sku": sku, "name": f"Chair {sku}", "unit_price": "12.50", "currency": "INR",
                "reorder_point": 5, "reorder_quantity": 20}  # fmt: skip
        answer = await self.logistics.post(
            "/v1/products", json=body, headers=await self.headers(Role.OPS, service="logistics")
        )
        assert answer.status_code == 201, answer.text
        product: dict[str, Any] = answer.json()
        return product

    async def get(self, path: str, **params: Any) -> Any:
        answer = await self.integrations.get(path, params=params, headers=await self.headers(Role.OPS))
        assert answer.status_code == 200, answer.text
        return answer.json()


@asynccontextmanager
async def webhooks_platform(settings: PlatformSettings, **webhooks: Any) -> AsyncIterator[Platform]:
    settings = webhook_settings(settings, **webhooks)
    shared = MemoryProvider(MemoryState(), override=True)
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    async with AsyncExitStack() as stack:
        logistics = await stack.enter_async_context(
            AsyncTestClient(create_service_app("logistics", settings, shared))
        )
        integrations = await stack.enter_async_context(
            AsyncTestClient(create_service_app("integrations", settings, shared, ClockAt(clock)))
        )
        minters = (
            create_service_app("llm", settings, shared),
            create_service_app("llm", settings, ClockAt(clock)),
        )
        try:
            yield Platform(logistics, integrations, clock, minters)
        finally:
            for minter in minters:
                await minter.state.dishka_container.close()
