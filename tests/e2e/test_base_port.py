"""``bhiv up --base-port N``: everything that follows from where the platform listens follows N."""

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from apps._shared.settings import reachable_host
from apps.services import SERVICES
from tests.support.processes import ADMIN, PATIENCE, bhiv_up


def claims_of(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    for variable in ("BHIV_AUTH_ISSUER", "BHIV_GATEWAY_UPSTREAMS", "BHIV_HTTP_HOST"):
        monkeypatch.delenv(variable, raising=False)
    with bhiv_up(tmp_path / "data", len(SERVICES)) as base:
        yield base


def test_the_gateway_proxies_to_the_services_at_the_base_port_and_signs_as_itself(base: int) -> None:
    gateway = f"http://127.0.0.1:{base}"
    with httpx.Client(base_url=gateway, timeout=PATIENCE) as client:
        login = client.post(
            "/auth/token",
            data={
                "grant_type": "password",
                "username": ADMIN["BHIV_ADMIN_EMAIL"],
                "password": ADMIN["BHIV_ADMIN_PASSWORD"],
            },
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        assert claims_of(token)["iss"] == gateway

        metadata = client.get("/.well-known/oauth-authorization-server").json()
        assert metadata["issuer"] == gateway
        assert metadata["jwks_uri"] == f"{gateway}/.well-known/jwks.json"

        headers = {"Authorization": f"Bearer {token}"}
        for service in SERVICES[1:]:
            whoami = client.get(f"/api/{service}/v1/whoami", headers=headers)
            assert whoami.status_code == 200, (service, whoami.status_code, whoami.text)
            assert whoami.json()["role"] == "admin"


@pytest.mark.parametrize(
    ("host", "reached"),
    [("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"), ("::", "[::1]"), ("::1", "[::1]"), ("db", "db")],
)
def test_a_wildcard_address_is_reached_over_loopback_and_ipv6_is_bracketed(host: str, reached: str) -> None:
    assert reachable_host(host) == reached
