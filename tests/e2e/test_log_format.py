"""``bhiv`` on a terminal writes readable log lines, not JSON: a real process on a pseudo-terminal."""

import os
import pty
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.support.processes import PATIENCE, free_port_block, interrupt, wait_until_ready

REQUEST_ID = "0123456789abcdef0123456789abcdef"


class Terminal:
    """A pseudo-terminal whose output is read all along, so the process never waits on it."""

    def __init__(self) -> None:
        self.controller, self.device = pty.openpty()
        self.output = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.controller, 65536)
            except OSError:  # every writer has closed the terminal
                return
            if not chunk:
                return
            self.output += chunk.decode(errors="replace")

    def close(self) -> None:
        self._reader.join(timeout=PATIENCE)  # ends once the process has exited
        os.close(self.controller)

    def wait_for(self, needle: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while needle not in self.output and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.output


def test_a_service_on_a_terminal_logs_readable_lines_with_the_correlation_id(tmp_path: Path) -> None:
    port = free_port_block(1)
    terminal = Terminal()
    env = {
        **os.environ,
        "BHIV_LOG_LEVEL": "INFO",
        "BHIV_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bhiv.db'}",
    }
    env.pop("BHIV_LOG_FORMAT", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "apps.cli", "serve", "logistics", "--migrate", "--port", str(port)],
        env=env,
        stdout=terminal.device,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(terminal.device)
    try:
        wait_until_ready(f"http://127.0.0.1:{port}", process)
        url = f"http://127.0.0.1:{port}/v1/whoami"
        httpx.get(url, headers={"X-Request-Id": REQUEST_ID}, timeout=PATIENCE)
        output = terminal.wait_for("GET /v1/whoami 401", PATIENCE)  # the access line comes last
    finally:
        code = interrupt(process)
        terminal.close()
    assert code == 0

    lines = [line.strip() for line in output.splitlines() if line.strip()]
    assert lines, "nothing was logged"
    assert not [line for line in lines if line.startswith("{")], output
    [access] = [line for line in lines if REQUEST_ID in line and "bhiv.access" in line]
    assert "GET /v1/whoami 401" in access
    assert " logistics " in access
    assert f"cid={REQUEST_ID}" in access
