"""The ``bhiv`` command as an operator runs it: real processes, real ports on loopback."""

import os
import signal
import stat
import subprocess
import sys
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


def run_bhiv_without_database_or_master_key(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BHIV_DATABASE_", "BHIV_AUTH_MASTER"))}
    return subprocess.run(
        [sys.executable, "-m", "apps.cli", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_embedded_data_directory_is_0700_and_its_database_and_master_key_0600(tmp_path: Path) -> None:
    data = tmp_path / ".bhiv"
    result = run_bhiv_without_database_or_master_key(["keys", "rotate", "--data-dir", str(data)])

    assert result.returncode == 0, result.stderr
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in [data, *data.iterdir()]}
    assert modes[".bhiv"] == 0o700
    assert modes["bhiv.db"] == modes["master.key"] == 0o600
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes


@pytest.mark.parametrize("command", ["up", "keys rotate"])
@pytest.mark.parametrize(
    "url", ["postgresql+asyncpg://bhiv:secret@127.0.0.1:1/bhiv", "sqlite+aiosqlite:///{tmp}/shared.db"]
)
def test_a_database_other_than_the_embedded_one_never_gets_an_invented_master_key(
    tmp_path: Path, command: str, url: str
) -> None:
    """A key made up here would seal signing keys no other gateway can open, or fail to open
    the ones already there: every login would answer 500."""
    data = tmp_path / "data"
    result = run_bhiv_without_database_or_master_key(
        [*command.split(), "--data-dir", str(data)], BHIV_DATABASE_URL=url.format(tmp=tmp_path)
    )

    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("bhiv: configuration error: BHIV_DATABASE_URL names a database other than")
    assert line.endswith("set BHIV_AUTH_MASTER_KEY or BHIV_AUTH_MASTER_KEY_FILE")
    assert "secret" not in line
    assert not (data / "master.key").exists()


def test_the_embedded_database_named_explicitly_still_gets_its_master_key_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run_bhiv_without_database_or_master_key(
        ["keys", "rotate", "--data-dir", str(data)], BHIV_DATABASE_URL=f"sqlite+aiosqlite:///{data}/bhiv.db"
    )

    assert result.returncode == 0, result.stderr
    assert (data / "master.key").exists()


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
