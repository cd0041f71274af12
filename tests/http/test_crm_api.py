"""The CRM API as sales, support and customers meet it, through the service app with real tokens."""

from collections.abc import AsyncIterator

import pytest

from apps._shared.settings import PlatformSettings
from core.domain.access import Principal, Role, permissions_for
from tests.http.platform import Clients, running_platform
from tests.support.principals import mint_token

PROBLEM = "application/problem+json"
PROSE = "I tried '; DROP TABLE users; -- and <script>alert('x')</script> \"quoted\" & more"


@pytest.fixture
async def platform(settings: PlatformSettings) -> AsyncIterator[Clients]:
    async with running_platform(settings) as clients:
        yield clients


async def as_role(platform: Clients, role: Role, customer_id: str | None = None) -> dict[str, str]:
    principal = Principal(
        subject=f"{role}-{customer_id or 1}",
        kind="user",
        role=role,
        permissions=permissions_for(role),
        customer_id=customer_id,
    )
    return {"Authorization": f"Bearer {await mint_token(platform['crm'].app, principal)}"}


async def new_customer(
    platform: Clients, email: str = "asha@example.com", **fields: object
) -> dict[str, object]:
    sales = await as_role(platform, Role.SALES)
    created = await platform["crm"].post(
        "/v1/customers", json={"name": "Asha Rao", "email": email, **fields}, headers=sales
    )
    assert created.status_code == 201, created.text
    body: dict[str, object] = created.json()
    return body


async def test_sales_creates_a_customer_and_every_member_of_staff_reads_it(platform: Clients) -> None:
    crm, sales = platform["crm"], await as_role(platform, Role.SALES)

    created = await crm.post(
        "/v1/customers",
        json={"kind": "company", "name": "Teak Traders", "email": " Orders@Teak.example ", "tags": ["VIP"]},
        headers=sales,
    )
    url = f"/v1/customers/{created.json()['id']}"
    read = await crm.get(url, headers=await as_role(platform, Role.OPS))

    assert created.status_code == 201, created.text
    assert created.headers["etag"] == '"1"'
    assert (read.status_code, read.headers["etag"]) == (200, '"1"')
    assert {k: read.json()[k] for k in ("kind", "email", "tags", "status", "phone")} == {
        "kind": "company",
        "email": "orders@teak.example",
        "tags": ["vip"],
        "status": "active",
        "phone": None,
    }
    support_write = await crm.post("/v1/customers", json={"name": "X", "email": "x@example.com"},
                                   headers=await as_role(platform, Role.SUPPORT))  # fmt: skip
    assert support_write.status_code == 403


async def test_bad_customer_input_gets_a_clear_problem(platform: Clients) -> None:
    crm, sales = platform["crm"], await as_role(platform, Role.SALES)
    await new_customer(platform)

    duplicate = await crm.post(
        "/v1/customers", json={"name": "Again", "email": "ASHA@example.com"}, headers=sales
    )
    bad_email = await crm.post("/v1/customers", json={"name": "B", "email": "nope"}, headers=sales)
    no_name = await crm.post("/v1/customers", json={"email": "b@example.com"}, headers=sales)
    unknown = await crm.post(
        "/v1/customers", json={"name": "B", "email": "b@example.com", "vip": True}, headers=sales
    )
    bad_kind = await crm.post(
        "/v1/customers", json={"name": "B", "email": "b@example.com", "kind": "robot"}, headers=sales
    )
    missing = await crm.get("/v1/customers/nothing-here", headers=sales)
    bad_sort = await crm.get("/v1/customers", params={"sort": "email"}, headers=sales)

    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "duplicate_email")
    assert [r.status_code for r in (bad_email, no_name, unknown, bad_kind, bad_sort)] == [422] * 5
    assert "email" in bad_email.json()["detail"]
    assert "name" in str(no_name.json())
    assert "vip" in str(unknown.json())
    assert missing.status_code == 404
    for answer in (duplicate, bad_email, no_name, unknown, missing, bad_sort):
        assert answer.headers["content-type"].startswith(PROBLEM)


