"""Signing in to a running ``bhiv up --demo`` as the logins it keeps in its data directory."""

import json
import time
from pathlib import Path

import httpx

from tests.support.processes import PATIENCE


def seeded_logins(data_dir: Path) -> dict[str, dict[str, str]]:
    """The demo's sign-in per role, once ``bhiv up --demo`` has loaded its data."""
    kept = data_dir / "demo-logins.json"
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if kept.exists() and (logins := json.loads(kept.read_text()))["seeded"]:
            return {login["role"]: login for login in logins["logins"]}
        time.sleep(0.2)
    raise AssertionError("the demo data was not loaded")


def signed_in(client: httpx.Client, email: str, password: str) -> httpx.Client:
    """``client`` with a bearer token from the password grant through the gateway."""
    form = {"grant_type": "password", "username": email, "password": password}
    answer = client.post("/auth/token", data=form)
    assert answer.status_code == 200, answer.text
    client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return client
