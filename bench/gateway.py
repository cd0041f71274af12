"""Gateway overhead: one service (logistics) directly, through ``bhiv serve gateway``, and through
nginx as a plain reverse proxy (the reference), under the same bounded load on loopback.

Every request is ``GET /v1/whoami`` with a real access token (authenticated at the gateway and
again by the service), rate-limited at the gateway with a high limit on Redis when
``BHIV_BENCH_REDIS_URL`` is set (default redis://127.0.0.1:6379/0; ``none`` for in-process).
Load: wrk when installed (``apt-get install wrk``), 1 thread, ``CONNECTIONS`` connections.

``gateway`` is one client (one token, one IP), where concurrent rate-limit hits on the same key
share one script call; ``gw-many`` spreads the same load over ``IDENTITIES`` users and 1,000
client IPs (``X-Forwarded-For`` from a trusted proxy), picked at random per request, so
concurrent hits rarely share a key: the figure for traffic from many clients.
Run: python bench/gateway.py [seconds per run]   (3 interleaved rounds; medians reported)
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.support.gateway import PASSWORD, gateway_env, token
from tests.support.processes import free_port_block, interrupt, start_bhiv, wait_until_ready

CONNECTIONS = 32
ROUNDS = 3
IDENTITIES = 32
SPREAD_SCRIPT = """
local tokens = {%s}
request = function()
  local ip = "10.0." .. math.random(0, 3) .. "." .. math.random(1, 250)
  local headers = {["Authorization"] = "Bearer " .. tokens[math.random(#tokens)], ["X-Forwarded-For"] = ip}
  return wrk.format("GET", nil, headers)
end
"""
NGINX_CONF = """worker_processes 1; pid {dir}/nginx.pid; error_log {dir}/error.log; daemon off;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {dir}/b; proxy_temp_path {dir}/p;
  fastcgi_temp_path {dir}/f; uwsgi_temp_path {dir}/u; scgi_temp_path {dir}/s;
  upstream svc {{ server 127.0.0.1:{upstream}; keepalive 64; }}
  server {{ listen 127.0.0.1:{port};
    location /api/logistics/ {{ proxy_pass http://svc/; proxy_http_version 1.1;
      proxy_set_header Connection ""; proxy_set_header X-Forwarded-For $remote_addr; }} }} }}
"""


def wrk(
    url: str, bearer: str, seconds: int, connections: int = CONNECTIONS, script: Path | None = None
) -> dict[str, float]:
    load = ["-s", str(script)] if script is not None else ["-H", f"Authorization: Bearer {bearer}"]
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", *load, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),  # type: ignore[union-attr]
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),  # type: ignore[union-attr]
        "errors": float(non_2xx.group(1)) if non_2xx else 0.0,
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(pids: dict[str, int], run: Callable[[], dict[str, float]], seconds: int) -> dict[str, float]:
    """``run``'s figures plus each process's CPU microseconds per request during it."""
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    result = run()
    requests = max(1.0, result["rps"] * seconds)
    for name, pid in pids.items():
        result[f"{name}_cpu_us"] = (cpu_seconds(pid) - before[name]) / requests * 1e6
    return result


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wait_until_upstream_available(gateway_url: str, service: str, timeout: float) -> None:
    """The gateway may have checked the service before it listened; its next check admits it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = httpx.get(f"{gateway_url}/health/ready").json()
        if report["upstreams"][service]["available"]:
            return
        time.sleep(0.1)
    raise SystemExit(f"the gateway never saw {service} healthy")


def many_identities(gateway_url: str, admin_bearer: str, data: Path) -> Path:
    """``IDENTITIES`` ops users, one token each, in a wrk script that also varies the client IP."""
    tokens = []
    for number in range(IDENTITIES):
        email = f"bench-{number}@example.com"
        user = {"email": email, "password": PASSWORD, "role": "ops", "display_name": f"Bench {number}"}
        created = httpx.post(
            f"{gateway_url}/api/admin/users/",
            json=user,
            headers={"Authorization": f"Bearer {admin_bearer}"},
        )
        assert created.status_code == 201, created.text
        tokens.append(token(gateway_url, email))
    script = data / "spread.lua"
    script.write_text(SPREAD_SCRIPT % ", ".join(f'"{bearer}"' for bearer in tokens))
    return script


def report(rounds: dict[str, list[dict[str, float]]]) -> None:
    """Medians over the rounds; the ratio is to direct's median (1 connection: to direct-c1's)."""
    median = {
        name: {metric: statistics.median(run[metric] for run in runs) for metric in runs[0]}
        for name, runs in rounds.items()
    }
    header = f"{'path':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'ratio':>6}"
    print(f"{header}  (median of {ROUNDS} rounds)")
    for name, result in median.items():
        base = median["direct-c1" if name.endswith("-c1") else "direct"]["rps"]
        print(
            f"{name:<10} {result['rps']:>8.0f} {result['p50']:>8.2f} {result['p99']:>8.2f}"
            f" {result['errors']:>8.0f} {result['rps'] / base:>6.2f}"
        )
    per_round = [g["rps"] / d["rps"] for g, d in zip(rounds["gateway"], rounds["direct"], strict=True)]
    print("gateway/direct by round:", " ".join(f"{ratio:.2f}" for ratio in per_round))
    service_alone = median["direct"]["service_cpu_us"]
    for name in ("gateway", "gw-many"):
        gateway_cpu = median[name]["gateway_cpu_us"]
        print(
            f"CPU per request, {name}: gateway process {gateway_cpu:.0f} us, service behind it"
            f" {median[name]['service_cpu_us']:.0f} us; service reached directly {service_alone:.0f} us"
            f" (gateway / service: {gateway_cpu / service_alone:.2f})"
        )
    added = median["gateway-c1"]["p50"] - median["direct-c1"]["p50"]
    print(f"unloaded (1 connection), the gateway adds {added:.2f} ms at p50; {os.cpu_count()} cores")


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    data = Path(tempfile.mkdtemp(prefix="bhiv-bench-gw-"))
    base = free_port_block(3)
    env = {**gateway_env(data), "BHIV_LOG_LEVEL": "WARNING"}
    redis = os.environ.get("BHIV_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    if redis != "none":
        env.update({"BHIV_REDIS_URL": redis, "BHIV_REDIS_KEY_PREFIX": f"bench-{uuid.uuid4().hex}:"})
    env.update(
        {
            "BHIV_GATEWAY_UPSTREAMS": f"logistics=http://127.0.0.1:{base + 1}",
            "BHIV_GATEWAY_IP_RATE_LIMITS": "*=100000000/60",
            "BHIV_GATEWAY_IDENTITY_RATE_LIMITS": "*:*=100000000/60",
            "BHIV_GATEWAY_TRUSTED_PROXIES": "127.0.0.1/32",  # for gw-many's X-Forwarded-For
            # The load generator bursts after idle spells between rounds, which the rate-anomaly
            # detector rightly blocks; allowlisted, its requests are still inspected.
            "BHIV_THREAT_ALLOWLIST": "127.0.0.1/32",
        }
    )
    gateway_url, service_url = f"http://127.0.0.1:{base}", f"http://127.0.0.1:{base + 1}"
    service = start_bhiv(["serve", "logistics", "--port", str(base + 1)], env=env)
    gateway = start_bhiv(["serve", "gateway", "--port", str(base)], env=env)
    nginx = None
    try:
        wait_until_ready(service_url, service, 30)
        wait_until_ready(gateway_url, gateway, 30)
        wait_until_upstream_available(gateway_url, "logistics", 10)
        bearer = token(gateway_url)
        targets = {"direct": f"{service_url}/v1/whoami", "gateway": f"{gateway_url}/api/logistics/v1/whoami"}
        if shutil.which("nginx"):
            (data / "nginx.conf").write_text(NGINX_CONF.format(dir=data, upstream=base + 1, port=base + 2))
            nginx = subprocess.Popen(["nginx", "-c", str(data / "nginx.conf"), "-p", str(data)])
            time.sleep(0.5)
            targets["nginx"] = f"http://127.0.0.1:{base + 2}/api/logistics/v1/whoami"
        for url in targets.values():
            check = httpx.get(url, headers={"Authorization": f"Bearer {bearer}"})
            assert check.status_code == 200, (url, check.status_code, check.text)
        spread = many_identities(gateway_url, bearer, data)
        runs: dict[str, tuple[str, dict[str, Any]]] = {}
        for name, url in targets.items():
            runs[name] = (url, {})
            runs[f"{name}-c1"] = (url, {"connections": 1})
            if name == "gateway":
                runs["gw-many"] = (url, {"script": spread})
        for url in targets.values():
            wrk(url, bearer, 2)  # warm-up
        # Rounds interleave the paths, so a slow spell on this shared machine hits them all.
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in runs}
        pids = {"gateway": gateway.pid, "service": service.pid}
        for _ in range(ROUNDS):
            for name, (url, options) in runs.items():
                load = partial(wrk, url, bearer, seconds, **options)
                rounds[name].append(measured(pids, load, seconds))
        report(rounds)
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait()
        interrupt(gateway)
        interrupt(service)


if __name__ == "__main__":
    main()
