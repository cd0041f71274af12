"""What large bodies cost everyone else: small requests' latency at the gateway while other
clients post 1 MiB JSON bodies (the largest the threat screen inspects) without pause.

Inspection is CPU work on the gateway's event loop; the screen reads a large request in steps
and lets other requests in between them (decision 0013), refuses anonymous bodies on routes that
need a token before reading them, caps other anonymous bodies at 64 KiB, and charges inspection
time to each caller's budget (decision 0020). One gateway process and no service behind it: the
small request is ``GET /health/live``; the large ones go to the CRM route, which answers 503
once the screen has read them. The cases:

- anonymous clients posting 1 MiB of backticks (the slowest text to inspect known);
- signed-in clients posting 1 MiB of prose, then 1 MiB of backticks.

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
from tests.support.gateway import gateway_env, running_gateway, token

PROSE = "Please find the quarterly figures (see the attached sheet) below. " * 120
BODY = json.dumps({"notes": [f"{n}: {PROSE}" for n in range(128)]}).encode()  # about 1 MiB
BACKTICKS = json.dumps({"notes": "`" * 1_000_000}).encode()
SAMPLES = 300


def latencies(client: httpx.Client, url: str, count: int) -> list[float]:
    found = []
    for _ in range(count):
        started = time.perf_counter()
        client.get(f"{url}/health/live").raise_for_status()
        found.append((time.perf_counter() - started) * 1000)
    return found


def while_posting(
    url: str, client: httpx.Client, posting: int, body: bytes, headers: dict[str, str]
) -> tuple[list[float], dict[int, int]]:
    """Small requests' latencies while ``posting`` clients post ``body`` without pause, and how
    the large posts were answered (status: count)."""
    stop = threading.Event()
    answers: dict[int, int] = {}

    def post_large_bodies() -> None:
        with httpx.Client(timeout=60) as poster:
            while not stop.is_set():
                status = poster.post(
                    f"{url}/api/crm/v1/notes",
                    content=body,
                    headers={"content-type": "application/json", **headers},
                ).status_code
                answers[status] = answers.get(status, 0) + 1

    posters = [threading.Thread(target=post_large_bodies) for _ in range(posting)]
    for poster in posters:
        poster.start()
    time.sleep(1)
    busy = latencies(client, url, SAMPLES)
    stop.set()
    for poster in posters:
        poster.join()
    return busy, answers


def main() -> None:
    posting = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    data = Path(tempfile.mkdtemp(prefix="bhiv-bench-bodies-")) / "data"
    env = {**gateway_env(data), "BHIV_THREAT_ALLOWLIST": "127.0.0.1/32"}  # benign, but many
    env["BHIV_GATEWAY_IP_RATE_LIMITS"] = "*=100000000/60"
    env["BHIV_GATEWAY_IDENTITY_RATE_LIMITS"] = "*:*=100000000/60"
    with running_gateway(env) as url, httpx.Client() as client:
        signed_in = {"Authorization": f"Bearer {token(url)}"}
        latencies(client, url, 50)  # warm-up
        results = [("alone", latencies(client, url, SAMPLES), {})]
        cases = [
            ("anonymous, 1 MiB of backticks", BACKTICKS, {}),
            ("signed in, 1 MiB of prose", BODY, signed_in),
            ("signed in, 1 MiB of backticks", BACKTICKS, signed_in),
        ]
        for name, body, headers in cases:
            busy, answers = while_posting(url, client, posting, body, headers)
            results.append((f"{posting} clients posting, {name}", busy, answers))
    for name, figures, answers in results:
        cuts = statistics.quantiles(figures, n=100)
        answered = f"; large posts answered {dict(sorted(answers.items()))}" if answers else ""
        print(
            f"GET /health/live, {name}: p50 {cuts[49]:.1f} ms, p99 {cuts[98]:.1f} ms,"
            f" max {max(figures):.0f} ms{answered}"
        )


if __name__ == "__main__":
    main()
