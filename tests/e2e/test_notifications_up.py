"""Issue 16's notifier and inbound done-when under a real ``bhiv up``: a threat block at the
gateway reaches a Slack-shaped receiver and an aiosmtpd mailbox on loopback, once per IP per
window; a carrier's signed update, posted through the gateway with no token, delivers a shipment
(decision 0041)."""

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.domain.webhooks.signing import new_secret, signed_headers
from tests.support.mailbox import Mailbox, smtp_mailbox
from tests.support.processes import ADMIN, bhiv_up
from tests.support.webhook_receiver import WebhookReceiver

CARRIER_SECRET = new_secret()


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_mailbox() as found:
        yield found


def until(condition: Callable[[], bool], within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def attack(client: httpx.Client, ip: str) -> list[str]:
    """Three refused requests from ``ip``: the third blocks it (the gateway's default policy)."""
    path = "/health/live?q=%3Cscript%3Ealert(1)%3C/script%3E"
    return [client.get(path, headers={"X-Forwarded-For": ip}).json()["code"] for _ in range(3)]


def shipment_in_transit(client: httpx.Client, tracking_number: str) -> dict[str, Any]:
    logistics = "/api/logistics/v1"
    product = client.post(f"{logistics}/products", json={"sku": "UP-1", "name": "Chair", "unit_price": "1.00",
                          "currency": "INR", "reorder_point": 1, "reorder_quantity": 2}).json()  # fmt: skip
    warehouse = client.post(f"{logistics}/warehouses", json={"code": "UP-W", "name": "Pune"}).json()
    receipt = {"kind": "receive", "product_id": product["id"], "warehouse_id": warehouse["id"], "quantity": 5}
    assert client.post(f"{logistics}/movements", json=receipt).status_code == 201
    lines = [{"product_id": product["id"], "quantity": 1}]
    order = client.post(f"{logistics}/orders", json={"customer_id": "c-up", "warehouse_id": warehouse["id"],
                        "lines": lines}).json()  # fmt: skip
    assert client.post(f"{logistics}/orders/{order['id']}/reserve").status_code == 200
    new = {"order_id": order["id"], "carrier": "BlueDart", "tracking_number": tracking_number}
    shipment: dict[str, Any] = client.post(f"{logistics}/shipments", json=new).json()
    moved = client.post(f"{logistics}/shipments/{shipment['id']}/events", json={"status": "in_transit"})
    assert moved.status_code == 200, moved.text
    return shipment


def test_a_block_reaches_slack_and_email_once_per_ip_and_a_carrier_update_delivers_a_shipment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mailbox: tuple[Mailbox, int]
) -> None:
    box, smtp_port = mailbox
    environment = {
        "BHIV_WEBHOOK_ALLOW_CIDRS": "127.0.0.1/32",
        "BHIV_GATEWAY_TRUSTED_PROXIES": "127.0.0.1/32",
        "BHIV_SMTP_HOST": "127.0.0.1",
        "BHIV_SMTP_PORT": str(smtp_port),
        "BHIV_SMTP_STARTTLS": "false",
        "BHIV_CARRIER_SECRETS": json.dumps({"bluedart": CARRIER_SECRET}),
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    slack = WebhookReceiver().start()
    try:
        with (
            bhiv_up(tmp_path / ".bhiv", 6) as base,
            httpx.Client(base_url=f"http://127.0.0.1:{base}", timeout=30) as client,
            httpx.Client(base_url=f"http://127.0.0.1:{base}", timeout=30) as carrier,
        ):
            form = {"grant_type": "password", "username": ADMIN["BHIV_ADMIN_EMAIL"],
                    "password": ADMIN["BHIV_ADMIN_PASSWORD"]}  # fmt: skip
            client.headers["Authorization"] = (
                f"Bearer {client.post('/auth/token', data=form).json()['access_token']}"
            )
            channels = [
                client.post("/api/integrations/v1/channels", json={"name": "soc slack", "kind": "slack",
                            "config": {"url": slack.url}, "security": True}),
                client.post("/api/integrations/v1/channels", json={"name": "soc mail", "kind": "email",
                            "config": {"to": ["soc@bhiv.test"]}, "security": True}),
            ]  # fmt: skip
            ids = [c.json()["id"] for c in channels]
            blocks = {"name": "blocks", "events": ["threat.ip_blocked"], "channel_ids": ids,
                      "group_by": ["ip"], "repeat_seconds": 3600}  # fmt: skip
            rule = client.post("/api/integrations/v1/notification-rules", json=blocks)
            assert rule.status_code == 201, rule.text

            first = attack(client, "198.51.100.71")
            until(lambda: len(slack.requests) == 1 and len(box.messages) == 1)
            assert client.delete("/api/admin/blocks/198.51.100.71").status_code == 204
            again = attack(client, "198.51.100.71")  # blocked again inside the window: not news
            other = attack(client, "198.51.100.72")
            until(lambda: len(slack.requests) == 2 and len(box.messages) == 2)

            shipment = shipment_in_transit(client, "UP-TRACK-1")
            body = json.dumps(
                {"tracking_number": "UP-TRACK-1", "status": "delivered", "location": "Pune"}
            ).encode()
            headers = signed_headers([CARRIER_SECRET], "carrier-msg-1", datetime.now(UTC), body)
            inbound = "/api/integrations/v1/inbound/carriers/bluedart"
            accepted = carrier.post(inbound, content=body, headers=headers)
            replayed = carrier.post(inbound, content=body, headers=headers)
            forged = carrier.post(inbound, content=body, headers={**headers, "webhook-signature": "v1,AAAA"})

            def delivered() -> bool:
                found = client.get(f"/api/logistics/v1/shipments/{shipment['id']}").json()
                return bool(found["status"] == "delivered")

            until(delivered)
            listed = client.get("/api/integrations/v1/notifications").json()["items"]
    finally:
        slack.stop()

    assert [c.status_code for c in channels] == [201, 201]
    assert first == again == other == ["request_refused", "request_refused", "ip_blocked"]
    texts = [json.loads(r.body)["text"] for r in slack.requests]
    assert ["ip: 198.51.100.71" in texts[0], "ip: 198.51.100.72" in texts[1]] == [True, True]
    assert [m["Subject"] for m in box.messages] == ["[CRITICAL] threat.ip_blocked"] * 2
    assert sorted((n["status"], n["group_key"]) for n in listed) == sorted(
        [("sent", "ip=198.51.100.71")] * 2 + [("sent", "ip=198.51.100.72")] * 2
    )
    assert (accepted.status_code, replayed.status_code, forged.status_code) == (202, 409, 401)
    assert forged.headers["content-type"].startswith("application/problem+json")
