"""Outbound webhooks end to end under ``bhiv up`` (embedded SQLite, in-process bus): products
created through the gateway become ``logistics.product_created`` events, which the integrations
service signs and POSTs to a receiver on loopback.

Reports deliveries per second (from the first product to the last delivery, ``count`` products
from ``CONCURRENCY`` clients) and, one product at a time, the time from each domain change (the
201 of its product) to its delivery at the receiver, p50 and p99; with the default poll intervals
of the outbox relay and the delivery worker (0.5 s each), then with both at 0.05 s. Every
delivery's signature is checked with the official ``standardwebhooks`` library. The load
generator, the receiver and the platform share this machine's cores.
Run: python bench/webhooks.py [count]
"""

import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from standardwebhooks import Webhook

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.support.processes import (
    ADMIN,
    FAST_HASHING,
    free_port_block,
    interrupt,
    start_bhiv,
    wait_until_ready,
)

CONCURRENCY = 8
LATENCY_SAMPLES = 100
arrivals: dict[str, float] = {}
bodies: list[tuple[bytes, dict[str, str]]] = []
lock = threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        now = time.monotonic()
        product_id = json.loads(body)["data"]["product_id"]
        with lock:
            arrivals.setdefault(product_id, now)
            bodies.append((body, {k.lower(): v for k, v in self.headers.items()}))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run(count: int, poll_seconds: str) -> None:
    arrivals.clear()
    bodies.clear()
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    base = free_port_block(6)
    env = {
        **ADMIN,
        **FAST_HASHING,
        "BHIV_HTTP_ACCESS_LOG": "false",
        "BHIV_WEBHOOK_ALLOW_CIDRS": "127.0.0.1/32",
        "BHIV_WEBHOOK_POLL_INTERVAL_SECONDS": poll_seconds,
        "BHIV_OUTBOX_POLL_INTERVAL_SECONDS": poll_seconds,
        "BHIV_GATEWAY_IP_RATE_LIMITS": "*=100000000/60",
        "BHIV_GATEWAY_IDENTITY_RATE_LIMITS": "*:*=100000000/60",
    }
    with tempfile.TemporaryDirectory() as data:
        platform = start_bhiv(
            ["up", "--data-dir", str(Path(data) / ".bhiv"), "--base-port", str(base)], env=env
        )
        try:
            for offset in range(6):
                wait_until_ready(f"http://127.0.0.1:{base + offset}", platform)
            await measure(f"http://127.0.0.1:{base}", receiver.server_address[1], count, poll_seconds)
        finally:
            interrupt(platform)
            receiver.shutdown()


async def measure(gateway: str, port: int, count: int, poll_seconds: str) -> None:
    form = {
        "grant_type": "password",
        "username": ADMIN["BHIV_ADMIN_EMAIL"],
        "password": ADMIN["BHIV_ADMIN_PASSWORD"],
    }
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        token = (await client.post("/auth/token", data=form)).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        created = await client.post(
            "/api/integrations/v1/webhooks",
            json={"url": f"http://127.0.0.1:{port}/hooks", "events": ["logistics.product_created"]},
        )
        created.raise_for_status()
        secret = created.json()["secret"]
        throughput = await burst(client, count)
        latencies = [await one_change(client) for _ in range(LATENCY_SAMPLES)]
    with lock:
        received = list(bodies)
    verified = sum(1 for body, headers in received if Webhook(secret).verify(body, headers))
    print(
        f"poll {poll_seconds}s: {throughput:.1f} deliveries/s ({count} products, {CONCURRENCY} clients);"
        f" one change at a time -> delivery p50 {statistics.median(latencies) * 1000:.0f} ms,"
        f" p99 {percentile(latencies, 0.99) * 1000:.0f} ms; {verified}/{len(received)} signatures verified"
    )


async def create_product(client: httpx.AsyncClient) -> tuple[str, float]:
    body = {"sku": f"B-{uuid.uuid4().hex[:10].upper()}", "name": "Bench chair", "unit_price": "1.00",
            "currency": "INR", "reorder_point": 1, "reorder_quantity": 2}  # fmt: skip
    answer = await client.post("/api/logistics/v1/products", json=body)
    answer.raise_for_status()
    return answer.json()["id"], time.monotonic()


async def delivered(product_ids: list[str], within: float = 120.0) -> None:
    deadline = time.monotonic() + within
    while any(p not in arrivals for p in product_ids):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{sum(p not in arrivals for p in product_ids)} deliveries missing")
        await asyncio.sleep(0.005)


async def burst(client: httpx.AsyncClient, count: int) -> float:
    """Deliveries per second, from the first product created to the last one delivered."""
    remaining = list(range(count))
    created: list[str] = []
    started = time.monotonic()

    async def client_loop() -> None:
        while remaining:
            remaining.pop()
            created.append((await create_product(client))[0])

    await asyncio.gather(*(client_loop() for _ in range(CONCURRENCY)))
    await delivered(created)
    return count / (max(arrivals[p] for p in created) - started)


async def one_change(client: httpx.AsyncClient) -> float:
    product_id, at = await create_product(client)
    await delivered([product_id])
    return arrivals[product_id] - at


async def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    for poll in ("0.5", "0.05"):
        await run(count, poll)


if __name__ == "__main__":
    asyncio.run(main())
