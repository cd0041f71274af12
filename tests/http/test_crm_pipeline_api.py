"""CRM's pipeline as sales and admins meet it, through the service app with real tokens: leads
and their conversion, opportunities, the pipeline report, interactions and the timeline, and
the admins' export and erasure."""

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from apps._shared.settings import PlatformSettings
from core.domain.access import Role
from tests.http.platform import Clients, running_platform
from tests.http.test_crm_api import PROBLEM, PROSE, as_role, new_customer

MERGE = "application/merge-patch+json"


@pytest.fixture
async def platform(settings: PlatformSettings) -> AsyncIterator[Clients]:
    async with running_platform(settings) as clients:
        yield clients


async def qualified_lead(platform: Clients, **fields: object) -> dict[str, object]:
    crm, sales = platform["crm"], await as_role(platform, Role.SALES)
    body = {"name": "Meera Iyer", "email": "meera@rosewood.example", "company": "Rosewood", **fields}
    created = await crm.post("/v1/leads", json=body, headers=sales)
    assert created.status_code == 201, created.text
    url = f"/v1/leads/{created.json()['id']}"
    for status in ("contacted", "qualified"):
        moved = await crm.patch(url, json={"status": status}, headers=sales)
        assert moved.status_code == 200, moved.text
    lead: dict[str, object] = moved.json()
    return lead


async def test_sales_enters_a_scored_lead_and_works_it_by_merge_patch(platform: Clients) -> None:
    crm, sales = platform["crm"], await as_role(platform, Role.SALES)

    created = await crm.post(
        "/v1/leads",
        json={
            "name": "Meera Iyer",
            "email": " Meera@Rosewood.example ",
            "source": "referral",
            "phone": "080 1234",
        },
        headers=sales,
    )
    url = f"/v1/leads/{created.json()['id']}"
    read = await crm.get(url, headers=await as_role(platform, Role.SUPPORT))
    patched = await crm.patch(
        url, content=b'{"status": "contacted", "company": "Rosewood"}',
        headers={**sales, "Content-Type": MERGE, "If-Match": '"1"'},
    )  # fmt: skip
    stale = await crm.patch(url, json={"name": "Old"}, headers={**sales, "If-Match": '"1"'})
    skip = await crm.patch(url, json={"status": "converted"}, headers=sales)
    backwards = await crm.patch(url, json={"status": "new"}, headers=sales)
    listed = await crm.get("/v1/leads", params={"sort": "-score", "source": "referral"}, headers=sales)

    assert created.status_code == 201, created.text
    assert {k: created.json()[k] for k in ("email", "status", "score", "owner")} == {
        "email": "meera@rosewood.example", "status": "new", "score": 25 + 15 + 10, "owner": "sales-1",
    }  # fmt: skip
    assert (read.status_code, read.headers["etag"]) == (200, '"1"')
    assert (patched.status_code, patched.json()["score"], patched.headers["etag"]) == (200, 70, '"2"')
    assert patched.json()["allowed_statuses"] == ["qualified", "unqualified"]
    assert stale.status_code == 412
    assert skip.status_code == 422
    assert (backwards.status_code, backwards.json()["code"]) == (409, "invalid_transition")
    assert backwards.json()["allowed"] == ["qualified", "unqualified"]
    assert [lead["id"] for lead in listed.json()["items"]] == [created.json()["id"]]


