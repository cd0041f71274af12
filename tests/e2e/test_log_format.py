"""``bhiv`` on a terminal writes readable log lines, not JSON: a real process on a pseudo-terminal."""

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.processes import PATIENCE, free_port_block, interrupt, wait_until_ready

REQUEST_ID = "0123456789abcdef0123456789abcdef"


def read_until(fd: int, needle: str, timeout: float) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536).decode(errors="replace")
            except OSError:  # the process closed the terminal
                break
    return seen


def test_a_service_on_a_terminal_logs_readable_lines_with_the_correlation_id(tmp_path: Path) -> None:
    port = free_port_block(1)
    controller, terminal = pty.openpty()
    env = {
        **os.environ,
        "BHIV_LOG_LEVEL": "INFO",
        "BHIV_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bhiv.db'}",
    }
    env.pop("BHIV_LOG_FORMAT", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "apps.cli", "serve", "logistics", "--migrate", "--port", str(port)],
        env=env,
        stdout=terminal,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(terminal)
    try:
        wait_until_ready(f"http://127.0.0.1:{port}", process)
        url = f"http://127.0.0.1:{port}/v1/whoami"
        httpx.get(url, headers={"X-Request-Id": REQUEST_ID}, timeout=PATIENCE)
        output = read_until(controller, f"cid={REQUEST_ID}", PATIENCE)
    finally:
        assert interrupt(process) == 0
        os.close(controller)

    [line] = [line for line in output.splitlines() if REQUEST_ID in line and "bhiv.access" in line]
    assert "GET /v1/whoami 401" in line
    assert " logistics " in line
    assert f"cid={REQUEST_ID}" in line
    assert not any(line.lstrip().startswith("{") for line in output.splitlines() if line.strip()), output
