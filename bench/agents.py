"""What a routed agent query costs, in one run of ``bhiv up --demo`` (embedded default, a
temporary data dir): p50/p99 through the gateway of

- ``GET /api/orchestration/v1/whoami`` (the floor: gateway, token check, one service hop);
- ``POST /api/llm/v1/embeddings`` of one short sentence (what routing adds at least: the query's
  embedding, here in the LLM service);
- ``POST /api/orchestration/v1/query`` with a Knowledge question over the demo handbook, no agent
  named: crisis screen, routing (the query's embedding), knowledge search (words and vectors),
  the extractive answer, the run record and the session.

Requests go one at a time as the demo sales user (customers may not call the LLM API), the three
kinds interleaved so they see the same moments of a noisy machine; read the ratios.
Run: python bench/agents.py [rounds]
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from apps._shared.settings import SERVICE_NAMES
from tests.support.demo import seeded_logins, signed_in
from tests.support.processes import (
    ADMIN,
    FAST_HASHING,
    free_port_block,
    interrupt,
    start_bhiv,
    wait_until_ready,
)

QUESTION = "How long do deliveries to Delhi take?"
WARM_UP = 3


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(rounds: int) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="bhiv-bench-agents-"))
    base_port = free_port_block(len(SERVICE_NAMES))
    process = start_bhiv(
        ["up", "--demo", "--data-dir", str(data_dir), "--base-port", str(base_port)],
        # Each round spends two of the user's LLM calls: lift the per-minute quota off the figures.
        env={**ADMIN, **FAST_HASHING, "BHIV_LLM_USER_REQUESTS_PER_MINUTE": "100000"},
    )
    try:
        for offset in range(len(SERVICE_NAMES)):
            wait_until_ready(f"http://127.0.0.1:{base_port + offset}", process)
        sales = seeded_logins(data_dir)["sales"]
        client = httpx.Client(base_url=f"http://127.0.0.1:{base_port}", timeout=60)
        signed_in(client, sales["email"], sales["password"])
        calls = {
            "whoami": lambda: client.get("/api/orchestration/v1/whoami"),
            "one embedding": lambda: client.post(
                "/api/llm/v1/embeddings", json={"model": "embed", "input": "deliveries to Delhi"}
            ),
            "routed knowledge query": lambda: client.post(
                "/api/orchestration/v1/query", json={"text": QUESTION}
            ),
        }
        timings: dict[str, list[float]] = {name: [] for name in calls}
        agents: set[str] = set()
        for round_ in range(rounds + WARM_UP):
            for name, call in calls.items():
                started = time.perf_counter()
                answer = call()
                elapsed = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    raise SystemExit(f"{name}: {answer.status_code} {answer.text}")
                if name.startswith("routed"):
                    agents.add(answer.json()["agent"])
                if round_ >= WARM_UP:
                    timings[name].append(elapsed)
        floor = statistics.median(timings["whoami"])
        print(f"{rounds} rounds through the gateway, one at a time (load average {os.getloadavg()[0]:.1f})")
        for name, values in timings.items():
            p50, p99 = statistics.median(values), percentile(values, 0.99)
            print(f"  {name:<24} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  p50 {p50 / floor:5.1f}x whoami")
        print(f"  the routed query was answered by: {', '.join(sorted(agents))}")
    finally:
        interrupt(process)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
