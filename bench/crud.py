"""Business CRUD through the gateway on PostgreSQL: a product list, an order create + reserve, and a
ticket search, beside ``GET /v1/whoami`` through the same gateway, in one run of ``bhiv up``.

For each operation: the most operations per second that ``CONCURRENCY`` closed-loop clients get,
then p50/p99 latency at a constant offered load of half that (open loop: each request is sent at
its scheduled instant and timed from it, so a slow answer delays no later request's clock), with
``whoami`` measured at the same offered load right after. Target (issue 12): each p99 within 5x
whoami's p99 at the same load.

Data: 100 products in stock, 20 customers, 500 tickets with prose. PostgreSQL from
``BHIV_BENCH_POSTGRES_DSN`` (default postgresql+asyncpg://postgres@127.0.0.1:5432/postgres; a
fresh database is made and dropped), Redis from ``BHIV_BENCH_REDIS_URL`` (default
redis://127.0.0.1:6379/0; ``none`` for in-process). The load generator is this Python process
(httpx, HTTP/1.1 keep-alive): on a 2-core machine it competes with the platform for CPU, so the
ratios matter more than the absolute figures.
Run: python bench/crud.py [seconds per measurement]
"""

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from adapters.jose.sealing import new_master_key
from tests.support.processes import (
    ADMIN,
    FAST_HASHING,
    free_port_block,
    interrupt,
    start_bhiv,
    wait_until_ready,
)

CONCURRENCY = 16
WORDS = ["printer", "invoice", "delivery", "refund", "login", "warranty", "damaged", "tracking"]
Operation = Callable[[httpx.AsyncClient], Awaitable[None]]


async def fresh_database(dsn: str) -> tuple[str, Callable[[], Awaitable[None]]]:
    name = f"bhiv_bench_{uuid.uuid4().hex[:10]}"
    server = create_async_engine(dsn, isolation_level="AUTOCOMMIT")
    async with server.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))

    async def drop() -> None:
        async with server.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await server.dispose()

    return dsn.rsplit("/", 1)[0] + f"/{name}", drop


def expect(response: httpx.Response, status: int = 200) -> httpx.Response:
    if response.status_code != status:
        raise RuntimeError(
            f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
        )
    return response


async def seed(client: httpx.AsyncClient) -> dict[str, list[str]]:
    """Warehouse, 100 stocked products, 20 customers, 500 tickets; their ids."""
    warehouse = expect(
        await client.post("/api/logistics/v1/warehouses", json={"code": "BENCH-1", "name": "Pune"}), 201
    )
    warehouse_id = warehouse.json()["id"]
    products = []
    for number in range(100):
        product = {
            "sku": f"BENCH-{number:04d}",
            "name": f"Item {number}",
            "unit_price": "9.50",
            "currency": "INR",
        }
        product_id = expect(await client.post("/api/logistics/v1/products", json=product), 201).json()["id"]
        receipt = {
            "kind": "receive",
            "product_id": product_id,
            "warehouse_id": warehouse_id,
            "quantity": 10**8,
        }
        expect(await client.post("/api/logistics/v1/movements", json=receipt), 201)
        products.append(product_id)
    customers = []
    for number in range(20):
        customer = {"name": f"Customer {number}", "email": f"customer{number}@bench.example"}
        customers.append(expect(await client.post("/api/crm/v1/customers", json=customer), 201).json()["id"])
    for number in range(500):
        word = WORDS[number % len(WORDS)]
        ticket = {
            "customer_id": customers[number % len(customers)],
            "subject": f"{word} problem #{number}",
            "description": f"The {word} did not work; I tried twice and it says 'error {number}'.",
            "priority": "normal",
        }
        expect(await client.post("/api/crm/v1/tickets", json=ticket), 201)
    return {"warehouse": [warehouse_id], "products": products, "customers": customers}


def operations(ids: dict[str, list[str]]) -> dict[str, Operation]:
    counter = iter(range(10**9))

    async def product_list(client: httpx.AsyncClient) -> None:
        expect(await client.get("/api/logistics/v1/products", params={"limit": 50}))

    async def order_and_reserve(client: httpx.AsyncClient) -> None:
        n = next(counter)
        line = {"product_id": ids["products"][n % 100], "quantity": 1}
        order = {
            "customer_id": ids["customers"][n % 20],
            "warehouse_id": ids["warehouse"][0],
            "lines": [line],
        }
        placed = expect(await client.post("/api/logistics/v1/orders", json=order), 201).json()
        expect(await client.post(f"/api/logistics/v1/orders/{placed['id']}/reserve"))

    async def ticket_search(client: httpx.AsyncClient) -> None:
        expect(await client.get("/api/crm/v1/search", params={"q": WORDS[next(counter) % len(WORDS)]}))

    async def whoami(client: httpx.AsyncClient) -> None:
        expect(await client.get("/api/logistics/v1/whoami"))

    return {"product list": product_list, "order + reserve": order_and_reserve,
            "ticket search": ticket_search, "whoami": whoami}  # fmt: skip


