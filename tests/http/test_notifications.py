"""Notifiers: a threat block reaches a Slack-shaped receiver and an SMTP mailbox (aiosmtpd on
loopback) once per IP per window; channels keep their configs sealed and security ones are
admins' (decision 0041)."""

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from adapters.db.engine import create_engine, session_factory
from adapters.db.uow import SqlUnitOfWork
from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from adapters.system.clock import Uuid7IdGenerator
from adapters.webhooks.sealing import new_seal_key
from adapters.webhooks.settings import IntegrationsSettings, SmtpSettings
from apps._shared.settings import PlatformSettings
from apps.services import create_service_app
from core.domain.access import Principal, Role, permissions_for
from core.domain.events import DomainEvent, publish
from core.domain.logistics.events import LogisticsProductCreated
from core.domain.threat.events import ThreatIpBlocked
from tests.http.webhooks_kit import Platform, webhook_settings, webhooks_platform
from tests.support.mailbox import Mailbox, smtp_mailbox
from tests.support.principals import mint_token
from tests.support.webhook_receiver import WebhookReceiver, wait_for


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_mailbox() as found:
        yield found


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
async def platform(settings: PlatformSettings, mailbox: tuple[Mailbox, int]) -> AsyncIterator[Platform]:
    smtp = SmtpSettings(host="127.0.0.1", port=mailbox[1], starttls=False, sender="BHIV <alerts@bhiv.test>")
    async with webhooks_platform(msgspec.structs.replace(settings, smtp=smtp)) as running:
        yield running


async def published(settings: PlatformSettings, event: DomainEvent) -> None:
    """Through the outbox, as the service owning the event publishes it."""
    engine = create_engine(settings.database)
    try:
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            publish(uow, event, Uuid7IdGenerator().new_id(), datetime.now(UTC))
            await uow.commit()
    finally:
        await engine.dispose()


async def blocked(settings: PlatformSettings, ip: str) -> None:
    """Published as the gateway's threat defence publishes a block (core/domain/threat)."""
    await published(settings, ThreatIpBlocked(ip=ip, kind="sqli", block_seconds=300.0, threat_event_id="t-1"))


def channel(name: str, kind: str, config: dict[str, Any], security: bool = False) -> dict[str, Any]:
    return {"name": name, "kind": kind, "config": config, "security": security}


async def post(platform: Platform, path: str, body: dict[str, Any], role: Role = Role.ADMIN) -> Any:
    return await platform.integrations.post(path, json=body, headers=await platform.headers(role))


async def test_a_threat_block_reaches_slack_and_email_once_per_ip_per_window(
    platform: Platform, settings: PlatformSettings, receiver: WebhookReceiver, mailbox: tuple[Mailbox, int]
) -> None:
    box, _ = mailbox
    slack = await post(platform, "/v1/channels", channel("soc slack", "slack", {"url": receiver.url}, True))
    email = await post(
        platform, "/v1/channels", channel("soc mail", "email", {"to": ["soc@bhiv.test"]}, True)
    )
    ids = [slack.json()["id"], email.json()["id"]]
    blocks = {"name": "blocks", "events": ["threat.ip_blocked"], "min_severity": "warning",
              "channel_ids": ids, "group_by": ["ip"], "repeat_seconds": 600}  # fmt: skip
    rule = await post(platform, "/v1/notification-rules", blocks)
    assert (slack.status_code, email.status_code, rule.status_code) == (201, 201, 201), rule.text

    await blocked(settings, "203.0.113.7")
    await blocked(settings, "203.0.113.7")  # the same IP again inside the window: not sent
    await blocked(settings, "203.0.113.8")
    await wait_for(lambda: _count(receiver, box, 2))
    platform.clock.advance(601)  # the window is over: the next block of .7 is news again
    await blocked(settings, "203.0.113.7")
    await wait_for(lambda: _count(receiver, box, 3))
    admin = await platform.headers(Role.ADMIN)

    async def all_settled() -> bool:
        listed = (await platform.integrations.get("/v1/notifications", headers=admin)).json()["items"]
        return all(n["status"] == "sent" for n in listed)

    await wait_for(all_settled)
    listed = (await platform.integrations.get("/v1/notifications", headers=admin)).json()
    by_ops = (
        await platform.integrations.get("/v1/notifications", headers=await platform.headers(Role.OPS))
    ).json()

    slack_texts = [json.loads(r.body)["text"] for r in receiver.requests]
    assert [t.splitlines()[0] for t in slack_texts] == ["[CRITICAL] threat.ip_blocked"] * 3
    assert ["ip: 203.0.113.7" in slack_texts[0], "ip: 203.0.113.8" in slack_texts[1]] == [True, True]
    assert [m["Subject"] for m in box.messages] == ["[CRITICAL] threat.ip_blocked"] * 3
    assert box.recipients == [["soc@bhiv.test"]] * 3
    assert "ip: 203.0.113.8" in box.messages[1].get_payload()
    assert sorted((n["status"], n["attempts"], n["group_key"]) for n in listed["items"]) == sorted(
        [("sent", 1, "ip=203.0.113.7")] * 4 + [("sent", 1, "ip=203.0.113.8")] * 2
    )
    assert by_ops["items"] == []  # security events' notifications are for admins


