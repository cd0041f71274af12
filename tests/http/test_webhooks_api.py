"""Outbound webhooks as an operator meets them: subscriptions through the integrations API, real
logistics events reaching a receiver on loopback, signed as Standard Webhooks says (checked with
the official library), and endpoints the platform refuses to call."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook

from adapters.db.engine import create_engine, session_factory
from adapters.db.uow import SqlUnitOfWork
from adapters.system.clock import Uuid7IdGenerator
from apps._shared.settings import PlatformSettings
from core.domain.access import Role
from core.domain.events import publish
from core.domain.identity.events import IdentityLoginFailed
from tests.http.webhooks_kit import PROBLEM, Platform, webhooks_platform
from tests.support.webhook_receiver import WebhookReceiver, wait_for


@pytest.fixture
def receiver() -> AsyncIterator[WebhookReceiver]:
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
async def platform(settings: PlatformSettings) -> AsyncIterator[Platform]:
    async with webhooks_platform(settings) as running:
        yield running


async def test_a_logistics_event_reaches_the_receiver_signed_and_shaped_as_standard_webhooks(
    platform: Platform, receiver: WebhookReceiver
) -> None:
    created = await platform.subscribe(receiver.url, ["logistics.product_*"])
    product = await platform.new_product("TEAK-1")

    async def delivered_once() -> bool:
        items = (await platform.get(f"/v1/webhooks/{created['id']}/messages"))["items"]
        return [m["status"] for m in items] == ["delivered"]

    await wait_for(delivered_once)
    [request] = receiver.requests
    delivered = Webhook(created["secret"]).verify(request.body, request.headers)
    messages = await platform.get(f"/v1/webhooks/{created['id']}/messages")
    deliveries = await platform.get(f"/v1/webhooks/{created['id']}/deliveries")

    assert created["secret"].startswith("whsec_")
    assert {k: created[k] for k in ("url", "events", "description", "active")} == {
        "url": receiver.url, "events": ["logistics.product_*"], "description": "ours", "active": True,
    }  # fmt: skip
    assert delivered["type"] == "logistics.product_created"
    assert delivered["data"] == {
        "type": "logistics.product_created",
        "product_id": product["id"],
        "sku": "TEAK-1",
    }
    assert set(delivered) == {"type", "timestamp", "data"}
    [message] = messages["items"]
    assert request.headers["webhook-id"] == message["event_id"]
    assert (message["status"], message["attempts"]) == ("delivered", 1)
    [attempt] = deliveries["items"]
    assert (attempt["status_code"], attempt["response_excerpt"], attempt["failure"]) == (200, "ok", None)
    assert attempt["latency_ms"] >= 0


async def test_the_secret_is_shown_once_and_events_it_does_not_want_do_not_reach_it(
    platform: Platform, receiver: WebhookReceiver
) -> None:
    created = await platform.subscribe(receiver.url, ["crm.*"])
    await platform.new_product("TEAK-2")
    tested = await platform.integrations.post(
        f"/v1/webhooks/{created['id']}/test", headers=await platform.headers(Role.OPS)
    )

    async def arrived() -> bool:
        return len(receiver.requests) == 1

    await wait_for(arrived)
    read = await platform.get(f"/v1/webhooks/{created['id']}")
    listed = await platform.get("/v1/webhooks")

    assert tested.status_code == 202
    assert Webhook(created["secret"]).verify(receiver.requests[0].body, receiver.requests[0].headers)[
        "type"
    ] == ("webhook.test")
    assert "secret" not in read
    assert [item["id"] for item in listed["items"]] == [created["id"]]


async def test_subscriptions_are_their_creators_and_security_events_need_threats_manage(
    platform: Platform, receiver: WebhookReceiver
) -> None:
    ops, admin = await platform.headers(Role.OPS), await platform.headers(Role.ADMIN)
    other_ops = await platform.headers(Role.OPS, subject="ops-2")
    created = await platform.subscribe(receiver.url, ["*"])
    url = f"/v1/webhooks/{created['id']}"

    threat_by_ops = await platform.integrations.post(
        "/v1/webhooks", json={"url": receiver.url, "events": ["threat.*"]}, headers=ops
    )
    crisis_by_ops = await platform.integrations.post(
        "/v1/webhooks",
        json={"url": receiver.url, "events": ["orchestration.crisis_escalated"]},
        headers=ops,
    )
    refusals_by_ops = await platform.integrations.post(
        "/v1/webhooks", json={"url": receiver.url, "events": ["llm.*"]}, headers=ops
    )
    threat_by_admin = await platform.integrations.post(
        "/v1/webhooks",
        json={"url": receiver.url, "events": ["threat.*", "identity.login_failed"]},
        headers=admin,
    )
    unseen = await platform.integrations.get(url, headers=other_ops)
    by_admin = await platform.integrations.get(url, headers=admin)
    by_sales = await platform.integrations.get("/v1/webhooks", headers=await platform.headers(Role.SALES))
    patched = await platform.integrations.patch(
        url, json={"events": ["logistics.*"], "active": False}, headers=ops
    )
    widened = await platform.integrations.patch(url, json={"events": ["identity.*"]}, headers=admin)
    deleted = await platform.integrations.delete(url, headers=ops)
    gone = await platform.integrations.get(url, headers=ops)

    assert (threat_by_ops.status_code, threat_by_ops.json()["code"]) == (403, "forbidden")
    # Events naming a user in distress or refused for content are security events too.
    assert (crisis_by_ops.status_code, refusals_by_ops.status_code) == (403, 403)
    assert threat_by_admin.status_code == 201
    assert unseen.status_code == 404
    assert by_admin.status_code == 200
    assert by_sales.status_code == 403
    assert (patched.status_code, patched.json()["events"], patched.json()["active"]) == (
        200,
        ["logistics.*"],
        False,
    )
    assert patched.json()["disabled_reason"] == "disabled by its owner"
    assert widened.status_code == 403  # judged by what its creator (ops) may see
    assert (deleted.status_code, gone.status_code) == (204, 404)


async def test_bad_subscriptions_get_a_clear_problem(platform: Platform, receiver: WebhookReceiver) -> None:
    ops = await platform.headers(Role.OPS)
    bodies = [
        {"url": receiver.url, "events": []},
        {"url": receiver.url, "events": ["logistics.*.x"]},
        {"url": receiver.url, "events": ["*ship"]},
        {"url": receiver.url},
        {"url": receiver.url, "events": ["*"], "secret": "mine"},
        {"url": "not a url", "events": ["*"]},
        {"url": "ftp://example.com/", "events": ["*"]},
        {"url": "https://user:pw@example.com/", "events": ["*"]},
    ]

    answers = [await platform.integrations.post("/v1/webhooks", json=body, headers=ops) for body in bodies]

    for answer in answers:
        assert 400 <= answer.status_code < 500, answer.text
        assert answer.headers["content-type"].startswith(PROBLEM)
        assert answer.json()["detail"]
    assert {a.status_code for a in answers} == {422}


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "https://10.0.0.1/",
        "https://[fd00::1]/",
    ],
)
async def test_private_metadata_and_loopback_targets_are_refused_with_422(
    platform: Platform, url: str
) -> None:
    answer = await platform.integrations.post(
        "/v1/webhooks", json={"url": url, "events": ["*"]}, headers=await platform.headers(Role.OPS)
    )

    assert (answer.status_code, answer.json()["code"]) == (422, "unsafe_endpoint"), answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)


async def test_a_name_resolving_to_loopback_is_refused_without_the_allowlist_and_nothing_is_connected_to(
    settings: PlatformSettings, receiver: WebhookReceiver
) -> None:
    async with webhooks_platform(settings, allow_cidrs=[]) as platform:
        ops = await platform.headers(Role.OPS)
        by_name = await platform.integrations.post(
            "/v1/webhooks",
            json={"url": f"https://localhost:{receiver.port}/hooks", "events": ["*"]},
            headers=ops,
        )
        by_address = await platform.integrations.post(
            "/v1/webhooks", json={"url": receiver.url, "events": ["*"]}, headers=ops
        )

    assert (by_name.status_code, by_name.json()["code"]) == (422, "unsafe_endpoint")
    assert "loopback" in by_name.json()["detail"]
    assert by_address.status_code == 422
    assert receiver.connections == 0


async def test_a_rotated_secret_is_shown_once_and_both_secrets_sign_during_the_overlap(
    platform: Platform, receiver: WebhookReceiver
) -> None:
    created = await platform.subscribe(receiver.url, ["logistics.*"])
    rotate = f"/v1/webhooks/{created['id']}/secret/rotate"
    ops = await platform.headers(Role.OPS)

    rotated = await platform.integrations.post(rotate, json={"overlap_seconds": 600}, headers=ops)
    too_long = await platform.integrations.post(rotate, json={"overlap_seconds": 8 * 86400}, headers=ops)
    await platform.new_product("ROT-1")

    async def arrived() -> bool:
        return len(receiver.requests) == 1

    await wait_for(arrived)
    [request] = receiver.requests

    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new.startswith("whsec_")
    assert new != created["secret"]
    assert too_long.status_code == 422
    for secret in (created["secret"], new):
        assert Webhook(secret).verify(request.body, request.headers)["data"]["sku"] == "ROT-1"


async def test_identity_events_reach_only_subscriptions_whose_creator_holds_threats_manage(
    settings: PlatformSettings, platform: Platform, receiver: WebhookReceiver
) -> None:
    by_ops = await platform.subscribe(receiver.url + "?by=ops", ["*"])
    by_admin = await platform.subscribe(receiver.url + "?by=admin", ["*"], role=Role.ADMIN)
    engine = create_engine(settings.database)
    try:
        async with SqlUnitOfWork(session_factory(engine)) as uow:  # as the gateway publishes it
            failed = IdentityLoginFailed(email_sha256="0" * 64, ip="203.0.113.9", reason="bad_password")
            publish(uow, failed, Uuid7IdGenerator().new_id(), datetime.now(UTC))
            await uow.commit()
    finally:
        await engine.dispose()
    await platform.new_product("SEEN-BY-ALL")

    async def both_delivered() -> bool:
        return len(receiver.requests) == 3

    await wait_for(both_delivered)
    got = sorted((r.path.split("=")[1], json.loads(r.body)["type"]) for r in receiver.requests)
    to_ops = next(r for r in receiver.requests if r.path.endswith("ops"))

    assert got == [
        ("admin", "identity.login_failed"),
        ("admin", "logistics.product_created"),
        ("ops", "logistics.product_created"),
    ]
    assert Webhook(by_ops["secret"]).verify(to_ops.body, to_ops.headers)["data"]["sku"] == "SEEN-BY-ALL"
    assert by_admin["events"] == ["*"]
