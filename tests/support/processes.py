"""Starting ``bhiv`` as a real process and waiting for it over loopback HTTP."""

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

PATIENCE = 120.0
"""How long a process may take to start, stop or run a command. Generous: on a busy two-core
machine a start that takes 1 s alone has taken 6 s, and no test is about how fast that is."""


def free_port_block(size: int) -> int:
    """The first of ``size`` consecutive free loopback ports."""
    for _ in range(200):
        base = random.randint(20_000, 60_000)
        if all(_is_free(base + offset) for offset in range(size)):
            return base
    raise RuntimeError("no block of free ports")


def _is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def start_bhiv(
    args: Sequence[str], env: Mapping[str, str] | None = None, cwd: str | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "apps.cli", *args],
        env={**os.environ, "BHIV_LOG_LEVEL": "WARNING", **(env or {})},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_bhiv(args: Sequence[str], env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apps.cli", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )


def wait_until_ready(url: str, process: subprocess.Popen[str], timeout: float = PATIENCE) -> float:
    """Seconds until ``url``/health/ready answered 200; fails if the process died first."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise AssertionError(f"bhiv exited with {process.returncode}: {process.stderr.read()}")  # type: ignore[union-attr]
        try:
            if httpx.get(f"{url}/health/ready", timeout=10.0).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} was not ready within {timeout}s")


def interrupt(process: subprocess.Popen[str], sig: int = signal.SIGINT, timeout: float = PATIENCE) -> int:
    process.send_signal(sig)
    try:
        return process.wait(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()


ADMIN = {"BHIV_ADMIN_EMAIL": "root@example.com", "BHIV_ADMIN_PASSWORD": "violet-kettle-harbour"}
FAST_HASHING = {"BHIV_PASSWORD_TIME_COST": "1", "BHIV_PASSWORD_MEMORY_COST_KIB": "8192"}


@contextmanager
def bhiv_up(
    data_dir: Path, services: int, *options: str, env: Mapping[str, str] | None = None
) -> Iterator[int]:
    """``bhiv up`` with a bootstrap admin on a free block of ``services`` ports, ready on every
    one (``env``: more of its environment); yields the base port and asserts a clean stop."""
    base = free_port_block(services)
    process = start_bhiv(
        ["up", "--data-dir", str(data_dir), "--base-port", str(base), *options],
        env={**ADMIN, **FAST_HASHING, **(env or {})},
    )
    try:
        for offset in range(services):
            wait_until_ready(f"http://127.0.0.1:{base + offset}", process)
        yield base
    finally:
        assert interrupt(process) == 0
