"""A service in its own process, with its own database, trusts only the gateway's JWKS over HTTP
and the revocations shared through Redis: the production shape of token verification."""

import base64
import json
import time
import uuid
from pathlib import Path

import httpx
import pytest

from apps.services import SERVICES
from tests.support.processes import PATIENCE, free_port_block, interrupt, start_bhiv, wait_until_ready

ADMIN = {"BHIV_ADMIN_EMAIL": "root@example.com", "BHIV_ADMIN_PASSWORD": "violet-kettle-harbour"}
FAST_HASHING = {"BHIV_PASSWORD_TIME_COST": "1", "BHIV_PASSWORD_MEMORY_COST_KIB": "8192"}


def login(gateway: str) -> str:
    form = {
        "grant_type": "password",
        "username": ADMIN["BHIV_ADMIN_EMAIL"],
        "password": ADMIN["BHIV_ADMIN_PASSWORD"],
    }
    response = httpx.post(f"{gateway}/auth/token", data=form, timeout=PATIENCE)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def kid_of(token: str) -> str:
    header = token.split(".")[0]
    return str(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"])


def whoami(service: str, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"{service}/v1/whoami", headers=headers, timeout=PATIENCE).status_code


def until_refused(service: str, token: str) -> None:
    """Returns once ``service`` answers 401 to ``token``. A revocation reaches a service that
    remembered the token's jti as not revoked when Redis announces the write: a busy machine
    may take a moment to deliver that."""
    deadline = time.monotonic() + PATIENCE
    while (status := whoami(service, token)) != 401:
        assert time.monotonic() < deadline, f"still {status} after {PATIENCE} s"
        time.sleep(0.05)


@pytest.mark.redis
def test_a_separate_crm_follows_the_gateways_keys_and_revocations(tmp_path: Path, redis_url: str) -> None:
    shared = {"BHIV_REDIS_URL": redis_url, "BHIV_REDIS_KEY_PREFIX": f"test-{uuid.uuid4().hex}:"}
    base = free_port_block(len(SERVICES) + 1)
    gateway, crm = f"http://127.0.0.1:{base}", f"http://127.0.0.1:{base + len(SERVICES)}"
    platform = start_bhiv(
        ["up", "--data-dir", str(tmp_path / "platform"), "--base-port", str(base)],
        env={**ADMIN, **FAST_HASHING, **shared},
    )
    crm_env = {
        **shared,
        "BHIV_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}",
        "BHIV_AUTH_JWKS_URL": f"{gateway}/.well-known/jwks.json",
        # The issuer bhiv up signs as (its own URL); a service in another process is told it.
        "BHIV_AUTH_ISSUER": gateway,
    }
    separate_crm = None
    try:
        wait_until_ready(gateway, platform)
        separate_crm = start_bhiv(
            ["serve", "crm", "--port", str(base + len(SERVICES)), "--migrate"], env=crm_env
        )
        wait_until_ready(crm, separate_crm)

        before_rotation = login(gateway)
        assert whoami(crm, before_rotation) == 200

        rotated = httpx.post(
            f"{gateway}/api/admin/keys/rotate",
            headers={"Authorization": f"Bearer {before_rotation}"},
            timeout=PATIENCE,
        )
        assert rotated.status_code == 201, rotated.text
        after_rotation = login(gateway)
        assert kid_of(after_rotation) == rotated.json()["kid"] != kid_of(before_rotation)
        assert whoami(crm, after_rotation) == 200, "an unknown kid makes the service re-read the JWKS"
        assert whoami(crm, before_rotation) == 200, "old keys verify until their tokens expire"

        httpx.post(f"{gateway}/auth/revoke", data={"token": after_rotation}, timeout=PATIENCE)
        until_refused(crm, after_rotation)  # revocations reach every service through Redis
    finally:
        if separate_crm is not None:
            assert interrupt(separate_crm) == 0
        assert interrupt(platform) == 0
