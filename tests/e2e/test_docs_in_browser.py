"""The API docs page rendered by a real browser: Swagger UI, served by the service itself, lists
the service's operations. Needs a Chromium binary (``apt-get install chromium``); without one
the test is skipped, saying so."""

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.processes import PATIENCE, free_port_block, interrupt, start_bhiv, wait_until_ready

pytestmark = pytest.mark.browser

BROWSERS = ("chromium", "chromium-browser")


@pytest.fixture
def chromium() -> str:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    pytest.skip("no chromium binary on PATH (apt-get install chromium): the docs page is not rendered")


@pytest.fixture
def logistics(tmp_path: Path) -> Iterator[str]:
    port = free_port_block(1)
    env = {"BHIV_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bhiv.db'}"}
    process = start_bhiv(["serve", "logistics", "--migrate", "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, process)
        yield url
    finally:
        assert interrupt(process) == 0


def test_swagger_ui_lists_every_operation_of_the_service(
    chromium: str, logistics: str, tmp_path: Path
) -> None:
    document = httpx.get(f"{logistics}/openapi/openapi.json", timeout=PATIENCE).json()
    operation_ids = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert operation_ids

    rendered = subprocess.run(
        [
            chromium,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=15000",  # scripts load and Swagger UI renders before the dump
            "--dump-dom",
            f"{logistics}/openapi/swagger",
        ],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )

    assert rendered.returncode == 0, rendered.stderr[-2000:]
    dom = rendered.stdout
    assert "Unable to render this definition" not in dom
    rendered_ids = set(re.findall(r'id="operations-[^"]+?-([^"-]+)"', dom))  # operations-<tag>-<id>
    missing = operation_ids - rendered_ids
    assert missing == set(), dom[-2000:]
