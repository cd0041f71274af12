"""Rate limits per identity and per IP, one budget shared by two gateway processes on Redis."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.gateway import PASSWORD, gateway_env, running_gateway, start_upstream, token
from tests.support.processes import free_port_block, run_bhiv

OTHER = "second-user@example.com"
PATIENCE = 60.0
"""Timeouts no test here is about."""
# Budgets that give a unit back once an hour (or every 36 s for logins): however slowly the
# machine runs a test, none comes back while it runs.


@pytest.fixture
def upstream() -> Iterator[str]:
    port = free_port_block(1)
    process = start_upstream("a", port)
    yield f"http://127.0.0.1:{port}"
    process.kill()
    process.wait()


@pytest.mark.redis
def test_identity_and_ip_limits_are_shared_by_gateway_replicas(
    tmp_path: Path, redis_url: str, upstream: str
) -> None:
    env = {
        **gateway_env(tmp_path),
        "BHIV_REDIS_URL": redis_url,
        "BHIV_REDIS_KEY_PREFIX": f"test-{uuid.uuid4().hex}:",
        "BHIV_GATEWAY_UPSTREAMS": f"logistics={upstream}",
        "BHIV_GATEWAY_IP_RATE_LIMITS": "*=8/28800,auth=100/3600",
        "BHIV_GATEWAY_IDENTITY_RATE_LIMITS": "*:*=5/18000",
    }
    created = run_bhiv(
        ["users", "create", "--email", OTHER, "--role", "sales"], {**env, "BHIV_NEW_USER_PASSWORD": PASSWORD}
    )
    assert created.returncode == 0, created.stderr
    with running_gateway(env) as first, running_gateway(env) as second:
        mine, theirs = token(first), token(second, OTHER)

        def call(gateway: str, bearer: str) -> httpx.Response:
            headers = {"Authorization": f"Bearer {bearer}"}
            return httpx.get(f"{gateway}/api/logistics/v1/whoami", headers=headers, timeout=PATIENCE)

        allowed = [call(gateway, mine) for gateway in (first, second, first, second, first)]
        assert [response.status_code for response in allowed] == [200] * 5
        assert [int(response.headers["RateLimit-Remaining"]) for response in allowed] == [4, 3, 2, 1, 0]
        assert allowed[0].headers["RateLimit-Limit"] == "5"
        assert int(allowed[0].headers["RateLimit-Reset"]) > 0

        refused = call(second, mine)
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.headers["RateLimit-Remaining"] == "0"

        # Six requests from this address so far: the other user has two left, by IP.
        assert [call(first, theirs).status_code, call(second, theirs).status_code] == [200, 200]
        by_address = call(first, theirs)
        assert by_address.status_code == 429
        assert "address" in by_address.json()["detail"]
        assert by_address.headers["RateLimit-Limit"] == "8"


def test_requests_with_bad_tokens_are_still_charged_to_their_address(tmp_path: Path, upstream: str) -> None:
    env = {
        **gateway_env(tmp_path),
        "BHIV_GATEWAY_UPSTREAMS": f"logistics={upstream}",
        "BHIV_GATEWAY_IP_RATE_LIMITS": "*=3/10800,auth=100/3600",
    }
    with running_gateway(env) as gateway:
        forged = {"Authorization": "Bearer not-a-token"}
        whoami = f"{gateway}/api/logistics/v1/whoami"
        answers = [httpx.get(whoami, headers=forged, timeout=PATIENCE) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [401, 401, 401, 429]
    assert [answer.headers.get("RateLimit-Remaining") for answer in answers[:3]] == ["2", "1", "0"]
    assert "address" in answers[3].json()["detail"]
