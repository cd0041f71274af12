"""Start-up time of ``bhiv up``: from process start until all six services answer /health/ready.

Runs a fresh data directory (migrations, first admin, first signing key) and then a warm one.
Run: python bench/startup.py
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.support.processes import free_port_block

SERVICES = 6


def seconds_until_ready(data_dir: str) -> float:
    base = free_port_block(SERVICES)
    env = {
        **os.environ,
        "BHIV_LOG_LEVEL": "WARNING",
        "BHIV_ADMIN_EMAIL": "bench@example.com",
        "BHIV_ADMIN_PASSWORD": "violet-kettle-harbour",
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "apps.cli", "up", "--data-dir", data_dir, "--base-port", str(base)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        pending = {base + offset for offset in range(SERVICES)}
        while pending:
            for port in list(pending):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=1).status_code == 200:
                        pending.discard(port)
                except httpx.TransportError:
                    pass
            time.sleep(0.02)
        return time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="bhiv-startup-")
    cold = seconds_until_ready(data_dir)
    warm = [seconds_until_ready(data_dir) for _ in range(3)]
    print(
        f"bhiv up, all six services ready: fresh data dir {cold:.2f} s; "
        f"existing data dir {min(warm):.2f}-{max(warm):.2f} s (3 runs)"
    )


if __name__ == "__main__":
    main()
