"""Sales orders over HTTP with real tokens: a customer orders and follows their own order, ops
reserve and ship, retries are safe with Idempotency-Key, stale writes are refused with 412."""

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from apps._shared.settings import PlatformSettings
from core.domain.access import Principal, Role, permissions_for
from tests.http.platform import Clients, running_platform
from tests.support.principals import mint_token


@pytest.fixture
async def platform(settings: PlatformSettings) -> AsyncIterator[Clients]:
    async with running_platform(settings) as clients:
        yield clients


async def token(platform: Clients, role: Role, customer_id: str | None = None) -> dict[str, str]:
    principal = Principal(subject=f"{role}-{customer_id or 1}", kind="user", role=role,
                          permissions=permissions_for(role), customer_id=customer_id)  # fmt: skip
    return {"Authorization": f"Bearer {await mint_token(platform['logistics'].app, principal)}"}


async def stocked(platform: Clients, quantity: int) -> tuple[str, str]:
    """A product with ``quantity`` on hand in a warehouse: (product id, warehouse id)."""
    logistics, ops = platform["logistics"], await token(platform, Role.OPS)
    product = await logistics.post("/v1/products", headers=ops, json={
        "sku": "LAMP-01", "name": "Brass lamp", "unit_price": "12.50", "currency": "INR"})  # fmt: skip
    warehouse = await logistics.post("/v1/warehouses", json={"code": "PUNE-1", "name": "Pune"}, headers=ops)
    ids = product.json()["id"], warehouse.json()["id"]
    receipt = {"kind": "receive", "product_id": ids[0], "warehouse_id": ids[1], "quantity": quantity}
    assert (await logistics.post("/v1/movements", json=receipt, headers=ops)).status_code == 201
    return ids


async def test_a_customer_orders_ops_reserve_and_ship_and_the_customer_follows_it(platform: Clients) -> None:
    logistics = platform["logistics"]
    product, warehouse = await stocked(platform, 10)
    ana, ops = await token(platform, Role.CUSTOMER, "c-ana"), await token(platform, Role.OPS)

    browse = await logistics.get("/v1/products", headers=ana)
    placed = await logistics.post("/v1/orders", headers=ana, json={
        "warehouse_id": warehouse, "lines": [{"product_id": product, "quantity": 3}]})  # fmt: skip
    order = placed.json()
    reserved = await logistics.post(f"/v1/orders/{order['id']}/reserve", headers=ops)
    shipped = await logistics.post(f"/v1/orders/{order['id']}/ship", headers=ops)
    followed = await logistics.get(f"/v1/orders/{order['id']}", headers=ana)

    assert [item["id"] for item in browse.json()["items"]] == [product]
    assert placed.status_code == 201, placed.text
    assert (order["customer_id"], order["status"], order["total"], order["currency"]) == (
        "c-ana", "pending", "37.5000", "INR")  # fmt: skip
    assert order["allowed_actions"] == ["reserve", "cancel"]
    assert (reserved.status_code, reserved.json()["status"]) == (200, "reserved")
    assert (shipped.status_code, shipped.json()["status"]) == (200, "shipped")
    assert followed.json()["status"] == "shipped"
    assert followed.headers["etag"] == '"3"'
    stock = (await logistics.get("/v1/stock", params={"product_id": product}, headers=ops)).json()["items"]
    assert [(level["on_hand"], level["reserved"]) for level in stock] == [(7, 0)]


async def test_a_customer_never_reads_or_cancels_another_customers_order(platform: Clients) -> None:
    logistics = platform["logistics"]
    product, warehouse = await stocked(platform, 10)
    ana, ben = await token(platform, Role.CUSTOMER, "c-ana"), await token(platform, Role.CUSTOMER, "c-ben")
    line = {"warehouse_id": warehouse, "lines": [{"product_id": product, "quantity": 1}]}
    order = (await logistics.post("/v1/orders", json=line, headers=ana)).json()

    read = await logistics.get(f"/v1/orders/{order['id']}", headers=ben)
    cancel = await logistics.post(f"/v1/orders/{order['id']}/cancel", headers=ben)
    listed = await logistics.get("/v1/orders", params={"customer_id": "c-ana"}, headers=ben)
    for_ben = await logistics.post("/v1/orders", json={**line, "customer_id": "c-ben"}, headers=ana)
    reserve = await logistics.post(f"/v1/orders/{order['id']}/reserve", headers=ana)

    assert (read.status_code, cancel.status_code) == (404, 404)
    assert listed.json()["items"] == []
    assert for_ben.status_code == 422
    assert reserve.status_code == 403
    own_cancel = await logistics.post(f"/v1/orders/{order['id']}/cancel", headers=ana)
    assert own_cancel.json()["status"] == "cancelled"


