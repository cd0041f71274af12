"""The business of the platform end to end, through the gateway of a real ``bhiv up``, with real
tokens of each role: ops stock the warehouse from a purchase order, a customer orders and follows
the shipment, sales converts a lead and wins it, a customer's ticket is resolved by support. Each
step is in its service's audit chain; no customer sees another's order or ticket."""

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.support.processes import ADMIN, bhiv_up

PASSWORD = "violet-kettle-harbour"
PROSE = "I tried '; DROP TABLE users; -- and <script>alert(1)</script> && rm -rf / but the order is late"


class Caller:
    def __init__(self, client: httpx.Client, email: str, password: str = PASSWORD) -> None:
        form = {"grant_type": "password", "username": email, "password": password}
        answer = client.post("/auth/token", data=form)
        assert answer.status_code == 200, answer.text
        self.client, self.headers = client, {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def attempt(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, path, headers=self.headers, **kwargs)

    def call(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        answer = self.attempt(method, path, **kwargs)
        assert answer.status_code == status, (method, path, answer.status_code, answer.text)
        return answer.json()


def eventually(condition: Callable[[], bool], within: float = 30.0) -> bool:
    """For what another service does after an event reaches it (the outbox relay, the bus)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_the_business_flows_through_the_gateway(tmp_path: Path) -> None:
    with (
        bhiv_up(tmp_path / "data", services=6) as base,
        httpx.Client(base_url=f"http://127.0.0.1:{base}", timeout=30) as client,
    ):
        admin = Caller(client, ADMIN["BHIV_ADMIN_EMAIL"], ADMIN["BHIV_ADMIN_PASSWORD"])
        for role in ("ops", "sales", "support"):
            user = {"email": f"{role}@example.com", "password": PASSWORD, "role": role, "display_name": role}
            admin.call("POST", "/api/admin/users", 201, json=user)
        ops, sales, support = (Caller(client, f"{role}@example.com") for role in ("ops", "sales", "support"))

        # Two customers in CRM, each with a login the gateway checks against CRM.
        customers = [
            sales.call(
                "POST", "/api/crm/v1/customers", 201, json={"name": name, "email": f"{name}@example.com"}
            )
            for name in ("asha", "bilal")
        ]
        ghost = {"email": "ghost@example.com", "password": PASSWORD, "role": "customer", "display_name": "G"}
        unknown = {**ghost, "customer_id": "no-such-customer"}
        assert admin.call("POST", "/api/admin/users", 422, json=unknown)["code"] == "rule_violated"
        for customer in customers:
            login = {"email": customer["email"], "password": PASSWORD, "role": "customer",
                     "display_name": customer["name"], "customer_id": customer["id"]}  # fmt: skip
            admin.call("POST", "/api/admin/users", 201, json=login)
        asha, bilal = (Caller(client, customer["email"]) for customer in customers)

        # Ops stock a product through a purchase order.
        product = ops.call("POST", "/api/logistics/v1/products", 201, json={
            "sku": "LAMP-01", "name": "Brass lamp", "unit_price": "1250.00", "currency": "INR",
            "reorder_point": 2, "reorder_quantity": 10})  # fmt: skip
        warehouse = ops.call(
            "POST", "/api/logistics/v1/warehouses", 201, json={"code": "PUNE-1", "name": "Pune"}
        )
        supplier = ops.call("POST", "/api/logistics/v1/suppliers", 201, json={
            "name": "Moradabad Brass", "email": "orders@brass.example", "lead_time_days": 10})  # fmt: skip
        po = ops.call("POST", "/api/logistics/v1/purchase-orders", 201, json={
            "supplier_id": supplier["id"], "warehouse_id": warehouse["id"], "currency": "INR",
            "lines": [{"product_id": product["id"], "quantity": 5, "unit_cost": "700.00"}]})  # fmt: skip
        ops.call("POST", f"/api/logistics/v1/purchase-orders/{po['id']}/submit")
        received = ops.call("POST", f"/api/logistics/v1/purchase-orders/{po['id']}/receive",
                            json={"lines": [{"product_id": product["id"], "quantity": 5}]})  # fmt: skip
        assert received["status"] == "received"

        # A customer orders; ops reserve and ship; the customer follows the shipment.
        two_lamps = [{"product_id": product["id"], "quantity": 2}]
        order = asha.call(
            "POST",
            "/api/logistics/v1/orders",
            201,
            json={"warehouse_id": warehouse["id"], "lines": two_lamps},
        )
        ops.call("POST", f"/api/logistics/v1/orders/{order['id']}/reserve")
        shipment = ops.call("POST", "/api/logistics/v1/shipments", 201, json={
            "order_id": order["id"], "carrier": "BlueDart", "tracking_number": "BD-778"})  # fmt: skip
        for status in ("picked", "in_transit", "delivered"):
            ops.call("POST", f"/api/logistics/v1/shipments/{shipment['id']}/events", json={"status": status})
        followed = asha.call("GET", f"/api/logistics/v1/shipments/{shipment['id']}")
        assert [event["status"] for event in followed["events"]] == ["picked", "in_transit", "delivered"]
        assert asha.call("GET", f"/api/logistics/v1/orders/{order['id']}")["status"] == "delivered"
        bilal.call("GET", f"/api/logistics/v1/orders/{order['id']}", 404)
        bilal.call("GET", f"/api/logistics/v1/shipments/{shipment['id']}", 404)
        stock = ops.call("GET", "/api/logistics/v1/stock", params={"product_id": product["id"]})["items"]
        assert [(level["on_hand"], level["reserved"]) for level in stock] == [(3, 0)]

        # Sales converts a lead and wins the opportunity.
        chitra = {"name": "Chitra", "email": "chitra@acme.example", "company": "Acme", "source": "referral"}
        lead = sales.call("POST", "/api/crm/v1/leads", 201, json=chitra)
        for status in ("contacted", "qualified"):
            sales.call("PATCH", f"/api/crm/v1/leads/{lead['id']}", json={"status": status})
        converted = sales.call("POST", f"/api/crm/v1/leads/{lead['id']}/convert", json={"amount": "250000"})
        again = sales.call("POST", f"/api/crm/v1/leads/{lead['id']}/convert", 409, json={})
        assert (again["code"], again["opportunity_id"]) == ("already_converted", converted["opportunity_id"])
        opportunity = f"/api/crm/v1/opportunities/{converted['opportunity_id']}"
        for stage in ("qualification", "proposal"):
            sales.call("PATCH", opportunity, json={"stage": stage})
        assert sales.call("POST", f"{opportunity}/win")["stage"] == "won"

        # A customer opens a ticket in their own words; support resolves it.
        ticket = asha.call("POST", "/api/crm/v1/tickets", 201, json={
            "subject": "Late order", "description": PROSE, "priority": "high"})  # fmt: skip
        assert ticket["description"] == PROSE, "prose reaches CRM as written, through the threat screen"
        path = f"/api/crm/v1/tickets/{ticket['id']}"
        support.call("POST", f"{path}/comments", 201, json={"body": "Sorry! It is on its way; see tracking."})
        for status in ("in_progress", "resolved"):
            support.call("PATCH", path, json={"status": status})
        assert asha.call("GET", path)["status"] == "resolved"
        bilal.call("GET", path, 404)

        # Every step is in its service's own audit chain, and the chains hold.
        logistics_audit = admin.call("GET", "/api/logistics/v1/audit", params={"resource_id": order["id"]})
        assert [record["entry"]["action"] for record in logistics_audit["items"]] == [
            "deliver",
            "ship",
            "reserve",
            "create",
        ]
        crm_audit = admin.call("GET", "/api/crm/v1/audit", params={"resource_id": ticket["id"]})
        assert {record["entry"]["action"] for record in crm_audit["items"]} >= {"create"}
        for service in ("logistics", "crm"):
            assert all(
                chain["ok"] for chain in admin.call("GET", f"/api/{service}/v1/audit/verify")["chains"]
            )

        # An erased customer gets no new login and no new tickets, and its login ends.
        bilal_customer = customers[1]["id"]
        admin.call("POST", f"/api/crm/v1/customers/{bilal_customer}/erase")
        relogin = {**ghost, "email": "bilal2@example.com", "customer_id": bilal_customer}
        assert admin.call("POST", "/api/admin/users", 422, json=relogin)["code"] == "rule_violated"
        again = {"subject": "Hello again"}
        # CRM refuses at once; the gateway ends the login when the erasure event reaches it.
        assert bilal.attempt("POST", "/api/crm/v1/tickets", json=again).status_code in {401, 409}
        assert eventually(lambda: bilal.attempt("GET", "/api/crm/v1/tickets").status_code == 401)
        form = {"grant_type": "password", "username": customers[1]["email"], "password": PASSWORD}
        assert client.post("/auth/token", data=form).json()["error"] == "invalid_grant"
        asha.call("GET", "/api/crm/v1/tickets")  # the other customer's login is untouched
        for_bilal = {"customer_id": bilal_customer, "warehouse_id": warehouse["id"], "lines": two_lamps}
        refused = lambda: ops.attempt("POST", "/api/logistics/v1/orders", json=for_bilal)  # noqa: E731
        assert eventually(lambda: refused().status_code == 409)
        assert refused().json()["code"] == "customer_erased"
