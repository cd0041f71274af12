"""Outbound webhooks under a real ``bhiv up``: it makes the seal key, an admin subscribes through
the gateway, and a product created through the gateway reaches a receiver on loopback, signed
(checked with the official library), while its secret is sealed in the database."""

import stat
import time
from pathlib import Path

import httpx
import pytest
from standardwebhooks import Webhook

from tests.support.processes import ADMIN, bhiv_up
from tests.support.webhook_receiver import WebhookReceiver


def test_a_product_created_through_the_gateway_reaches_the_subscribed_receiver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BHIV_WEBHOOK_ALLOW_CIDRS", "127.0.0.1/32")
    receiver = WebhookReceiver().start()
    data = tmp_path / ".bhiv"
    try:
        with (
            bhiv_up(data, 6) as base,
            httpx.Client(base_url=f"http://127.0.0.1:{base}", timeout=30) as client,
        ):
            form = {"grant_type": "password", "username": ADMIN["BHIV_ADMIN_EMAIL"],
                    "password": ADMIN["BHIV_ADMIN_PASSWORD"]}  # fmt: skip
            token = client.post("/auth/token", data=form).json()["access_token"]
            client.headers["Authorization"] = f"Bearer {token}"
            created = client.post(
                "/api/integrations/v1/webhooks", json={"url": receiver.url, "events": ["logistics.product_*"]}
            )
            refused = client.post(
                "/api/integrations/v1/webhooks", json={"url": "http://169.254.169.254/", "events": ["*"]}
            )
            product = client.post(
                "/api/logistics/v1/products",
                json={"sku": "UP-1", "name": "Chair", "unit_price": "1.00", "currency": "INR",
                      "reorder_point": 1, "reorder_quantity": 2},
            )  # fmt: skip
            deadline = time.monotonic() + 30
            while not receiver.requests and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        receiver.stop()

    assert created.status_code == 201, created.text
    assert refused.status_code == 422
    assert product.status_code == 201, product.text
    [request] = receiver.requests
    assert Webhook(created.json()["secret"]).verify(request.body, request.headers)["data"]["sku"] == "UP-1"
    key_file = data / "integrations.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert created.json()["secret"].encode() not in (data / "bhiv.db").read_bytes()
