"""Standard OAuth 2.0 clients against a running platform: authlib's own client, and curl-like calls."""

from pathlib import Path

import httpx
import pytest
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client

from apps.services import SERVICES
from tests.support.processes import ADMIN, PATIENCE, bhiv_up, run_bhiv


@pytest.fixture
def platform(tmp_path: Path):  # type: ignore[no-untyped-def]
    with bhiv_up(tmp_path / "data", len(SERVICES)) as base:
        yield base, tmp_path / "data"


async def test_authlib_logs_in_refreshes_and_revokes_and_reuse_kills_the_family(platform) -> None:  # type: ignore[no-untyped-def]
    base, _ = platform
    gateway = f"http://127.0.0.1:{base}"
    async with AsyncOAuth2Client(token_endpoint_auth_method="none", timeout=PATIENCE) as client:
        first = await client.fetch_token(
            f"{gateway}/auth/token", username=ADMIN["BHIV_ADMIN_EMAIL"], password=ADMIN["BHIV_ADMIN_PASSWORD"]
        )
        whoami = await client.get(f"http://127.0.0.1:{base + 1}/v1/whoami")
        assert whoami.status_code == 200
        assert whoami.json()["role"] == "admin"

        second = await client.refresh_token(f"{gateway}/auth/token", refresh_token=first["refresh_token"])
        assert second["refresh_token"] != first["refresh_token"]

        with pytest.raises(OAuthError, match="invalid_grant"):
            await client.refresh_token(f"{gateway}/auth/token", refresh_token=first["refresh_token"])
        with pytest.raises(OAuthError, match="invalid_grant"):
            await client.refresh_token(f"{gateway}/auth/token", refresh_token=second["refresh_token"])

        third = await client.fetch_token(
            f"{gateway}/auth/token", username=ADMIN["BHIV_ADMIN_EMAIL"], password=ADMIN["BHIV_ADMIN_PASSWORD"]
        )
        revoked = await client.revoke_token(f"{gateway}/auth/revoke", token=third["access_token"])
        assert revoked.status_code == 200
    async with httpx.AsyncClient(timeout=PATIENCE) as plain:
        refused = await plain.get(
            f"http://127.0.0.1:{base + 2}/v1/whoami",
            headers={"Authorization": f"Bearer {third['access_token']}"},
        )
    assert refused.status_code == 401


def test_bhiv_keys_rotate_adds_a_key_the_running_platform_publishes(platform) -> None:  # type: ignore[no-untyped-def]
    base, data_dir = platform
    before = httpx.get(f"http://127.0.0.1:{base}/.well-known/jwks.json", timeout=PATIENCE).json()["keys"]

    rotated = run_bhiv(["keys", "rotate", "--data-dir", str(data_dir)])

    assert rotated.returncode == 0, rotated.stderr
    after = httpx.get(f"http://127.0.0.1:{base}/.well-known/jwks.json", timeout=PATIENCE).json()["keys"]
    assert len(after) == len(before) + 1
    assert rotated.stdout.strip() in {f'{{"kid":"{key["kid"]}"}}' for key in after}