async def test_a_customer_changes_by_merge_patch_and_a_stale_etag_is_refused(platform: Clients) -> None:
    crm, sales = platform["crm"], await as_role(platform, Role.SALES)
    customer = await new_customer(platform, phone="+91 98450 00000", address="MG Road", owner="sales-1")
    url = f"/v1/customers/{customer['id']}"
    merge = {**sales, "Content-Type": "application/merge-patch+json", "If-Match": '"1"'}

    changed = await crm.patch(
        url, content=b'{"phone": null, "tags": ["key"], "status": "inactive"}', headers=merge
    )
    stale = await crm.patch(url, json={"name": "Old"}, headers={**sales, "If-Match": '"1"'})
    null_name = await crm.patch(url, json={"name": None}, headers=sales)
    unknown = await crm.patch(url, json={"nickname": "A"}, headers=sales)
    other = await new_customer(platform, email="other@example.com")
    taken = await crm.patch(url, json={"email": other["email"]}, headers=sales)
    missing = await crm.patch("/v1/customers/nothing-here", json={"name": "A"}, headers=sales)

    assert changed.status_code == 200, changed.text
    assert {k: changed.json()[k] for k in ("phone", "address", "tags", "status", "owner", "version")} == {
        "phone": None, "address": "MG Road", "tags": ["key"], "status": "inactive", "owner": "sales-1",
        "version": 2,
    }  # fmt: skip
    assert changed.headers["etag"] == '"2"'
    assert (stale.status_code, stale.json()["code"]) == (412, "precondition_failed")
    assert [null_name.status_code, unknown.status_code, taken.status_code, missing.status_code] == [
        422,
        422,
        409,
        404,
    ]
    listed = await crm.get("/v1/customers", params={"status": "inactive", "tag": "KEY"}, headers=sales)
    assert [item["id"] for item in listed.json()["items"]] == [customer["id"]]


async def test_a_customer_opens_a_ticket_and_its_prose_comes_back_exactly_as_written(
    platform: Clients,
) -> None:
    crm = platform["crm"]
    customer = await new_customer(platform)
    me = await as_role(platform, Role.CUSTOMER, customer_id=str(customer["id"]))

    new = {"subject": "Broken leg", "description": PROSE, "priority": "urgent"}
    opened = await crm.post("/v1/tickets", json=new, headers=me)
    assert opened.status_code == 201, opened.text
    ticket = opened.json()
    read = await crm.get(f"/v1/tickets/{ticket['id']}", headers=me)
    comment = await crm.post(f"/v1/tickets/{ticket['id']}/comments", json={"body": PROSE}, headers=me)
    comments = await crm.get(f"/v1/tickets/{ticket['id']}/comments", headers=me)

    assert (ticket["customer_id"], ticket["status"], ticket["allowed_statuses"]) == (
        customer["id"],
        "open",
        ["in_progress"],
    )
    assert ticket["sla_breached"] is False
    assert read.json()["description"] == PROSE
    assert (comment.status_code, comment.json()["author_kind"]) == (201, "customer")
    assert [c["body"] for c in comments.json()["items"]] == [PROSE]
    search = await crm.get(
        "/v1/search", params={"q": "DROP TABLE"}, headers=await as_role(platform, Role.SUPPORT)
    )
    assert search.status_code == 200, search.text
    assert [(hit["kind"], hit["id"]) for hit in search.json()["items"]] == [("ticket", ticket["id"])]