async def test_bad_lead_input_gets_a_clear_problem(platform: Clients) -> None:
    crm, sales = platform["crm"], await as_role(platform, Role.SALES)

    answers = [
        await crm.post("/v1/leads", json={"name": "M", "email": "nope"}, headers=sales),
        await crm.post("/v1/leads", json={"email": "m@example.com"}, headers=sales),
        await crm.post(
            "/v1/leads", json={"name": "M", "email": "m@example.com", "source": "tv"}, headers=sales
        ),
        await crm.post("/v1/leads", json={"name": "M", "email": "m@example.com", "vip": 1}, headers=sales),
        await crm.get("/v1/leads", params={"sort": "name"}, headers=sales),
        await crm.get("/v1/leads", params={"status": "won"}, headers=sales),
    ]
    missing = [
        await crm.get("/v1/leads/nothing", headers=sales),
        await crm.patch("/v1/leads/nothing", json={"name": "A"}, headers=sales),
        await crm.post("/v1/leads/nothing/convert", json={}, headers=sales),
    ]
    support = await crm.post("/v1/leads", json={"name": "M", "email": "m@example.com"},
                             headers=await as_role(platform, Role.SUPPORT))  # fmt: skip

    assert [answer.status_code for answer in answers] == [422] * 6
    assert [answer.status_code for answer in missing] == [404] * 3
    assert support.status_code == 403
    for answer in [*answers, *missing]:
        assert answer.headers["content-type"].startswith(PROBLEM)


