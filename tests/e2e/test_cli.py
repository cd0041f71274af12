"""The ``bhiv`` command as an operator runs it: real processes, real ports on loopback."""

import signal
from pathlib import Path

import httpx
import pytest

from apps.services import SERVICES
from tests.support.processes import (
    PATIENCE,
    free_port_block,
    interrupt,
    run_bhiv,
    start_bhiv,
    wait_until_ready,
)


def test_an_unknown_service_exits_non_zero_with_one_clear_line() -> None:
    result = run_bhiv(["serve", "warehouse"])
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "invalid choice: 'warehouse'" in lines[0]


def test_an_unknown_flag_exits_non_zero_with_one_clear_line() -> None:
    result = run_bhiv(["up", "--turbo"])
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["bhiv: error: unrecognized arguments: --turbo"]


def test_a_malformed_setting_stops_start_up_naming_the_variable() -> None:
    result = run_bhiv(["migrate"], env={"BHIV_DATABASE_POOL_SIZE": "plenty"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "bhiv: configuration error: BHIV_DATABASE_POOL_SIZE='plenty' is invalid: Expected `int`, got `str`"
    ]


def test_bhiv_up_starts_all_six_services_and_stops_cleanly(tmp_path: Path) -> None:
    base = free_port_block(len(SERVICES))
    process = start_bhiv(["up", "--data-dir", str(tmp_path / "data"), "--base-port", str(base)])
    try:
        for offset in range(len(SERVICES)):  # how fast they start is for bench/, not a test
            wait_until_ready(f"http://127.0.0.1:{base + offset}", process)
        for offset, service in enumerate(SERVICES):
            metrics = httpx.get(f"http://127.0.0.1:{base + offset}/metrics", timeout=PATIENCE)
            assert metrics.status_code == 200
            assert f'service="{service}"' in metrics.text
    finally:
        code = interrupt(process)
    assert code == 0
    assert (tmp_path / "data" / "bhiv.db").exists()
    assert "BHIV Core is up" in process.stderr.read()  # type: ignore[union-attr]


@pytest.mark.postgres
@pytest.mark.redis
def test_bhiv_serve_runs_one_service_on_postgresql_and_redis(fresh_postgres_url: str, redis_url: str) -> None:
    port = free_port_block(1)
    env = {"BHIV_DATABASE_URL": fresh_postgres_url, "BHIV_REDIS_URL": redis_url}
    assert run_bhiv(["migrate"], env=env).returncode == 0
    process = start_bhiv(["serve", "logistics", "--port", str(port)], env=env)
    try:
        wait_until_ready(f"http://127.0.0.1:{port}", process)
        ready = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=PATIENCE).json()
        assert ready["checks"] == {"database": "ok", "redis": "ok"}
    finally:
        code = interrupt(process, signal.SIGTERM)
    assert code == 0
