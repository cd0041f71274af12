"""Customer emails: a customer hears when their order ships and when their ticket gets a reply,
through the SMTP server on loopback, unless they opted out themself (decision 0041)."""

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from adapters.db.engine import create_engine, session_factory
from adapters.db.notifications.tables import contacts
from adapters.db.uow import SqlUnitOfWork
from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from adapters.system.clock import Uuid7IdGenerator
from adapters.webhooks.settings import SmtpSettings
from apps._shared.settings import PlatformSettings
from apps.services import create_service_app
from core.domain.access import Principal, Role, permissions_for
from core.domain.crm.events import CrmCustomerCreated, CrmTicketReplied
from core.domain.events import DomainEvent, publish
from core.domain.logistics.events import LogisticsOrderShipped
from tests.http.webhooks_kit import webhook_settings
from tests.support.mailbox import Mailbox, smtp_mailbox
from tests.support.principals import mint_token
from tests.support.webhook_receiver import wait_for


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_mailbox() as found:
        yield found


@dataclass
class Integrations:
    client: AsyncTestClient  # type: ignore[type-arg]
    minter: Litestar

    async def headers(self, principal: Principal) -> dict[str, str]:
        return {"Authorization": f"Bearer {await mint_token(self.minter, principal)}"}


@pytest.fixture
async def platform(settings: PlatformSettings, mailbox: tuple[Mailbox, int]) -> AsyncIterator[Integrations]:
    """The integrations service alone, relaying the outbox: CRM's and logistics' events are
    published here as those services publish them (the in-process bus serves one event loop per
    stream, and logistics consumes the crm stream too)."""
    smtp = SmtpSettings(host="127.0.0.1", port=mailbox[1], starttls=False)
    chosen = msgspec.structs.replace(webhook_settings(settings), smtp=smtp)
    shared = MemoryProvider(MemoryState(), override=True)
    minter = create_service_app("llm", chosen, shared)
    async with AsyncTestClient(create_service_app("integrations", chosen, shared)) as client:
        try:
            yield Integrations(client, minter)
        finally:
            await minter.state.dishka_container.close()


async def published(settings: PlatformSettings, *events: DomainEvent) -> None:
    """As CRM publishes them (its service is not part of this platform)."""
    engine = create_engine(settings.database)
    try:
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            for event in events:
                publish(uow, event, Uuid7IdGenerator().new_id(), datetime.now(UTC))
            await uow.commit()
    finally:
        await engine.dispose()


async def known_contacts(settings: PlatformSettings) -> int:
    engine = create_engine(settings.database)
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(select(func.count()).select_from(contacts))).scalar_one())
    finally:
        await engine.dispose()


def someone(role: Role, customer_id: str | None = None) -> Principal:
    return Principal(subject=f"user-{customer_id or role}", kind="user", role=role,
                     permissions=permissions_for(role), customer_id=customer_id)  # fmt: skip


async def test_customers_hear_of_shipped_orders_and_replies_unless_they_opted_out(
    platform: Integrations, settings: PlatformSettings, mailbox: tuple[Mailbox, int]
) -> None:
    box, api = mailbox[0], platform.client
    ben = await platform.headers(someone(Role.CUSTOMER, "c-ben"))
    before = await api.get("/v1/customer-emails/me", headers=ben)
    opted = await api.put("/v1/customer-emails/me", json={"opted_out": True}, headers=ben)
    ops = await platform.headers(someone(Role.OPS))
    by_ops = await api.put("/v1/customer-emails/me", json={"opted_out": True}, headers=ops)
    await published(
        settings,
        CrmCustomerCreated(customer_id="c-ana", kind="person", email="ana@bhiv.test"),
        CrmCustomerCreated(customer_id="c-ben", kind="person", email="ben@bhiv.test"),
    )

    async def both_known() -> bool:
        return await known_contacts(settings) == 2

    await wait_for(both_known)  # the crm and logistics streams are consumed apart: no order between
    await published(
        settings,
        LogisticsOrderShipped(order_id="o-ben", customer_id="c-ben", warehouse_id="w-1", lines=[]),
        LogisticsOrderShipped(order_id="o-ana", customer_id="c-ana", warehouse_id="w-1", lines=[]),
        CrmTicketReplied(ticket_id="t-9", customer_id="c-ana", comment_id="m-1", author_id="ops-1"),
    )

    async def two_mails() -> bool:
        return len(box.messages) >= 2

    await wait_for(two_mails)
    after = await api.get("/v1/customer-emails/me", headers=ben)
    admin = await platform.headers(someone(Role.ADMIN))

    async def settled() -> bool:
        listed = (await api.get("/v1/notifications", headers=admin)).json()["items"]
        return len(listed) == 2 and all(n["status"] == "sent" for n in listed)

    await wait_for(settled)

    assert (before.json(), opted.status_code, after.json()) == (
        {"opted_out": False},
        200,
        {"opted_out": True},
    )
    assert by_ops.status_code == 403
    assert sorted((to, m["Subject"]) for to, m in zip(box.recipients, box.messages, strict=True)) == [
        (["ana@bhiv.test"], "We replied to your ticket"),
        (["ana@bhiv.test"], "Your order has shipped"),
    ]
    shipped = next(m for m in box.messages if m["Subject"] == "Your order has shipped")
    assert "o-ana" in shipped.get_payload()
