"""Login latency with the production argon2id parameters, and whether logins stall other requests.

Starts ``bhiv up`` on free loopback ports (production hashing defaults), then measures:
  1. p50/p99 of sequential password logins;
  2. p50/p99 of GET /v1/whoami on another service, alone and while 4 clients log in non-stop.
The ratio in (2) shows whether hashing blocks the event loop (1.0 = not at all).
Run: python bench/login.py
"""

import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.support.processes import free_port_block

EMAIL, PASSWORD = "bench@example.com", "violet-kettle-harbour"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def timed(call) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = await call()
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


async def wait_ready(client: httpx.AsyncClient, url: str) -> None:
    for _ in range(300):
        try:
            if (await client.get(f"{url}/health/ready")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit(f"{url} did not become ready")


def main() -> None:
    base = free_port_block(6)
    data = tempfile.mkdtemp(prefix="bhiv-bench-")
    env = {
        **os.environ,
        "BHIV_ADMIN_EMAIL": EMAIL,
        "BHIV_ADMIN_PASSWORD": PASSWORD,
        "BHIV_LOG_LEVEL": "WARNING",
        "BHIV_HTTP_ACCESS_LOG": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "apps.cli", "up", "--data-dir", data, "--base-port", str(base)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        asyncio.run(measure(f"http://127.0.0.1:{base}", f"http://127.0.0.1:{base + 1}"))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


async def measure(gateway: str, logistics: str) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        for url in (gateway, logistics):
            await wait_ready(client, url)
        form = {"grant_type": "password", "username": EMAIL, "password": PASSWORD}

        async def login() -> httpx.Response:
            return await client.post(f"{gateway}/auth/token", data=form)

        headers = {"Authorization": f"Bearer {(await login()).json()['access_token']}"}

        async def whoami() -> httpx.Response:
            return await client.get(f"{logistics}/v1/whoami", headers=headers)

        logins = [await timed(login) for _ in range(30)]
        alone = [await timed(whoami) for _ in range(300)]

        stop = asyncio.Event()

        async def keep_logging_in() -> int:
            count = 0
            while not stop.is_set():
                await timed(login)
                count += 1
            return count

        hammer = [asyncio.create_task(keep_logging_in()) for _ in range(4)]
        await asyncio.sleep(0.5)
        loaded = [await timed(whoami) for _ in range(300)]
        stop.set()
        concurrent_logins = sum(await asyncio.gather(*hammer))

    print("argon2id: time_cost=2 memory_cost=19456 KiB parallelism=1 (production defaults)")
    print(f"login p50 {statistics.median(logins):.1f} ms  p99 {percentile(logins, 0.99):.1f} ms")
    print(
        f"whoami alone          p50 {statistics.median(alone):.2f} ms  p99 {percentile(alone, 0.99):.2f} ms"
    )
    print(
        f"whoami during logins  p50 {statistics.median(loaded):.2f} ms"
        f"  p99 {percentile(loaded, 0.99):.2f} ms  ({concurrent_logins} logins ran meanwhile)"
    )
    print(f"ratio loaded/alone p50: {statistics.median(loaded) / statistics.median(alone):.2f}")


if __name__ == "__main__":
    main()
