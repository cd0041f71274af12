"""Inbound carrier webhooks: a carrier's signed tracking update, posted with no platform token,
reaches logistics through the integrations service's event and moves the shipment; unsigned,
stale and replayed updates are refused with problem+json (decision 0041)."""

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import msgspec
import pytest
from standardwebhooks import Webhook

from adapters.webhooks.settings import CarrierSettings
from apps._shared.settings import PlatformSettings
from core.domain.access import Role
from core.domain.webhooks.signing import new_secret, signed_headers
from tests.http.webhooks_kit import PROBLEM, Platform, webhooks_platform
from tests.support.webhook_receiver import wait_for

SECRET = new_secret()
INBOUND = "/v1/inbound/carriers/bluedart"


@pytest.fixture
async def platform(settings: PlatformSettings) -> AsyncIterator[Platform]:
    carriers = CarrierSettings(secrets={"BlueDart": SECRET}, tolerance_seconds=300)
    async with webhooks_platform(msgspec.structs.replace(settings, carriers=carriers)) as running:
        yield running


async def shipment_in_transit(platform: Platform, tracking_number: str) -> dict[str, Any]:
    """An order of a stocked product, reserved, with a BlueDart shipment that is in transit."""
    logistics, ops = platform.logistics, await platform.headers(Role.OPS, service="logistics")
    product = await platform.new_product(f"SKU-{tracking_number}")
    place = {"code": f"W-{tracking_number}", "name": "Pune"}
    warehouse = (await logistics.post("/v1/warehouses", json=place, headers=ops)).json()
    receipt = {"kind": "receive", "product_id": product["id"], "warehouse_id": warehouse["id"], "quantity": 5}
    assert (await logistics.post("/v1/movements", json=receipt, headers=ops)).status_code == 201
    lines = [{"product_id": product["id"], "quantity": 2}]
    body = {"customer_id": "c-ana", "warehouse_id": warehouse["id"], "lines": lines}
    order = (await logistics.post("/v1/orders", headers=ops, json=body)).json()
    assert (await logistics.post(f"/v1/orders/{order['id']}/reserve", headers=ops)).status_code == 200
    created = await logistics.post("/v1/shipments", headers=ops, json={
        "order_id": order["id"], "carrier": "BlueDart", "tracking_number": tracking_number})  # fmt: skip
    shipment: dict[str, Any] = created.json()
    moved = await logistics.post(f"/v1/shipments/{shipment['id']}/events", headers=ops,
                                 json={"status": "in_transit", "location": "Mumbai hub"})  # fmt: skip
    assert moved.status_code == 200, moved.text
    return shipment


def signed(platform: Platform, body: dict[str, Any], message_id: str, *, secret: str = SECRET,
           age_seconds: float = 0) -> tuple[bytes, dict[str, str]]:  # fmt: skip
    raw = json.dumps(body).encode()
    at = platform.clock.now() - timedelta(seconds=age_seconds)
    headers = signed_headers([secret], message_id, at, raw)
    if not age_seconds:  # what we send is what the specification calls signed
        Webhook(secret).verify(raw, headers)
    return raw, headers


async def shipment_of(platform: Platform, shipment_id: str) -> dict[str, Any]:
    ops = await platform.headers(Role.OPS, service="logistics")
    answer = await platform.logistics.get(f"/v1/shipments/{shipment_id}", headers=ops)
    found: dict[str, Any] = answer.json()
    return found


async def test_a_signed_update_delivers_the_shipment_and_its_order_once(platform: Platform) -> None:
    shipment = await shipment_in_transit(platform, "BD-100")
    later = await shipment_in_transit(platform, "BD-101")
    update = {"tracking_number": "BD-100", "status": "delivered", "location": "Pune", "note": "signed by Ana"}
    body, headers = signed(platform, update, "msg_1")

    accepted = await platform.integrations.post(INBOUND, content=body, headers=headers)

    async def delivered() -> bool:
        return (await shipment_of(platform, shipment["id"]))["status"] == "delivered"

    await wait_for(delivered)
    body_again, headers_again = signed(platform, update, "msg_2")  # the carrier resends it, new id
    again = await platform.integrations.post(INBOUND, content=body_again, headers=headers_again)
    body_later, headers_later = signed(
        platform, {"tracking_number": "BD-101", "status": "delivered"}, "msg_3"
    )
    await platform.integrations.post(INBOUND, content=body_later, headers=headers_later)

    async def later_delivered() -> bool:  # one consumer, in order: msg_2 was handled before it
        return (await shipment_of(platform, later["id"]))["status"] == "delivered"

    await wait_for(later_delivered)
    ops = await platform.headers(Role.OPS, service="logistics")
    order = (await platform.logistics.get(f"/v1/orders/{shipment['order_id']}", headers=ops)).json()
    final = await shipment_of(platform, shipment["id"])

    assert accepted.status_code == 202, accepted.text
    assert again.status_code == 202
    assert order["status"] == "delivered"
    assert [(e["status"], e["location"], e["note"]) for e in final["events"]] == [
        ("in_transit", "Mumbai hub", ""), ("delivered", "Pune", "signed by Ana")]  # fmt: skip


async def test_bad_signatures_stale_timestamps_and_replays_are_refused(platform: Platform) -> None:
    update = {"tracking_number": "BD-200", "status": "delivered"}
    body, headers = signed(platform, update, "msg_10")
    _, wrong = signed(platform, update, "msg_11", secret=new_secret())
    stale_body, stale = signed(platform, update, "msg_12", age_seconds=301)

    tampered = await platform.integrations.post(
        INBOUND, content=body.replace(b"BD-200", b"BD-201"), headers=headers
    )
    other_secret = await platform.integrations.post(INBOUND, content=body, headers=wrong)
    unsigned = await platform.integrations.post(
        INBOUND, content=body, headers={"content-type": "application/json"}
    )
    too_old = await platform.integrations.post(INBOUND, content=stale_body, headers=stale)
    first = await platform.integrations.post(INBOUND, content=body, headers=headers)
    replayed = await platform.integrations.post(INBOUND, content=body, headers=headers)
    unknown = await platform.integrations.post("/v1/inbound/carriers/acme", content=body, headers=headers)
    bad_status_body, bad_status = signed(platform, {"tracking_number": "BD-200", "status": "lost"}, "msg_13")
    invalid = await platform.integrations.post(INBOUND, content=bad_status_body, headers=bad_status)

    refused = [tampered, other_secret, unsigned, too_old, replayed, unknown, invalid]
    assert [(a.status_code, a.json()["code"]) for a in refused] == [
        (401, "invalid_signature"),
        (401, "invalid_signature"),
        (401, "invalid_signature"),
        (401, "stale_timestamp"),
        (409, "replayed_message"),
        (404, "not_found"),
        (422, "rule_violated"),
    ]
    assert all(a.headers["content-type"].startswith(PROBLEM) for a in refused)
    assert first.status_code == 202


async def test_the_route_is_declared_public_to_the_gateway(platform: Platform) -> None:
    document = (await platform.integrations.get("/openapi/openapi.json")).json()
    operation = document["paths"]["/v1/inbound/carriers/{carrier}"]["post"]

    assert operation["x-bhiv"] == {"content": [], "public": True}
