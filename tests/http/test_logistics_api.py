"""The logistics API as ops and sales meet it, through the service app with real tokens."""

from collections.abc import AsyncIterator

import pytest

from apps._shared.settings import PlatformSettings
from core.domain.access import Principal, Role, permissions_for
from tests.http.platform import Clients, running_platform
from tests.support.principals import mint_token


@pytest.fixture
async def platform(settings: PlatformSettings) -> AsyncIterator[Clients]:
    async with running_platform(settings) as clients:
        yield clients


async def as_role(platform: Clients, role: Role) -> dict[str, str]:
    principal = Principal(subject=f"{role}-1", kind="user", role=role, permissions=permissions_for(role))
    return {"Authorization": f"Bearer {await mint_token(platform['logistics'].app, principal)}"}


PRODUCT = {"sku": "TEAK-CHAIR-01", "name": "Teak chair", "unit_price": "12.50", "currency": "INR",
           "reorder_point": 5, "reorder_quantity": 20}  # fmt: skip


async def test_ops_stocks_a_product_and_everyone_with_read_sees_the_level(platform: Clients) -> None:
    logistics, ops = platform["logistics"], await as_role(platform, Role.OPS)

    product = await logistics.post("/v1/products", json=PRODUCT, headers=ops)
    warehouse = await logistics.post("/v1/warehouses", json={"code": "PUNE-1", "name": "Pune"}, headers=ops)
    assert (product.status_code, warehouse.status_code) == (201, 201), (product.text, warehouse.text)
    assert product.json()["unit_price"] == "12.50", "money travels as a decimal string"
    movement = {"kind": "receive", "product_id": product.json()["id"], "warehouse_id": warehouse.json()["id"]}
    received = await logistics.post("/v1/movements", json={**movement, "quantity": 12}, headers=ops)
    assert received.status_code == 201, received.text

    sales = await as_role(platform, Role.SALES)
    stock = await logistics.get("/v1/stock", params={"product_id": product.json()["id"]}, headers=sales)

    assert stock.json()["items"] == [
        {
            **{k: movement[k] for k in ("product_id", "warehouse_id")},
            "on_hand": 12,
            "reserved": 0,
            "available": 12,
        }
    ]
    assert (await logistics.post("/v1/products", json=PRODUCT, headers=sales)).status_code == 403


async def test_bad_input_gets_a_clear_answer(platform: Clients) -> None:
    logistics, ops = platform["logistics"], await as_role(platform, Role.OPS)
    created = await logistics.post("/v1/products", json=PRODUCT, headers=ops)

    again = await logistics.post("/v1/products", json=PRODUCT, headers=ops)
    bad_sku = await logistics.post("/v1/products", json={**PRODUCT, "sku": "no spaces!"}, headers=ops)
    bad_price = await logistics.post(
        "/v1/products", json={**PRODUCT, "sku": "X-2", "unit_price": "-1"}, headers=ops
    )
    missing = await logistics.get("/v1/products/nothing-here", headers=ops)
    overdraw = await logistics.post(
        "/v1/movements",
        json={
            "kind": "adjust",
            "product_id": created.json()["id"],
            "warehouse_id": "w",
            "quantity": -1,
            "reason": "count",
        },
        headers=ops,
    )

    assert again.status_code == 409
    assert (bad_sku.status_code, bad_price.status_code) == (422, 422)
    assert "sku" in bad_sku.json()["detail"]
    assert missing.status_code == 404
    assert overdraw.status_code == 422
    assert "warehouse_id" in overdraw.json()["detail"]
    for answer in (again, bad_sku, missing, overdraw):
        assert answer.headers["content-type"].startswith("application/problem+json")