async def test_a_customer_cannot_see_or_open_another_customers_tickets(platform: Clients) -> None:
    crm, support = platform["crm"], await as_role(platform, Role.SUPPORT)
    mine, theirs = await new_customer(platform), await new_customer(platform, email="other@example.com")
    me = await as_role(platform, Role.CUSTOMER, customer_id=str(mine["id"]))
    other = await crm.post(
        "/v1/tickets", json={"customer_id": theirs["id"], "subject": "Theirs"}, headers=support
    )
    assert other.status_code == 201, other.text
    url = f"/v1/tickets/{other.json()['id']}"

    assert (await crm.get(url, headers=me)).status_code == 404
    assert (await crm.get(f"{url}/comments", headers=me)).status_code == 404
    assert (await crm.post(f"{url}/comments", json={"body": "hi"}, headers=me)).status_code == 404
    assert (await crm.get("/v1/tickets", params={"customer_id": theirs["id"]}, headers=me)).json()[
        "items"
    ] == []
    for_other = await crm.post("/v1/tickets", json={"customer_id": theirs["id"], "subject": "x"}, headers=me)
    assert (for_other.status_code, "customer_id" in for_other.json()["detail"]) == (422, True)
    assert (await crm.patch(url, json={"status": "in_progress"}, headers=me)).status_code == 403
    assert (await crm.get("/v1/search", params={"q": "Theirs"}, headers=me)).status_code == 403


async def test_support_works_a_ticket_through_its_statuses(platform: Clients) -> None:
    crm, support = platform["crm"], await as_role(platform, Role.SUPPORT)
    customer = await new_customer(platform)
    me = await as_role(platform, Role.CUSTOMER, customer_id=str(customer["id"]))
    unknown = await crm.post("/v1/tickets", json={"customer_id": "nobody", "subject": "x"}, headers=support)
    no_customer = await crm.post("/v1/tickets", json={"subject": "x"}, headers=support)
    asap = {"customer_id": customer["id"], "subject": "x", "priority": "asap"}
    bad_priority = await crm.post("/v1/tickets", json=asap, headers=support)
    assert [unknown.status_code, no_customer.status_code, bad_priority.status_code] == [422, 422, 422]
    assert "customer_id" in unknown.json()["detail"]
    opened = await crm.post(
        "/v1/tickets", json={"customer_id": customer["id"], "subject": "Wobbly"}, headers=support
    )
    url = f"/v1/tickets/{opened.json()['id']}"

    skip = await crm.patch(url, json={"status": "closed"}, headers=support)
    working = await crm.patch(url, json={"status": "in_progress", "assignee": "support-1"},
                              headers={**support, "If-Match": opened.headers["etag"]})  # fmt: skip
    stale = await crm.patch(
        url, json={"priority": "high"}, headers={**support, "If-Match": opened.headers["etag"]}
    )
    waiting = await crm.patch(url, json={"status": "waiting_on_customer"}, headers=support)
    reply = await crm.post(f"{url}/comments", json={"body": "On its way back to you"}, headers=me)
    after_reply = await crm.get(url, headers=support)

    assert (skip.status_code, skip.json()["code"], skip.json()["allowed"]) == (
        409,
        "invalid_transition",
        ["in_progress"],
    )
    assert (working.status_code, working.json()["assignee"], working.headers["etag"]) == (
        200,
        "support-1",
        '"2"',
    )
    assert stale.status_code == 412
    assert waiting.json()["status"] == "waiting_on_customer"
    assert reply.status_code == 201
    assert after_reply.json()["status"] == "in_progress"
    unknown_field = await crm.patch(url, json={"subject": "renamed"}, headers=support)
    assert unknown_field.status_code == 422


async def test_search_answers_hostile_input_without_error(platform: Clients) -> None:
    crm, sales = platform["crm"], await as_role(platform, Role.SALES)
    await new_customer(platform, name="Teak Chair Co")
    for typed in ("' OR 1=1 --", '"', "NEAR(", "*", "<b>teak</b>", "teak*"):
        answer = await crm.get("/v1/search", params={"q": typed}, headers=sales)
        assert answer.status_code == 200, (typed, answer.text)
    found = await crm.get("/v1/search", params={"q": "teak chair", "kind": "customer"}, headers=sales)
    assert [hit["title"] for hit in found.json()["items"]] == ["Teak Chair Co"]
    for params in ({"q": ""}, {"q": "x" * 201}, {"q": "teak", "kind": "order"}, {"q": "teak", "limit": 0}):
        refused = await crm.get("/v1/search", params=params, headers=sales)
        assert refused.status_code == 422, params
