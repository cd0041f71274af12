"""Purchasing over HTTP with real tokens: ops keep suppliers and what they supply, raise purchase
orders and receive the goods into stock; retries are safe with Idempotency-Key, stale writes are
refused with 412, and every refusal is a problem document."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from apps._shared.settings import PlatformSettings
from core.domain.access import Principal, Role, permissions_for
from tests.http.platform import Clients, running_platform
from tests.support.principals import mint_token

SUPPLIER = {"name": "Kerala Timber Co", "email": "orders@timber.example", "phone": "+91 484 555 0100",
            "lead_time_days": 7, "rating": "4.5"}  # fmt: skip


@pytest.fixture
async def platform(settings: PlatformSettings) -> AsyncIterator[Clients]:
    async with running_platform(settings) as clients:
        yield clients


async def as_role(platform: Clients, role: Role) -> dict[str, str]:
    principal = Principal(subject=f"{role}-1", kind="user", role=role, permissions=permissions_for(role))
    return {"Authorization": f"Bearer {await mint_token(platform['logistics'].app, principal)}"}


async def catalogue(platform: Clients) -> dict[str, str]:
    """A supplier, two products and a warehouse, by name."""
    logistics, ops = platform["logistics"], await as_role(platform, Role.OPS)
    ids = {}
    for sku in ("TEAK-CHAIR-01", "TEAK-TABLE-01"):
        product = {"sku": sku, "name": sku.title(), "unit_price": "12.50", "currency": "INR"}
        ids[sku] = (await logistics.post("/v1/products", json=product, headers=ops)).json()["id"]
    warehouse = await logistics.post("/v1/warehouses", json={"code": "PUNE-1", "name": "Pune"}, headers=ops)
    supplier = await logistics.post("/v1/suppliers", json=SUPPLIER, headers=ops)
    return {**ids, "warehouse": warehouse.json()["id"], "supplier": supplier.json()["id"]}


def purchase(ids: dict[str, str], chairs: int = 10, tables: int = 4) -> dict[str, Any]:
    return {
        "supplier_id": ids["supplier"],
        "warehouse_id": ids["warehouse"],
        "currency": "INR",
        "lines": [
            {"product_id": ids["TEAK-CHAIR-01"], "quantity": chairs, "unit_cost": "9.75"},
            {"product_id": ids["TEAK-TABLE-01"], "quantity": tables, "unit_cost": "40"},
        ],
    }


async def on_hand(platform: Clients, product: str) -> int:
    ops = await as_role(platform, Role.OPS)
    levels = await platform["logistics"].get("/v1/stock", params={"product_id": product}, headers=ops)
    return sum(level["on_hand"] for level in levels.json()["items"])


async def test_ops_order_from_a_supplier_receive_in_two_deliveries_and_close(platform: Clients) -> None:
    logistics, ops = platform["logistics"], await as_role(platform, Role.OPS)
    ids = await catalogue(platform)
    chair = ids["TEAK-CHAIR-01"]

    created = await logistics.post("/v1/purchase-orders", json=purchase(ids), headers=ops)
    order = created.json()
    url = f"/v1/purchase-orders/{order['id']}"
    submitted = await logistics.post(f"{url}/submit", headers=ops)
    first = await logistics.post(f"{url}/receive", json={"lines": [{"product_id": chair, "quantity": 6}]},
                                 headers=ops)  # fmt: skip
    rest = [{"product_id": chair, "quantity": 4}, {"product_id": ids["TEAK-TABLE-01"], "quantity": 4}]
    second = await logistics.post(f"{url}/receive", json={"lines": rest}, headers=ops)
    closed = await logistics.post(f"{url}/close", headers=ops)
    read = await logistics.get(url, headers=await as_role(platform, Role.SALES))

    assert created.status_code == 201, created.text
    assert (order["status"], order["total"], order["allowed_actions"]) == (
        "draft",
        "257.50",
        ["submit", "cancel"],
    )
    assert order["lines"][0] == {"product_id": chair, "quantity": 10, "unit_cost": "9.75", "received": 0,
                                 "outstanding": 10}  # fmt: skip
    assert created.headers["etag"] == '"1"'
    assert (submitted.status_code, submitted.json()["status"]) == (200, "submitted")
    assert (first.status_code, first.json()["status"]) == (200, "partially_received")
    assert [line["outstanding"] for line in first.json()["lines"]] == [4, 4]
    assert (second.json()["status"], second.json()["allowed_actions"]) == ("received", ["close"])
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")
    assert (read.json()["status"], read.headers["etag"]) == ("closed", '"5"')
    assert await on_hand(platform, chair) == 10
    listed = await logistics.get("/v1/purchase-orders", params={"status": "closed"}, headers=ops)
    by_supplier = await logistics.get("/v1/purchase-orders", params={"supplier_id": "other"}, headers=ops)
    assert [item["id"] for item in listed.json()["items"]] == [order["id"]]
    assert by_supplier.json() == {"items": [], "next_cursor": None}


async def test_a_retried_receipt_answers_the_first_time_and_books_nothing_twice(platform: Clients) -> None:
    logistics, ops = platform["logistics"], await as_role(platform, Role.OPS)
    ids = await catalogue(platform)
    order = (await logistics.post("/v1/purchase-orders", json=purchase(ids), headers=ops)).json()
    url = f"/v1/purchase-orders/{order['id']}"
    await logistics.post(f"{url}/submit", headers=ops)
    receipt = {"lines": [{"product_id": ids["TEAK-CHAIR-01"], "quantity": 3}]}
    keyed = {**ops, "Idempotency-Key": "delivery-note-4711"}

    first = await logistics.post(f"{url}/receive", json=receipt, headers=keyed)
    again = await logistics.post(f"{url}/receive", json=receipt, headers=keyed)
    other = await logistics.post(f"{url}/receive", json={"lines": []}, headers=keyed)

    assert first.status_code == 200, first.text
    assert (again.status_code, again.json()) == (200, first.json())
    assert again.headers["idempotent-replayed"] == "true"
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert await on_hand(platform, ids["TEAK-CHAIR-01"]) == 3
    current = (await logistics.get(url, headers=ops)).json()
    assert (current["version"], current["lines"][0]["received"]) == (3, 3)


async def test_a_purchase_order_is_created_once_for_one_idempotency_key(platform: Clients) -> None:
    logistics, ops = platform["logistics"], await as_role(platform, Role.OPS)
    ids = await catalogue(platform)
    keyed = {**ops, "Idempotency-Key": "po-2026-0001"}

    first = await logistics.post("/v1/purchase-orders", json=purchase(ids), headers=keyed)
    again = await logistics.post("/v1/purchase-orders", json=purchase(ids), headers=keyed)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert len((await logistics.get("/v1/purchase-orders", headers=ops)).json()["items"]) == 1


async def test_refusals_are_clear_problems(platform: Clients) -> None:
    logistics, ops = platform["logistics"], await as_role(platform, Role.OPS)
    ids = await catalogue(platform)
    order = (await logistics.post("/v1/purchase-orders", json=purchase(ids, chairs=2), headers=ops)).json()
    url = f"/v1/purchase-orders/{order['id']}"
    chair = ids["TEAK-CHAIR-01"]

    unknown = {
        field: await logistics.post("/v1/purchase-orders", json={**purchase(ids), field: "nope"}, headers=ops)
        for field in ("supplier_id", "warehouse_id")
    }
    bad_lines = [
        await logistics.post("/v1/purchase-orders", json={**purchase(ids), "lines": lines}, headers=ops)
        for lines in (
            [{"product_id": "nope", "quantity": 1, "unit_cost": "1"}],
            [{"product_id": chair, "quantity": 0, "unit_cost": "1"}],
            [{"product_id": chair, "quantity": 1, "unit_cost": "1"}] * 2,
            [{"product_id": chair, "quantity": 1, "unit_cost": "-1"}],
            [{"product_id": chair, "quantity": 1, "unit_cost": "1E+20"}],
            [{"product_id": chair, "quantity": 1, "unit_cost": "NaN"}],
        )
    ]
    too_early = await logistics.post(f"{url}/receive", json={"lines": [{"product_id": chair, "quantity": 1}]},
                                     headers=ops)  # fmt: skip
    stale = await logistics.post(f"{url}/submit", headers={**ops, "If-Match": '"7"'})
    await logistics.post(f"{url}/submit", headers=ops)
    over = await logistics.post(f"{url}/receive", json={"lines": [{"product_id": chair, "quantity": 3}]},
                                headers=ops)  # fmt: skip
    not_received = await logistics.post(f"{url}/close", headers=ops)
    missing = await logistics.get("/v1/purchase-orders/nope", headers=ops)
    missing_action = await logistics.post("/v1/purchase-orders/nope/submit", headers=ops)
    by_sales = await logistics.post("/v1/purchase-orders", json=purchase(ids), headers=await as_role(
        platform, Role.SALES))  # fmt: skip

    for field, answer in unknown.items():
        assert (answer.status_code, answer.json()["code"]) == (422, "rule_violated")
        assert field in answer.json()["detail"]
    assert [answer.status_code for answer in bad_lines] == [422] * 6
    assert "lines[0].product_id" in bad_lines[0].json()["detail"]
    assert "lines[0].quantity" in bad_lines[1].json()["detail"]
    assert "at most once" in bad_lines[2].json()["detail"]
    assert (too_early.status_code, too_early.json()["code"]) == (409, "invalid_transition")
    assert too_early.json()["allowed"] == ["submit", "cancel"]
    assert (stale.status_code, stale.json()["code"]) == (412, "precondition_failed")
    assert (over.status_code, over.json()["code"]) == (409, "over_receipt")
    assert (over.json()["product_id"], over.json()["outstanding"]) == (chair, 2)
    assert (not_received.status_code, not_received.json()["allowed"]) == (409, ["receive", "cancel"])
    assert (missing.status_code, missing_action.status_code) == (404, 404)
    assert by_sales.status_code == 403
    for answer in (*unknown.values(), *bad_lines, too_early, stale, over, missing):
        assert answer.headers["content-type"].startswith("application/problem+json")
    assert await on_hand(platform, chair) == 0


async def test_suppliers_are_kept_by_merge_patch_and_a_stale_etag_is_refused(platform: Clients) -> None:
    logistics, ops = platform["logistics"], await as_role(platform, Role.OPS)
    created = await logistics.post("/v1/suppliers", json=SUPPLIER, headers=ops)
    url, etag = f"/v1/suppliers/{created.json()['id']}", created.headers["etag"]
    merge = {**ops, "Content-Type": "application/merge-patch+json"}

    changed = await logistics.patch(url, content=b'{"rating": null, "lead_time_days": 10}', headers=merge)
    stale = await logistics.patch(url, json={"name": "Old name"}, headers={**ops, "If-Match": etag})
    fresh = await logistics.patch(
        url, json={"active": False}, headers={**ops, "If-Match": changed.headers["etag"]}
    )
    refused = [
        await logistics.patch(url, json=body, headers=ops)
        for body in ({"name": None}, {"rating": "5.5"}, {"rating": "4.25"}, {"lead_time_days": -1},
                     {"email": "not-an-address"}, {"id": "other"})
    ]  # fmt: skip
    bad_create = await logistics.post("/v1/suppliers", json={**SUPPLIER, "rating": 6}, headers=ops)

    assert created.status_code == 201, created.text
    assert (created.json()["rating"], created.json()["active"], etag) == ("4.5", True, '"1"')
    assert changed.status_code == 200, changed.text
    assert (changed.json()["rating"], changed.json()["lead_time_days"]) == (None, 10)
    assert (stale.status_code, stale.json()["code"]) == (412, "precondition_failed")
    assert (fresh.json()["active"], fresh.headers["etag"]) == (False, '"3"')
    assert [answer.status_code for answer in refused] == [422] * 6
    assert bad_create.status_code == 422
    assert "rating" in bad_create.json()["detail"]
    current = await logistics.get(url, headers=await as_role(platform, Role.SALES))
    assert (current.json()["name"], current.headers["etag"]) == (SUPPLIER["name"], '"3"')
    active = await logistics.get("/v1/suppliers", params={"active": "true"}, headers=ops)
    inactive = await logistics.get("/v1/suppliers", params={"active": "false"}, headers=ops)
    assert active.json()["items"] == []
    assert [supplier["id"] for supplier in inactive.json()["items"]] == [created.json()["id"]]
    assert (await logistics.get("/v1/suppliers/nope", headers=ops)).status_code == 404


async def test_a_product_has_one_preferred_supplier(platform: Clients) -> None:
    logistics, ops = platform["logistics"], await as_role(platform, Role.OPS)
    ids = await catalogue(platform)
    chair, first = ids["TEAK-CHAIR-01"], ids["supplier"]
    second = (await logistics.post("/v1/suppliers", json={"name": "Bodhi Woods"}, headers=ops)).json()["id"]
    terms = {"unit_cost": "9.75", "currency": "INR", "preferred": True}

    put_first = await logistics.put(f"/v1/suppliers/{first}/products/{chair}", json=terms, headers=ops)
    put_second = await logistics.put(f"/v1/suppliers/{second}/products/{chair}", json=terms, headers=ops)
    cheaper = await logistics.put(f"/v1/suppliers/{first}/products/{chair}",
                                  json={"unit_cost": "9.50", "currency": "INR"}, headers=ops)  # fmt: skip
    offers = {
        supplier: (await logistics.get(f"/v1/suppliers/{supplier}/products", headers=ops)).json()["items"]
        for supplier in (first, second)
    }
    unknown_product = await logistics.put(f"/v1/suppliers/{first}/products/nope", json=terms, headers=ops)
    unknown_supplier = await logistics.get("/v1/suppliers/nope/products", headers=ops)
    bad_cost = await logistics.put(f"/v1/suppliers/{first}/products/{chair}",
                                   json={**terms, "unit_cost": "-1"}, headers=ops)  # fmt: skip

    assert (put_first.status_code, put_second.status_code) == (200, 200), put_first.text
    assert put_first.json()["unit_cost"] == "9.75"
    assert cheaper.json()["preferred"] is False
    assert [(o["product_id"], o["unit_cost"], o["preferred"]) for o in offers[first]] == [
        (chair, "9.5000", False)
    ]
    assert [(o["product_id"], o["preferred"]) for o in offers[second]] == [(chair, True)]
    assert (unknown_product.status_code, unknown_supplier.status_code, bad_cost.status_code) == (
        404,
        404,
        422,
    )
