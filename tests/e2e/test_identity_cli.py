"""The first admin on ``bhiv up`` and ``bhiv users create``, as an operator runs them."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from adapters.jose.sealing import new_master_key
from apps.services import SERVICES
from tests.support.processes import PATIENCE, free_port_block, interrupt, wait_until_ready


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BHIV_ADMIN_", "BHIV_NEW_USER_"))}
    env.pop("BHIV_DATABASE_URL", None)
    return {**env, "BHIV_PASSWORD_TIME_COST": "1", "BHIV_PASSWORD_MEMORY_COST_KIB": "8192", **extra}


def _start_and_stop(data_dir: Path) -> str:
    base = free_port_block(len(SERVICES))
    process = subprocess.Popen(
        [sys.executable, "-m", "apps.cli", "up", "--data-dir", str(data_dir), "--base-port", str(base)],
        env={**_clean_env(), "BHIV_LOG_LEVEL": "WARNING"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_ready(f"http://127.0.0.1:{base}", process)
    finally:
        assert interrupt(process) == 0
    return process.stderr.read()  # type: ignore[union-attr]


def test_bhiv_up_prints_a_generated_admin_password_once(tmp_path: Path) -> None:
    first = _start_and_stop(tmp_path / "data")
    second = _start_and_stop(tmp_path / "data")

    assert "Created the first admin admin@bhiv.local" in first
    password = first.split("generated password:\n", 1)[1].splitlines()[0].strip()
    assert len(password) >= 24
    assert "first admin" not in second
    assert password not in second
    with sqlite3.connect(tmp_path / "data" / "bhiv.db") as db:
        assert db.execute("SELECT count(*) FROM users WHERE role = 'admin'").fetchone() == (1,)
        stored = db.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert password not in stored


def _users_create(db: Path, args: list[str], stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apps.cli", "users", "create", *args],
        env=_clean_env(BHIV_DATABASE_URL=f"sqlite+aiosqlite:///{db}", **env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )


def test_bhiv_users_create_takes_the_password_from_the_environment_or_stdin(tmp_path: Path) -> None:
    db = tmp_path / "bhiv.db"
    from_env = _users_create(
        db, ["--email", "ops@example.com", "--role", "ops"], BHIV_NEW_USER_PASSWORD="violet-kettle-harbour"
    )
    from_stdin = _users_create(
        db, ["--email", "care@example.com", "--role", "support"], "amber-lantern-meadow\n"
    )
    crm_down = free_port_block(1)
    customer = _users_create(
        db,
        ["--email", "cust@example.com", "--role", "customer", "--customer-id", "c-1"],
        "amber-lantern-meadow\n",
        BHIV_GATEWAY_UPSTREAMS=f"crm=http://127.0.0.1:{crm_down}",
        BHIV_AUTH_MASTER_KEY=new_master_key(),
    )
    weak = _users_create(db, ["--email", "weak@example.com", "--role", "ops"], "password123\n")
    duplicate = _users_create(db, ["--email", "OPS@example.com", "--role", "ops"], "violet-kettle-harbour\n")

    assert from_env.returncode == 0, from_env.stderr
    assert '"email":"ops@example.com"' in from_env.stdout
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert customer.returncode == 1
    assert "dependency_unavailable" in customer.stderr, "CRM must confirm a customer login's customer"
    assert (weak.returncode, duplicate.returncode) == (1, 1)
    assert "weak_password" in weak.stderr
    assert "conflict" in duplicate.stderr
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT email, role, customer_id FROM users ORDER BY email").fetchall()
    assert rows == [("care@example.com", "support", None), ("ops@example.com", "ops", None)]


def test_there_is_no_password_flag() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "apps.cli",
            "users",
            "create",
            "--email",
            "a@b.c",
            "--role",
            "ops",
            "--password",
            "x",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "unrecognized arguments: --password" in result.stderr