async def test_a_product_is_changed_by_merge_patch_and_a_stale_etag_is_refused(platform: Clients) -> None:
    logistics, ops = platform["logistics"], await as_role(platform, Role.OPS)
    created = await logistics.post("/v1/products", json=PRODUCT, headers=ops)
    url, etag = f"/v1/products/{created.json()['id']}", created.headers["etag"]
    merge = {**ops, "Content-Type": "application/merge-patch+json"}

    changed = await logistics.patch(url, content=b'{"unit_price": "14.00", "active": false}', headers=merge)
    assert changed.status_code == 200, changed.text
    stale = await logistics.patch(url, json={"name": "Old idea"}, headers={**ops, "If-Match": etag})
    plain_json = await logistics.patch(
        url, json={"name": "Teak armchair"}, headers={**ops, "If-Match": changed.headers["etag"]}
    )
    null_name = await logistics.patch(url, json={"name": None}, headers=ops)
    sku = await logistics.patch(url, json={"sku": "OTHER-1"}, headers=ops)
    negative = await logistics.patch(url, json={"reorder_point": -1}, headers=ops)

    assert changed.status_code == 200, changed.text
    assert (changed.json()["unit_price"], changed.json()["active"], changed.json()["name"]) == (
        "14.00",
        False,
        "Teak chair",
    )
    assert changed.headers["etag"] != etag
    assert (stale.status_code, stale.json()["code"]) == (412, "precondition_failed")
    assert plain_json.json()["name"] == "Teak armchair"
    assert [null_name.status_code, sku.status_code, negative.status_code] == [422, 422, 422]
    current = await logistics.get(url, headers=ops)
    assert (current.json()["name"], current.headers["etag"]) == ("Teak armchair", plain_json.headers["etag"])
    shopper = permissions_for(Role.CUSTOMER)
    customer = Principal(subject="c", kind="user", role=Role.CUSTOMER, permissions=shopper, customer_id="c-1")
    hidden = await logistics.get(
        url, headers={"Authorization": f"Bearer {await mint_token(logistics.app, customer)}"}
    )
    assert hidden.status_code == 404, "customers see active products only"


async def test_low_stock_lists_levels_below_the_reorder_point_with_what_to_reorder(platform: Clients) -> None:
    logistics, ops = platform["logistics"], await as_role(platform, Role.OPS)
    product = (await logistics.post("/v1/products", json=PRODUCT, headers=ops)).json()["id"]
    warehouse = (
        await logistics.post("/v1/warehouses", json={"code": "PUNE-1", "name": "Pune"}, headers=ops)
    ).json()
    move = {"kind": "receive", "product_id": product, "warehouse_id": warehouse["id"], "quantity": 7}
    await logistics.post("/v1/movements", json=move, headers=ops)
    order = {
        "customer_id": "c-1",
        "warehouse_id": warehouse["id"],
        "lines": [{"product_id": product, "quantity": 4}],
    }
    placed = (await logistics.post("/v1/orders", json=order, headers=ops)).json()

    supplier = {"name": "Kerala Timber Co", "email": "orders@timber.example", "lead_time_days": 7}
    supplier_id = (await logistics.post("/v1/suppliers", json=supplier, headers=ops)).json()["id"]
    offer = {"unit_cost": "9.75", "currency": "INR", "preferred": True}
    await logistics.put(f"/v1/suppliers/{supplier_id}/products/{product}", json=offer, headers=ops)
    before = (await logistics.get("/v1/low-stock", headers=ops)).json()["items"]
    await logistics.post(f"/v1/orders/{placed['id']}/reserve", headers=ops)
    low = (await logistics.get("/v1/low-stock", headers=ops)).json()["items"]
    await logistics.post("/v1/movements", json={**move, "quantity": 20}, headers=ops)
    after_receipt = (await logistics.get("/v1/low-stock", headers=ops)).json()["items"]

    assert before == []
    assert low == [{"product_id": product, "sku": PRODUCT["sku"], "warehouse_id": warehouse["id"],
                    "available": 3, "reorder_point": 5, "suggested_quantity": 20,
                    "preferred_supplier_id": supplier_id}]  # fmt: skip
    assert after_receipt == []


async def test_values_the_database_cannot_hold_are_refused_not_failed(platform: Clients) -> None:
    logistics, ops = platform["logistics"], await as_role(platform, Role.OPS)
    product = (await logistics.post("/v1/products", json=PRODUCT, headers=ops)).json()["id"]
    warehouse = (
        await logistics.post("/v1/warehouses", json={"code": "PUNE-1", "name": "Pune"}, headers=ops)
    ).json()
    receipt = {"kind": "receive", "product_id": product, "warehouse_id": warehouse["id"]}

    answers = [
        await logistics.post(
            "/v1/products", json={**PRODUCT, "sku": "NAN-1", "unit_price": "NaN"}, headers=ops
        ),
        await logistics.post(
            "/v1/products", json={**PRODUCT, "sku": "LONG-1", "name": "x" * 201}, headers=ops
        ),
        await logistics.post("/v1/warehouses", json={"code": "W-2", "name": "y" * 900}, headers=ops),
        await logistics.post("/v1/movements", json={**receipt, "quantity": 2**31}, headers=ops),
    ]
    await logistics.post("/v1/movements", json={**receipt, "quantity": 1_500_000_000}, headers=ops)
    overflow = await logistics.post("/v1/movements", json={**receipt, "quantity": 1_500_000_000}, headers=ops)

    assert [answer.status_code for answer in [*answers, overflow]] == [422] * 5