async def test_a_lead_converts_once_and_a_retry_with_its_key_gets_the_first_answer(platform: Clients) -> None:
    crm, sales = platform["crm"], await as_role(platform, Role.SALES)
    lead = await qualified_lead(platform)
    url = f"/v1/leads/{lead['id']}/convert"
    keyed = {**sales, "Idempotency-Key": f"convert-{lead['id']}"}

    first = await crm.post(url, json={"amount": "125000.00", "currency": "INR"}, headers=keyed)
    replay = await crm.post(url, json={"amount": "125000.00", "currency": "INR"}, headers=keyed)
    again = await crm.post(url, json={}, headers=sales)
    bare = await crm.post(f"/v1/leads/{(await qualified_lead(platform, email='x@y.example'))['id']}/convert",
                          headers=sales)  # fmt: skip

    assert first.status_code == 200, first.text
    assert first.json()["customer_created"] is True
    assert (replay.status_code, replay.json(), replay.headers["idempotent-replayed"]) == (
        200,
        first.json(),
        "true",
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_converted")
    assert {k: again.json()[k] for k in ("customer_id", "opportunity_id")} == {
        k: first.json()[k] for k in ("customer_id", "opportunity_id")
    }
    assert bare.status_code == 200, bare.text
    opportunity = await crm.get(f"/v1/opportunities/{first.json()['opportunity_id']}", headers=sales)
    assert (opportunity.json()["amount"], opportunity.json()["stage"]) == ("125000.0000", "prospecting")


async def test_an_opportunity_moves_through_its_stages_and_is_won_or_lost(platform: Clients) -> None:
    crm, sales = platform["crm"], await as_role(platform, Role.SALES)
    customer = await new_customer(platform)
    body = {"customer_id": customer["id"], "name": "Office chairs", "amount": "5000.25", "currency": "inr"}

    created = await crm.post("/v1/opportunities", json=body, headers=sales)
    url = f"/v1/opportunities/{created.json()['id']}"
    skip = await crm.post(f"{url}/win", headers=sales)
    stale = await crm.patch(url, json={"stage": "qualification"}, headers={**sales, "If-Match": '"7"'})
    for stage in ("qualification", "proposal"):
        moved = await crm.patch(url, json={"stage": stage}, headers={**sales, "Content-Type": MERGE})
    tuned = await crm.patch(url, json={"probability": 60}, headers=sales)
    won = await crm.post(f"{url}/win", headers={**sales, "If-Match": tuned.headers["etag"]})
    closed = await crm.post(f"{url}/lose", json={"reason": "late"}, headers=sales)
    other = await crm.post("/v1/opportunities", json=body, headers=sales)
    lost = await crm.post(
        f"/v1/opportunities/{other.json()['id']}/lose", json={"reason": PROSE}, headers=sales
    )
    listed = await crm.get("/v1/opportunities", params={"customer_id": customer["id"], "stage": "won"},
                           headers=await as_role(platform, Role.OPS))  # fmt: skip

    assert created.status_code == 201, created.text
    shown = ("amount", "currency", "stage", "probability", "weighted_amount")
    assert {k: created.json()[k] for k in shown} == {
        "amount": "5000.25", "currency": "INR", "stage": "prospecting", "probability": 10,
        "weighted_amount": "500.025",
    }  # fmt: skip
    assert (skip.status_code, skip.json()["allowed"]) == (409, ["qualification", "lost"])
    assert stale.status_code == 412
    assert moved.json()["probability"] == 50
    assert (tuned.json()["probability"], tuned.json()["weighted_amount"]) == (60, "3000.1500")
    assert (won.status_code, won.json()["stage"], won.json()["probability"]) == (200, "won", 100)
    assert won.json()["closed_at"] is not None
    assert (closed.status_code, closed.json()["code"]) == (409, "opportunity_closed")
    assert (lost.status_code, lost.json()["lost_reason"]) == (200, PROSE)
    assert [item["id"] for item in listed.json()["items"]] == [created.json()["id"]]


async def test_bad_opportunity_input_gets_a_clear_problem(platform: Clients) -> None:
    crm, sales = platform["crm"], await as_role(platform, Role.SALES)
    customer = await new_customer(platform)
    good = {"customer_id": customer["id"], "name": "Chairs", "amount": "10", "currency": "INR"}

    answers = [
        await crm.post("/v1/opportunities", json={**good, "customer_id": "nobody"}, headers=sales),
        await crm.post("/v1/opportunities", json={**good, "amount": "-5"}, headers=sales),
        await crm.post("/v1/opportunities", json={**good, "amount": "ten"}, headers=sales),
        await crm.post("/v1/opportunities", json={**good, "currency": "rupee"}, headers=sales),
        await crm.post("/v1/opportunities", json={**good, "expected_close_date": "soon"}, headers=sales),
        await crm.get("/v1/opportunities", params={"stage": "maybe"}, headers=sales),
    ]
    created = await crm.post("/v1/opportunities", json=good, headers=sales)
    url = f"/v1/opportunities/{created.json()['id']}"
    bad_patch = await crm.patch(url, json={"probability": 150}, headers=sales)
    unknown = await crm.patch(url, json={"colour": "red"}, headers=sales)
    missing = [
        await crm.get("/v1/opportunities/nothing", headers=sales),
        await crm.patch("/v1/opportunities/nothing", json={"name": "x"}, headers=sales),
        await crm.post("/v1/opportunities/nothing/win", headers=sales),
        await crm.post("/v1/opportunities/nothing/lose", json={}, headers=sales),
    ]

    assert [answer.status_code for answer in [*answers, bad_patch, unknown]] == [422] * 8
    assert [answer.status_code for answer in missing] == [404] * 4
    for answer in [*answers, *missing]:
        assert answer.headers["content-type"].startswith(PROBLEM)


async def test_the_pipeline_report_answers_per_currency_and_refuses_a_backward_window(
    platform: Clients,
) -> None:
    crm, sales = platform["crm"], await as_role(platform, Role.SALES)
    customer = await new_customer(platform)
    for amount, currency in (("1000", "INR"), ("300", "USD")):
        body = {"customer_id": customer["id"], "name": "Chairs", "amount": amount, "currency": currency}
        assert (await crm.post("/v1/opportunities", json=body, headers=sales)).status_code == 201

    report = await crm.get("/v1/reports/pipeline", headers=await as_role(platform, Role.OPS))
    backward = await crm.get(
        "/v1/reports/pipeline",
        params={"since": "2027-01-02T00:00:00Z", "until": "2027-01-01T00:00:00Z"},
        headers=sales,
    )
    bad_time = await crm.get("/v1/reports/pipeline", params={"since": "yesterday"}, headers=sales)
    customer_role = await crm.get(
        "/v1/reports/pipeline", headers=await as_role(platform, Role.CUSTOMER, "c-1")
    )

    assert report.status_code == 200, report.text
    assert [(row["key"], row["currency"], Decimal(row["weighted"])) for row in report.json()["by_stage"]] == [
        ("prospecting", "INR", Decimal(100)), ("prospecting", "USD", Decimal(30)),
    ]  # fmt: skip
    assert report.json()["win_rate"] == {"owner": None, "won": 0, "lost": 0, "rate": None}
    assert (backward.status_code, bad_time.status_code, customer_role.status_code) == (422, 422, 403)


async def test_interactions_join_tickets_and_opportunities_on_the_timeline(platform: Clients) -> None:
    crm, sales = platform["crm"], await as_role(platform, Role.SALES)
    support = await as_role(platform, Role.SUPPORT)
    customer = await new_customer(platform)
    call = {"customer_id": customer["id"], "kind": "call", "subject": "Delivery date", "body": PROSE,
            "occurred_at": "2026-01-05T10:00:00+05:30"}  # fmt: skip

    logged = await crm.post("/v1/interactions", json=call, headers=support)
    note = await crm.post(
        "/v1/interactions", json={**call, "kind": "note", "occurred_at": None}, headers=sales
    )
    bad = [
        await crm.post("/v1/interactions", json={**call, "kind": "fax"}, headers=sales),
        await crm.post("/v1/interactions", json={**call, "customer_id": "nobody"}, headers=sales),
        await crm.post(
            "/v1/interactions", json={**call, "occurred_at": "2026-01-05T10:00:00"}, headers=sales
        ),
    ]
    ops_write = await crm.post("/v1/interactions", json=call, headers=await as_role(platform, Role.OPS))
    timeline = await crm.get(f"/v1/customers/{customer['id']}/timeline", headers=support)
    missing = await crm.get("/v1/customers/nobody/timeline", headers=support)

    assert logged.status_code == 201, logged.text
    assert (logged.json()["body"], logged.json()["author_id"]) == (PROSE, "support-1")
    assert note.status_code == 201, note.text
    assert [answer.status_code for answer in bad] == [422] * 3
    assert ops_write.status_code == 403
    assert [(e["kind"], e["id"]) for e in timeline.json()["items"]] == [
        ("interaction", note.json()["id"]), ("interaction", logged.json()["id"]),
    ]  # fmt: skip
    assert missing.status_code == 404


async def test_admins_export_and_erase_a_customer_and_nobody_else_may(platform: Clients) -> None:
    crm, admin = platform["crm"], await as_role(platform, Role.ADMIN)
    lead = await qualified_lead(platform, email="kavya@home.example", phone="+91 99000 11111")
    converted = await crm.post(f"/v1/leads/{lead['id']}/convert", json={}, headers=admin)
    customer_id = converted.json()["customer_id"]
    ticket = await crm.post("/v1/tickets", json={"customer_id": customer_id, "subject": "Broken leg",
                            "description": "Kavya's chair broke"}, headers=admin)  # fmt: skip
    assert ticket.status_code == 201, ticket.text

    refused = [
        (
            await crm.post(
                f"/v1/customers/{customer_id}/{action}", json={}, headers=await as_role(platform, role)
            )
        )
        for action in ("export", "erase")
        for role in (Role.SALES, Role.SUPPORT, Role.OPS)
    ]
    exported = await crm.post(f"/v1/customers/{customer_id}/export", headers=admin)
    erased = await crm.post(f"/v1/customers/{customer_id}/erase", headers=admin)
    twice = await crm.post(f"/v1/customers/{customer_id}/erase", headers=admin)
    after = await crm.post(f"/v1/customers/{customer_id}/export", headers=admin)
    found = await crm.get("/v1/search", params={"q": "kavya"}, headers=admin)
    missing = await crm.post("/v1/customers/nobody/erase", headers=admin)

    assert [answer.status_code for answer in refused] == [403] * 6
    assert exported.status_code == 200, exported.text
    assert exported.json()["customer"]["email"] == "kavya@home.example"
    assert [t["ticket"]["description"] for t in exported.json()["tickets"]] == ["Kavya's chair broke"]
    assert [lead_["id"] for lead_ in exported.json()["leads"]] == [lead["id"]]
    assert (erased.status_code, erased.json()["status"], erased.json()["phone"]) == (200, "erased", None)
    assert (twice.status_code, twice.json()["code"]) == (409, "already_erased")
    assert "kavya" not in after.text.lower()
    assert found.json()["items"] == []
    assert missing.status_code == 404