async def test_a_retried_order_with_the_same_idempotency_key_is_placed_once(platform: Clients) -> None:
    logistics = platform["logistics"]
    product, warehouse = await stocked(platform, 10)
    ops = await token(platform, Role.OPS)
    body = {
        "customer_id": "c-ana",
        "warehouse_id": warehouse,
        "lines": [{"product_id": product, "quantity": 1}],
    }
    keyed = {**ops, "Idempotency-Key": "order-2026-12-03-0001"}

    first = await logistics.post("/v1/orders", json=body, headers=keyed)
    again = await logistics.post("/v1/orders", json=body, headers=keyed)
    other_body = await logistics.post("/v1/orders", json={**body, "customer_id": "c-ben"}, headers=keyed)
    other_caller = await logistics.post(
        "/v1/orders",
        json=body,
        headers={**await token(platform, Role.ADMIN), "Idempotency-Key": keyed["Idempotency-Key"]},
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert (other_body.status_code, other_body.json()["code"]) == (422, "idempotency_key_reused")
    assert other_caller.status_code == 201
    assert other_caller.json()["id"] != first.json()["id"], "keys are per caller"
    listed = (await logistics.get("/v1/orders", headers=ops)).json()["items"]
    assert len(listed) == 2


async def test_concurrent_duplicates_place_one_order(platform: Clients) -> None:
    logistics = platform["logistics"]
    product, warehouse = await stocked(platform, 10)
    ops = {**await token(platform, Role.OPS), "Idempotency-Key": "same-click-twice"}
    body = {
        "customer_id": "c-ana",
        "warehouse_id": warehouse,
        "lines": [{"product_id": product, "quantity": 1}],
    }

    answers = await asyncio.gather(*(logistics.post("/v1/orders", json=body, headers=ops) for _ in range(5)))

    statuses = sorted(answer.status_code for answer in answers)
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    assert all(a.json()["code"] == "request_in_progress" for a in answers if a.status_code == 409)
    assert len({a.json()["id"] for a in answers if a.status_code == 201}) == 1
    assert len((await logistics.get("/v1/orders", headers=ops)).json()["items"]) == 1


async def test_refusals_are_clear_problems(platform: Clients) -> None:
    logistics = platform["logistics"]
    product, warehouse = await stocked(platform, 1)
    ops = await token(platform, Role.OPS)
    line = {
        "customer_id": "c-ana",
        "warehouse_id": warehouse,
        "lines": [{"product_id": product, "quantity": 2}],
    }
    order = (await logistics.post("/v1/orders", json=line, headers=ops)).json()

    short = await logistics.post(f"/v1/orders/{order['id']}/reserve", headers=ops)
    too_early = await logistics.post(f"/v1/orders/{order['id']}/ship", headers=ops)
    stale = await logistics.post(f"/v1/orders/{order['id']}/cancel", headers={**ops, "If-Match": '"7"'})
    unknown = await logistics.post("/v1/orders/nope/reserve", headers=ops)
    no_lines = await logistics.post("/v1/orders", json={**line, "lines": []}, headers=ops)
    bad_key = await logistics.post("/v1/orders", json=line, headers={**ops, "Idempotency-Key": "x" * 300})

    assert (short.status_code, short.json()["code"]) == (409, "insufficient_stock")
    assert (too_early.status_code, too_early.json()["code"]) == (409, "invalid_transition")
    assert too_early.json()["allowed"] == ["reserve", "cancel"]
    assert (stale.status_code, stale.json()["code"]) == (412, "precondition_failed")
    assert unknown.status_code == 404
    assert no_lines.status_code == 422
    assert "lines" in no_lines.json()["detail"]
    assert bad_key.status_code == 422
    current = await logistics.get(f"/v1/orders/{order['id']}", headers=ops)
    assert current.json()["status"] == "pending"
    fresh = await logistics.post(
        f"/v1/orders/{order['id']}/cancel", headers={**ops, "If-Match": current.headers["etag"]}
    )
    assert fresh.json()["status"] == "cancelled"


async def test_a_shipment_ships_and_delivers_its_order_and_its_customer_follows_it(platform: Clients) -> None:
    logistics = platform["logistics"]
    product, warehouse = await stocked(platform, 10)
    ops, ana = await token(platform, Role.OPS), await token(platform, Role.CUSTOMER, "c-ana")
    ben = await token(platform, Role.CUSTOMER, "c-ben")
    order = (await logistics.post("/v1/orders", headers=ana, json={
        "warehouse_id": warehouse, "lines": [{"product_id": product, "quantity": 2}]})).json()  # fmt: skip
    too_early = await logistics.post(
        "/v1/shipments",
        json={"order_id": order["id"], "carrier": "BlueDart", "tracking_number": "BD1"},
        headers=ops,
    )
    await logistics.post(f"/v1/orders/{order['id']}/reserve", headers=ops)
    created = await logistics.post(
        "/v1/shipments",
        json={"order_id": order["id"], "carrier": "BlueDart", "tracking_number": "BD1"},
        headers=ops,
    )
    shipment = created.json()["id"]
    track = f"/v1/shipments/{shipment}/events"

    picked = await logistics.post(track, json={"status": "picked", "location": "Pune"}, headers=ops)
    backwards = await logistics.post(track, json={"status": "created"}, headers=ops)
    moving = await logistics.post(track, json={"status": "in_transit", "location": "Mumbai hub"}, headers=ops)
    shipped_order = (await logistics.get(f"/v1/orders/{order['id']}", headers=ana)).json()
    delivered = await logistics.post(
        track, json={"status": "delivered", "note": "left with neighbour"}, headers=ops
    )

    assert too_early.status_code == 409
    assert created.status_code == 201, created.text
    assert (picked.status_code, backwards.status_code) == (200, 409)
    assert backwards.json()["allowed"] == ["in_transit", "exception"]
    assert moving.json()["status"] == "in_transit"
    assert shipped_order["status"] == "shipped", "in transit ships the order through the ledger"
    assert delivered.json()["status"] == "delivered"
    followed = await logistics.get(f"/v1/shipments/{shipment}", headers=ana)
    assert [event["status"] for event in followed.json()["events"]] == ["picked", "in_transit", "delivered"]
    assert (await logistics.get(f"/v1/orders/{order['id']}", headers=ana)).json()["status"] == "delivered"
    assert (await logistics.get(f"/v1/shipments/{shipment}", headers=ben)).status_code == 404
    assert (await logistics.get("/v1/shipments", headers=ben)).json()["items"] == []
    stock = (await logistics.get("/v1/stock", params={"product_id": product}, headers=ops)).json()["items"]
    assert [(level["on_hand"], level["reserved"]) for level in stock] == [(8, 0)]


async def test_reports_value_stock_exactly_and_summarise_fulfilment(platform: Clients) -> None:
    logistics = platform["logistics"]
    product, warehouse = await stocked(platform, 10)
    ops = await token(platform, Role.OPS)
    lines = [{"product_id": product, "quantity": 3}]
    body = {"customer_id": "c-1", "warehouse_id": warehouse, "lines": lines}
    order = (await logistics.post("/v1/orders", headers=ops, json=body)).json()
    await logistics.post(f"/v1/orders/{order['id']}/reserve", headers=ops)
    await logistics.post(f"/v1/orders/{order['id']}/ship", headers=ops)
    window = {"since": "2020-01-01T00:00:00Z", "until": "2020-12-31T00:00:00Z"}

    valuation = (await logistics.get("/v1/reports/stock-valuation", headers=ops)).json()["items"]
    now_window = {"since": order["created_at"], "until": "2099-01-01T00:00:00Z"}
    too_wide = await logistics.get("/v1/reports/fulfilment", params=now_window, headers=ops)
    empty = (await logistics.get("/v1/reports/fulfilment", params=window, headers=ops)).json()

    assert valuation == [
        {"warehouse_id": warehouse, "category": "", "currency": "INR", "units": 7, "value": "87.5000"}
    ]
    assert too_wide.status_code == 422
    assert (empty["orders_shipped"], empty["on_time_share"], empty["target_hours"]) == (0, None, 48)
    placed = datetime.fromisoformat(order["created_at"])
    day = {"since": placed.isoformat(), "until": (placed + timedelta(days=1)).isoformat()}
    shipped = (await logistics.get("/v1/reports/fulfilment", params=day, headers=ops)).json()
    assert (shipped["orders_shipped"], shipped["on_time_share"]) == (1, 1.0)
    assert 0 <= shipped["median_hours_to_ship"] < 1


async def test_an_order_being_picked_can_no_longer_be_cancelled(platform: Clients) -> None:
    logistics = platform["logistics"]
    product, warehouse = await stocked(platform, 5)
    ops, ana = await token(platform, Role.OPS), await token(platform, Role.CUSTOMER, "c-ana")
    order = (await logistics.post("/v1/orders", headers=ana, json={
        "warehouse_id": warehouse, "lines": [{"product_id": product, "quantity": 1}]})).json()  # fmt: skip
    await logistics.post(f"/v1/orders/{order['id']}/reserve", headers=ops)
    shipment = {"order_id": order["id"], "carrier": "BlueDart", "tracking_number": "BD2"}
    assert (await logistics.post("/v1/shipments", json=shipment, headers=ops)).status_code == 201

    by_customer = await logistics.post(f"/v1/orders/{order['id']}/cancel", headers=ana)
    by_ops = await logistics.post(f"/v1/orders/{order['id']}/cancel", headers=ops)

    assert (by_customer.status_code, by_ops.status_code) == (409, 409)
    assert (await logistics.get(f"/v1/orders/{order['id']}", headers=ana)).json()["status"] == "reserved"
