"""Webhook delivery over time, on the integrations service's test clock: retries on the schedule
while the receiver is down, the backlog in event order when it is back, the dead-letter list and
replay, what each answer of a receiver means, and a seal key that cannot open the secrets."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from standardwebhooks import Webhook

from adapters.db.engine import create_engine
from adapters.db.tables import outbox
from adapters.webhooks.sealing import new_seal_key
from adapters.webhooks.settings import IntegrationsSettings
from apps._shared.settings import PlatformSettings
from apps.services import create_service_app
from core.domain.access import Role
from tests.http.webhooks_kit import Platform, webhook_settings, webhooks_platform
from tests.support.webhook_receiver import Received, WebhookReceiver, wait_for


@pytest.fixture
def receiver() -> AsyncIterator[WebhookReceiver]:
    server = WebhookReceiver().start()
    yield server
    server.stop()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def signed_data(secret: str, request: Received) -> Any:
    """The payload's data when the official library's signature of it is among the request's
    (its ``verify`` also wants the timestamp near the real time, which a test clock is not)."""
    h = request.headers
    when = datetime.fromtimestamp(int(h["webhook-timestamp"]), UTC)
    assert Webhook(secret).sign(h["webhook-id"], when, request.body) in h["webhook-signature"].split()
    return json.loads(request.body)["data"]


async def messages(platform: Platform, subscription: dict[str, Any], **params: Any) -> list[dict[str, Any]]:
    page = await platform.get(f"/v1/webhooks/{subscription['id']}/messages", **params)
    return list(reversed(page["items"]))  # oldest event first


async def attempts_reach(platform: Platform, subscription: dict[str, Any], count: int, each: int) -> None:
    async def reached() -> bool:
        found = await messages(platform, subscription)
        return len(found) == count and all(m["attempts"] == each for m in found)

    await wait_for(reached)


async def test_retries_follow_the_schedule_and_the_backlog_goes_out_in_event_order(
    settings: PlatformSettings, receiver: WebhookReceiver
) -> None:
    async with webhooks_platform(settings) as platform:
        subscription = await platform.subscribe(receiver.url, ["logistics.product_created"])
        receiver.stop()
        start = platform.clock.now()
        products = [await platform.new_product(f"SKU-{n}") for n in range(3)]

        await attempts_reach(platform, subscription, 3, 1)
        first = await messages(platform, subscription)
        platform.clock.advance(5)
        await attempts_reach(platform, subscription, 3, 2)
        second = await messages(platform, subscription)
        platform.clock.advance(300)
        await attempts_reach(platform, subscription, 3, 3)
        receiver.start()
        platform.clock.advance(1800)
        await attempts_reach(platform, subscription, 3, 4)
        delivered = await messages(platform, subscription)
        log = (await platform.get(f"/v1/webhooks/{subscription['id']}/deliveries", limit=50))["items"]

    assert [at(m["next_attempt_at"]) - start for m in first] == [timedelta(seconds=5)] * 3
    assert [at(m["next_attempt_at"]) - start for m in second] == [timedelta(seconds=305)] * 3
    assert [m["status"] for m in delivered] == ["delivered"] * 3
    sent = [signed_data(subscription["secret"], r)["sku"] for r in receiver.requests]
    assert sent == [p["sku"] for p in products]
    assert [r.headers["webhook-id"] for r in receiver.requests] == [m["event_id"] for m in delivered]
    first_message = [a for a in log if a["event_id"] == delivered[0]["event_id"]]
    assert [(a["number"], (at(a["attempted_at"]) - start).seconds) for a in reversed(first_message)] == [
        (1, 0), (2, 5), (3, 305), (4, 2105),
    ]  # fmt: skip
    assert [a["status_code"] for a in reversed(first_message)] == [None, None, None, 200]
    assert all(a["error"] and a["failure"] == "endpoint" for a in first_message[1:])


async def test_after_the_last_attempt_a_message_is_dead_lettered_and_can_be_replayed(
    settings: PlatformSettings, receiver: WebhookReceiver
) -> None:
    async with webhooks_platform(settings, retry_schedule_seconds=[0, 5, 60]) as platform:
        subscription = await platform.subscribe(receiver.url, ["logistics.*"])
        receiver.answers += [(500, {}), (503, {}), (502, {})]
        await platform.new_product("DEAD-1")
        await attempts_reach(platform, subscription, 1, 1)
        platform.clock.advance(5)
        await attempts_reach(platform, subscription, 1, 2)
        platform.clock.advance(60)
        await attempts_reach(platform, subscription, 1, 3)
        [dead] = await messages(platform, subscription, status="dead")
        replayed = await platform.integrations.post(
            f"/v1/webhooks/{subscription['id']}/messages/{dead['id']}/replay",
            headers=await platform.headers(Role.OPS),
        )

        async def delivered() -> bool:
            return [m["status"] for m in await messages(platform, subscription)] == ["delivered"]

        await wait_for(delivered)
        pending = await messages(platform, subscription, status="pending")

    assert (dead["status"], dead["failure"], dead["last_error"]) == (
        "dead",
        "endpoint",
        "the endpoint answered 502",
    )
    assert dead["next_attempt_at"] is None
    assert replayed.status_code == 202
    assert pending == []
    assert [r.headers["webhook-id"] for r in receiver.requests] == [dead["event_id"]] * 4


async def test_429_waits_as_long_as_retry_after_says_other_4xx_are_not_retried_and_410_disables(
    settings: PlatformSettings, receiver: WebhookReceiver
) -> None:
    async with webhooks_platform(settings) as platform:
        subscription = await platform.subscribe(receiver.url, ["logistics.product_created"])
        receiver.answers += [(429, {"Retry-After": "120"}), (400, {})]
        start = platform.clock.now()
        await platform.new_product("BUSY-1")
        await attempts_reach(platform, subscription, 1, 1)
        [waiting] = await messages(platform, subscription)
        platform.clock.advance(120)
        await attempts_reach(platform, subscription, 1, 2)
        [refused] = await messages(platform, subscription)

        receiver.answers.append((410, {}))
        await platform.new_product("GONE-1")

        async def disabled() -> bool:
            return not (await platform.get(f"/v1/webhooks/{subscription['id']}"))["active"]

        await wait_for(disabled)
        read = await platform.get(f"/v1/webhooks/{subscription['id']}")

    assert at(waiting["next_attempt_at"]) - start == timedelta(seconds=120)
    assert (refused["status"], refused["failure"], refused["attempts"]) == ("dead", "endpoint", 2)
    assert read["disabled_reason"] == "the endpoint answered 410 Gone"


async def test_readiness_fails_when_the_seal_key_cannot_open_the_stored_secrets(
    settings: PlatformSettings, receiver: WebhookReceiver
) -> None:
    async with webhooks_platform(settings) as platform:
        await platform.subscribe(receiver.url, ["*"])
        ready = await platform.integrations.get("/health/ready")

    other_key = webhook_settings(settings)
    other_key = msgspec.structs.replace(other_key, integrations=IntegrationsSettings(seal_key=new_seal_key()))
    async with AsyncTestClient(create_service_app("integrations", other_key)) as integrations:
        not_ready = await integrations.get("/health/ready")

    assert ready.status_code == 200, ready.text
    assert not_ready.status_code == 503
    assert "does not open" in not_ready.json()["checks"]["seal_key"]


async def test_a_subscription_failing_for_long_is_disabled_and_its_owner_told_by_an_event(
    settings: PlatformSettings, receiver: WebhookReceiver
) -> None:
    schedule = {"retry_schedule_seconds": [0, 300, 300, 300], "disable_after_seconds": 600}
    async with webhooks_platform(settings, **schedule) as platform:
        subscription = await platform.subscribe(receiver.url, ["logistics.*"])
        receiver.stop()
        start = platform.clock.now()
        await platform.new_product("DOWN-1")
        for attempts in (1, 2):
            await attempts_reach(platform, subscription, 1, attempts)
            platform.clock.advance(300)

        async def disabled() -> bool:
            return not (await platform.get(f"/v1/webhooks/{subscription['id']}"))["active"]

        await wait_for(disabled)
        read = await platform.get(f"/v1/webhooks/{subscription['id']}")

    engine = create_engine(settings.database)
    async with engine.connect() as connection:
        told = (await connection.execute(select(outbox.c.payload).where(outbox.c.stream == "webhooks"))).all()
    await engine.dispose()
    assert read["disabled_reason"] == (f"its endpoint has failed since {start.isoformat()} without a success")
    assert [e for e in map(json.loads, (row.payload for row in told)) if e["type"].endswith("_disabled")] == [
        {"type": "webhooks.subscription_disabled", "subscription_id": subscription["id"], "owner": "ops-1",
         "reason": read["disabled_reason"]},
    ]  # fmt: skip


async def test_everything_dead_lettered_since_a_time_is_replayed_in_event_order(
    settings: PlatformSettings, receiver: WebhookReceiver
) -> None:
    async with webhooks_platform(settings, retry_schedule_seconds=[0]) as platform:
        subscription = await platform.subscribe(receiver.url, ["logistics.product_created"])
        url = f"/v1/webhooks/{subscription['id']}/replay"
        ops = await platform.headers(Role.OPS)
        receiver.answers += [(500, {}), (500, {})]
        products = [await platform.new_product(f"LATER-{n}") for n in range(2)]
        await attempts_reach(platform, subscription, 2, 1)
        dead = await messages(platform, subscription, status="dead")
        since = dead[0]["occurred_at"]

        naive = await platform.integrations.post(url, json={"since": since.removesuffix("Z")}, headers=ops)
        replayed = await platform.integrations.post(url, json={"since": since}, headers=ops)
        await attempts_reach(platform, subscription, 2, 1)  # attempts start again from none

        async def delivered() -> bool:
            return {m["status"] for m in await messages(platform, subscription)} == {"delivered"}

        await wait_for(delivered)
        again = await platform.integrations.post(
            url, json={"since": since, "include_delivered": True}, headers=ops
        )
        await wait_for(delivered)

    assert len(dead) == 2
    assert naive.status_code == 422
    assert (replayed.status_code, replayed.json()) == (202, {"replayed": 2})
    assert again.json() == {"replayed": 2}
    skus = [json.loads(r.body)["data"]["sku"] for r in receiver.requests]
    assert skus == [p["sku"] for p in products] * 3
