"""A real gateway process (``bhiv serve gateway``) in front of test upstreams, and a token."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from adapters.jose.sealing import new_master_key
from tests.support.processes import (
    PATIENCE,
    free_port_block,
    interrupt,
    run_bhiv,
    start_bhiv,
    wait_until_ready,
)

EMAIL, PASSWORD = "gateway-tests@example.com", "violet-kettle-harbour"
FAST_HASHING = {"BHIV_PASSWORD_TIME_COST": "1", "BHIV_PASSWORD_MEMORY_COST_KIB": "8192"}


def gateway_env(data: Path) -> dict[str, str]:
    """A migrated database with one admin user, and a master key (same data: same users)."""
    env = {
        "BHIV_DATABASE_URL": f"sqlite+aiosqlite:///{data / 'bhiv.db'}",
        "BHIV_AUTH_MASTER_KEY": os.environ.get("BHIV_TEST_MASTER_KEY") or new_master_key(),
        "BHIV_HTTP_ACCESS_LOG": "false",
        "BHIV_OUTBOX_RELAY_ENABLED": "false",
        **FAST_HASHING,
    }
    if not (data / "bhiv.db").exists():
        data.mkdir(parents=True, exist_ok=True)
        assert run_bhiv(["migrate"], env).returncode == 0
        created = run_bhiv(
            ["users", "create", "--email", EMAIL, "--role", "admin"],
            {**env, "BHIV_NEW_USER_PASSWORD": PASSWORD},
        )
        assert created.returncode == 0, created.stderr
    return env


def token(gateway: str, email: str = EMAIL) -> str:
    form = {"grant_type": "password", "username": email, "password": PASSWORD}
    response = httpx.post(f"{gateway}/auth/token", data=form, timeout=PATIENCE)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@contextmanager
def running_gateway(env: Mapping[str, str]) -> Iterator[str]:
    port = free_port_block(1)
    process = start_bhiv(["serve", "gateway", "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, process)
        yield url
    finally:
        interrupt(process)


def start_upstream(ident: str, port: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.upstream", "--port", str(port), "--id", ident],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"upstream {ident} exited: {process.stderr.read()}")  # type: ignore[union-attr]
        try:
            httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=10)
            return process
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError(f"upstream {ident} did not start within {PATIENCE} s")
