"""What large bodies cost everyone else: small requests' latency at the gateway while other
clients post 1 MiB JSON bodies (the largest the threat screen inspects) without pause.

Inspection is CPU work on the gateway's event loop; the screen reads a large request in steps
and lets other requests in between them (decision 0013). One gateway process and no service
behind it: the small request is ``GET /health/live``; the large ones go to the CRM route, which
answers 503 once the screen has read them.

Run: python bench/large_bodies.py [clients posting]   (default 2)
"""

import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.gateway import gateway_env, running_gateway

PROSE = "Please find the quarterly figures (see the attached sheet) below. " * 120
BODY = json.dumps({"notes": [f"{n}: {PROSE}" for n in range(128)]}).encode()  # about 1 MiB
SAMPLES = 300


def latencies(client: httpx.Client, url: str, count: int) -> list[float]:
    found = []
    for _ in range(count):
        started = time.perf_counter()
        client.get(f"{url}/health/live").raise_for_status()
        found.append((time.perf_counter() - started) * 1000)
    return found


def main() -> None:
    posting = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    data = Path(tempfile.mkdtemp(prefix="bhiv-bench-bodies-")) / "data"
    env = {**gateway_env(data), "BHIV_THREAT_ALLOWLIST": "127.0.0.1/32"}  # benign, but many
    env["BHIV_GATEWAY_IP_RATE_LIMITS"] = "*=100000000/60"
    with running_gateway(env) as url, httpx.Client() as client:
        latencies(client, url, 50)  # warm-up
        quiet = latencies(client, url, SAMPLES)
        stop = threading.Event()

        def post_large_bodies() -> None:
            with httpx.Client(timeout=60) as poster:
                while not stop.is_set():
                    poster.post(
                        f"{url}/api/crm/v1/notes", content=BODY, headers={"content-type": "application/json"}
                    )

        posters = [threading.Thread(target=post_large_bodies) for _ in range(posting)]
        for poster in posters:
            poster.start()
        time.sleep(1)
        busy = latencies(client, url, SAMPLES)
        stop.set()
        for poster in posters:
            poster.join()
    for name, figures in (("alone", quiet), (f"{posting} clients posting 1 MiB bodies", busy)):
        cuts = statistics.quantiles(figures, n=100)
        print(
            f"GET /health/live, {name}: p50 {cuts[49]:.1f} ms, p99 {cuts[98]:.1f} ms,"
            f" max {max(figures):.0f} ms"
        )


if __name__ == "__main__":
    main()