async def _count(receiver: WebhookReceiver, box: Mailbox, wanted: int) -> bool:
    assert len(receiver.requests) <= wanted
    assert len(box.messages) <= wanted
    return len(receiver.requests) == wanted and len(box.messages) == wanted


async def test_channel_configs_are_never_answered_and_security_is_for_admins(
    platform: Platform, receiver: WebhookReceiver
) -> None:
    slack = {"url": receiver.url}
    by_ops = await post(platform, "/v1/channels", channel("ops slack", "slack", slack), Role.OPS)
    security_by_ops = await post(platform, "/v1/channels", channel("soc", "slack", slack, True), Role.OPS)
    mine = [by_ops.json()["id"]]
    threat_rule = {"name": "x", "events": ["threat.*"], "channel_ids": mine}
    threat_rule_by_ops = await post(platform, "/v1/notification-rules", threat_rule, Role.OPS)
    stock = {
        "name": "stock",
        "events": ["logistics.stock_low"],
        "channel_ids": mine,
        "group_by": ["product_id"],
    }
    stock_rule = await post(platform, "/v1/notification-rules", stock, Role.OPS)
    metadata = channel("meta", "webhook", {"url": "http://169.254.169.254/"})
    unsafe = await post(platform, "/v1/channels", metadata)
    listed = await platform.integrations.get("/v1/channels", headers=await platform.headers(Role.OPS))

    assert by_ops.status_code == 201
    assert "config" not in by_ops.json()
    assert receiver.url not in by_ops.text
    assert receiver.url not in listed.text
    assert security_by_ops.status_code == 403
    assert threat_rule_by_ops.status_code == 403
    assert stock_rule.status_code == 201, stock_rule.text
    assert (unsafe.status_code, unsafe.json()["code"]) == (422, "unsafe_endpoint")


async def test_readiness_fails_when_the_seal_key_cannot_open_a_stored_channel(
    settings: PlatformSettings, receiver: WebhookReceiver
) -> None:
    async with webhooks_platform(settings) as platform:
        made = await post(platform, "/v1/channels", channel("ops slack", "slack", {"url": receiver.url}))
        ready = await platform.integrations.get("/health/ready")

    other_key = msgspec.structs.replace(
        webhook_settings(settings), integrations=IntegrationsSettings(seal_key=new_seal_key())
    )
    async with AsyncTestClient(create_service_app("integrations", other_key)) as integrations:
        not_ready = await integrations.get("/health/ready")

    assert made.status_code == 201
    assert ready.status_code == 200, ready.text
    assert not_ready.status_code == 503
    assert "does not open" in not_ready.json()["checks"]["seal_key"]


async def test_a_dead_lettered_webhook_message_is_routed_to_its_rule(
    settings: PlatformSettings, receiver: WebhookReceiver
) -> None:
    """The integrations service alone (logistics consumes the webhooks stream too, and the
    in-process bus serves a stream to one event loop); the product event is published as
    logistics publishes it."""
    endpoint = WebhookReceiver(answers=[(400, {})]).start()  # a 4xx is final: dead at once
    chosen = webhook_settings(settings)
    shared = MemoryProvider(MemoryState(), override=True)
    minter = create_service_app("llm", chosen, shared)
    ops = Principal(subject="ops-1", kind="user", role=Role.OPS, permissions=permissions_for(Role.OPS))
    headers = {"Authorization": f"Bearer {await mint_token(minter, ops)}"}
    try:
        async with AsyncTestClient(create_service_app("integrations", chosen, shared)) as api:
            made = await api.post(
                "/v1/channels", json=channel("ops", "slack", {"url": receiver.url}), headers=headers
            )
            failures = {"name": "failed deliveries", "events": ["webhooks.*"], "min_severity": "warning",
                        "channel_ids": [made.json()["id"]], "group_by": ["subscription_id"]}  # fmt: skip
            rule = await api.post("/v1/notification-rules", json=failures, headers=headers)
            wanted = {"url": endpoint.url, "events": ["logistics.product_*"]}
            subscription = (await api.post("/v1/webhooks", json=wanted, headers=headers)).json()
            await published(settings, LogisticsProductCreated(product_id="p-1", sku="DEAD-1"))

            async def told() -> bool:
                return len(receiver.requests) == 1

            await wait_for(told)
    finally:
        endpoint.stop()
        await minter.state.dishka_container.close()

    assert rule.status_code == 201, rule.text
    text = json.loads(receiver.requests[0].body)["text"]
    assert text.splitlines()[0] == "[WARNING] webhooks.message_dead_lettered"
    assert f"subscription_id: {subscription['id']}" in text
    assert "event_type: logistics.product_created" in text