async def most_per_second(client: httpx.AsyncClient, operation: Operation, seconds: float) -> float:
    done, deadline = 0, time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await operation(client)
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return done / (time.perf_counter() - started)


async def at_offered_load(
    client: httpx.AsyncClient, operation: Operation, rate: float, seconds: float
) -> dict[str, float]:
    """Open loop at ``rate`` per second: latency from each request's scheduled instant."""
    latencies: list[float] = []
    start = time.perf_counter()

    async def one(scheduled: float) -> None:
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        await operation(client)
        latencies.append(time.perf_counter() - scheduled)

    await asyncio.gather(*(one(start + n / rate) for n in range(int(rate * seconds))))
    ordered = sorted(latencies)
    return {"p50": statistics.median(ordered) * 1000, "p99": ordered[int(len(ordered) * 0.99) - 1] * 1000}


async def measure(base_url: str, bearer: str, ids: dict[str, list[str]], seconds: float) -> None:
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    headers = {"Authorization": f"Bearer {bearer}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=30) as client:
        ops = operations(ids)
        for operation in ops.values():
            await most_per_second(client, operation, 1)  # warm-up
        print(f"{'operation':<16} {'max ops/s':>10} {'offered':>8} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'whoami p50':>11} {'whoami p99':>11} {'p99 ratio':>10}")  # fmt: skip
        for name in ("product list", "order + reserve", "ticket search"):
            peak = await most_per_second(client, ops[name], seconds)
            rate = peak / 2
            figures = await at_offered_load(client, ops[name], rate, seconds)
            whoami = await at_offered_load(client, ops["whoami"], rate, seconds)
            ratio = figures["p99"] / whoami["p99"]
            print(f"{name:<16} {peak:>10.0f} {rate:>8.0f} {figures['p50']:>8.1f} {figures['p99']:>8.1f} "
                  f"{whoami['p50']:>11.1f} {whoami['p99']:>11.1f} {ratio:>10.2f}")  # fmt: skip
    print(f"{os.cpu_count()} cores; load generator in this process; {CONCURRENCY} clients for the peak")


async def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    dsn = os.environ.get("BHIV_BENCH_POSTGRES_DSN", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    database, drop = await fresh_database(dsn)
    data, base = Path(tempfile.mkdtemp(prefix="bhiv-bench-crud-")), free_port_block(6)
    env = {
        **ADMIN,
        **FAST_HASHING,
        "BHIV_DATABASE_URL": database,
        "BHIV_AUTH_MASTER_KEY": new_master_key(),
        "BHIV_LOG_LEVEL": "WARNING",
        "BHIV_HTTP_ACCESS_LOG": "false",
        "BHIV_GATEWAY_IP_RATE_LIMITS": "*=100000000/60",
        "BHIV_GATEWAY_IDENTITY_RATE_LIMITS": "*:*=100000000/60",
        # Bursts after the idle spells between measurements look like an anomaly; allowlisted, the
        # load is still inspected.
        "BHIV_THREAT_ALLOWLIST": "127.0.0.1/32",
    }
    redis = os.environ.get("BHIV_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    if redis != "none":
        env.update({"BHIV_REDIS_URL": redis, "BHIV_REDIS_KEY_PREFIX": f"bench-{uuid.uuid4().hex}:"})
    platform = start_bhiv(["up", "--data-dir", str(data), "--base-port", str(base)], env=env)
    try:
        for offset in range(6):
            wait_until_ready(f"http://127.0.0.1:{base + offset}", platform)
        gateway = f"http://127.0.0.1:{base}"
        form = {"grant_type": "password", "username": ADMIN["BHIV_ADMIN_EMAIL"],
                "password": ADMIN["BHIV_ADMIN_PASSWORD"]}  # fmt: skip
        async with httpx.AsyncClient() as anonymous:
            bearer = expect(await anonymous.post(f"{gateway}/auth/token", data=form)).json()["access_token"]
        async with httpx.AsyncClient(
            base_url=gateway, headers={"Authorization": f"Bearer {bearer}"}
        ) as client:
            ids = await seed(client)
        await measure(gateway, bearer, ids, seconds)
    finally:
        interrupt(platform)
        await drop()


if __name__ == "__main__":
    asyncio.run(main())
