"""LLM API keys as their owners and admins live them through the gateway, in front of a real LLM
service on loopback: shown once, a bearer on ``/api/llm/v1/`` and nowhere else, refused at once
when revoked or when their owner is disabled; and OpenAI-shaped errors on the OpenAI paths."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import msgspec
import pytest
import uvicorn
from litestar import Litestar

from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from apps._shared.server import server_config
from apps._shared.settings import PlatformSettings
from apps.services import create_service_app
from core.domain.access import Role
from tests.support.identity import STRONG_PASSWORD, create_user
from tests.support.processes import free_port_block
from tests.support.wiring import FastHashing

PATIENCE = 60.0
OWNER, OTHER, ADMIN = "asha@example.com", "bilal@example.com", "root@example.com"
Gateway = httpx.AsyncClient


@asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[str]:
    """``app`` served on loopback in this event loop; its base URL."""
    port = free_port_block(1)
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, 5))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), task
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, PATIENCE)


@asynccontextmanager
async def gateway_before_llm(settings: PlatformSettings, **gateway: Any) -> AsyncIterator[Gateway]:
    """The gateway proxying ``/api/llm`` to the LLM service, both served on loopback, on one
    database and one in-process key-value store, as ``bhiv up`` runs them."""
    shared = MemoryProvider(MemoryState(), override=True)
    async with serving(create_service_app("llm", settings, shared)) as llm:
        routed = msgspec.structs.replace(settings.gateway, **{"upstreams": {"llm": [llm]}, **gateway})
        platform = msgspec.structs.replace(settings, gateway=routed)
        app = create_service_app("gateway", platform, shared, FastHashing())
        async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=PATIENCE) as client:
            for email, role in ((OWNER, Role.SALES), (OTHER, Role.SUPPORT), (ADMIN, Role.ADMIN)):
                await create_user(app, email, role)
            yield client


@pytest.fixture
async def gateway(settings: PlatformSettings) -> AsyncIterator[Gateway]:
    async with gateway_before_llm(settings) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def sign_in(gateway: Gateway, email: str = OWNER) -> dict[str, str]:
    form = {"grant_type": "password", "username": email, "password": STRONG_PASSWORD}
    response = await gateway.post("/auth/token", data=form)
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


async def new_key(gateway: Gateway, email: str = OWNER, **fields: Any) -> dict[str, Any]:
    response = await gateway.post(
        "/auth/me/llm-keys", json={"name": "laptop", **fields}, headers=await sign_in(gateway, email)
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def assert_openai_error(response: Any, status: int, error_type: str, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "error": {
            "message": response.json()["error"]["message"],
            "type": error_type,
            "param": None,
            "code": code,
        }
    }
    assert response.json()["error"]["message"]
    assert response.headers["x-request-id"]


async def test_a_new_key_is_shown_once_and_lists_show_only_its_prefix(gateway: Gateway) -> None:
    issued = await new_key(gateway, daily_token_limit=100_000, rpm_limit=30)

    listed = await gateway.get("/auth/me/llm-keys", headers=await sign_in(gateway))

    key = issued["key"]
    assert issued["api_key"].startswith("bhiv_sk_")
    assert key["prefix"] == issued["api_key"][:16]
    assert (key["scopes"], key["daily_token_limit"], key["rpm_limit"]) == (["llm:use"], 100_000, 30)
    assert listed.json()["items"] == [key]
    assert issued["api_key"] not in listed.text
    assert "secret_hash" not in listed.text


async def test_a_key_is_its_owners_bearer_on_the_llm_api_and_the_service_sees_which_key(
    gateway: Gateway,
) -> None:
    issued = await new_key(gateway)
    me = (await gateway.get("/auth/me", headers=await sign_in(gateway))).json()

    answer = await gateway.get("/api/llm/v1/whoami", headers=bearer(issued["api_key"]))

    assert answer.status_code == 200, answer.text
    seen = answer.json()
    assert (seen["service"], seen["subject"], seen["kind"], seen["role"]) == (
        "llm",
        me["subject"],
        "user",
        "sales",
    )
    assert seen["permissions"] == ["llm:use"]
    assert seen["api_key_id"] == issued["key"]["id"]


async def test_a_revoked_key_is_refused_at_once_in_openai_shape(gateway: Gateway) -> None:
    issued = await new_key(gateway)
    key = bearer(issued["api_key"])
    assert (await gateway.get("/api/llm/v1/whoami", headers=key)).status_code == 200

    revoked = await gateway.delete(f"/auth/me/llm-keys/{issued['key']['id']}", headers=await sign_in(gateway))

    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None
    assert (await gateway.get("/api/llm/v1/whoami", headers=key)).status_code == 401
    refused = await gateway.post("/api/llm/v1/chat/completions", json={"model": "m"}, headers=key)
    assert_openai_error(refused, 401, "authentication_error", "invalid_api_key")
    assert refused.headers["www-authenticate"].startswith("Bearer")


async def test_a_disabled_owners_key_is_refused(gateway: Gateway) -> None:
    issued = await new_key(gateway)
    admin = await sign_in(gateway, ADMIN)
    assert (await gateway.get("/api/llm/v1/whoami", headers=bearer(issued["api_key"]))).status_code == 200

    disabled = await gateway.post(f"/api/admin/users/{issued['key']['owner_id']}/disable", headers=admin)

    assert disabled.status_code in {200, 204}, disabled.text
    assert (await gateway.get("/api/llm/v1/whoami", headers=bearer(issued["api_key"]))).status_code == 401


@pytest.mark.parametrize(
    "path", ["/api/crm/v1/whoami", "/api/admin/users/", "/auth/me", "/auth/me/llm-keys/", "/api/llm/whoami"]
)
async def test_a_key_never_works_outside_the_llm_api(gateway: Gateway, path: str) -> None:
    issued = await new_key(gateway, email=ADMIN)

    refused = await gateway.get(path, headers=bearer(issued["api_key"]))

    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert issued["api_key"] not in refused.text


async def test_someone_elses_key_is_not_found_and_admins_see_and_revoke_every_key(gateway: Gateway) -> None:
    issued = await new_key(gateway)
    path = f"/auth/me/llm-keys/{issued['key']['id']}"

    stranger = await gateway.delete(path, headers=await sign_in(gateway, OTHER))
    admin = await sign_in(gateway, ADMIN)
    listed = await gateway.get("/api/admin/llm-keys", headers=admin)
    revoked = await gateway.delete(f"/api/admin/llm-keys/{issued['key']['id']}", headers=admin)
    forbidden = await gateway.get("/api/admin/llm-keys", headers=await sign_in(gateway, OTHER))

    assert stranger.status_code == 404
    assert issued["key"]["id"] in [key["id"] for key in listed.json()["items"]]
    assert revoked.status_code == 200
    assert forbidden.status_code == 403


async def test_bad_input_is_a_problem(gateway: Gateway) -> None:
    owner = await sign_in(gateway)
    for body in ({"name": ""}, {"name": "k", "scopes": ["crm:read"]}, {"name": "k", "rpm_limit": 0}, {}):
        answer = await gateway.post("/auth/me/llm-keys", json=body, headers=owner)
        assert answer.status_code in {400, 422}, (body, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"


async def test_a_keys_limits_beyond_what_can_be_stored_are_refused_not_an_error(gateway: Gateway) -> None:
    owner = await sign_in(gateway)
    for field in ("daily_token_limit", "rpm_limit"):
        for value in (2**31, 10**30):
            answer = await gateway.post("/auth/me/llm-keys", json={"name": "k", field: value}, headers=owner)
            assert answer.status_code == 422, (field, value, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
    largest = await new_key(gateway, daily_token_limit=2**31 - 1, rpm_limit=2**31 - 1)
    assert (largest["key"]["daily_token_limit"], largest["key"]["rpm_limit"]) == (2**31 - 1, 2**31 - 1)


@pytest.mark.parametrize(
    "path", ["/api/llm/v1/chat/completions", "/api/llm/v1/embeddings", "/api/llm/v1/models/x"]
)
async def test_the_gateways_own_errors_on_openai_paths_are_openai_shaped(gateway: Gateway, path: str) -> None:
    missing = await gateway.post(path, json={"model": "m"})
    forged = await gateway.post(path, json={"model": "m"}, headers=bearer("bhiv_sk_" + "x" * 43))
    refused = await gateway.get(f"{path}?id=1' OR '1'='1' --", headers=await sign_in(gateway))

    assert_openai_error(missing, 401, "authentication_error", "invalid_api_key")
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert_openai_error(forged, 401, "authentication_error", "invalid_api_key")
    assert_openai_error(refused, 403, "permission_error", "request_refused")


async def test_problem_details_stay_everywhere_else(gateway: Gateway) -> None:
    for path in ("/api/llm/v1/whoami", "/api/crm/v1/customers", "/api/llm/v1/modelsx"):
        answer = await gateway.get(path)
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"


async def test_an_upstream_answer_passes_as_the_service_gave_it(gateway: Gateway) -> None:
    issued = await new_key(gateway)

    answer = await gateway.get("/api/llm/v1/models/no-such-thing/deeper", headers=bearer(issued["api_key"]))

    assert answer.status_code == 404


async def test_a_rate_limit_refusal_is_openai_shaped_with_retry_after(settings: PlatformSettings) -> None:
    async with gateway_before_llm(settings, ip_rate_limits={"*": "2/60", "auth": "300/60"}) as gateway:
        key = bearer((await new_key(gateway))["api_key"])
        answers = [await gateway.get("/api/llm/v1/models", headers=key) for _ in range(3)]

    assert_openai_error(answers[-1], 429, "rate_limit_error", "rate_limit_exceeded")
    assert int(answers[-1].headers["retry-after"]) > 0


async def test_an_llm_service_that_cannot_be_reached_is_an_openai_shaped_api_error(
    settings: PlatformSettings,
) -> None:
    dead = f"http://127.0.0.1:{free_port_block(1)}"
    async with gateway_before_llm(settings, upstreams={"llm": [dead]}) as gateway:
        answer = await gateway.get("/api/llm/v1/models", headers=await sign_in(gateway))

    assert_openai_error(answer, 503, "api_error", "upstream_unavailable")
    assert answer.headers["retry-after"] == "1"


async def test_a_keys_own_quota_is_enforced_on_top_of_its_owners(gateway: Gateway) -> None:
    limited = (await new_key(gateway, rpm_limit=2))["api_key"]
    unlimited = (await new_key(gateway))["api_key"]
    ask = {"model": "default", "messages": [{"role": "user", "content": "Hello?"}]}

    through_limited = [
        await gateway.post("/api/llm/v1/chat/completions", json=ask, headers=bearer(limited))
        for _ in range(3)
    ]
    through_other = await gateway.post("/api/llm/v1/chat/completions", json=ask, headers=bearer(unlimited))

    assert [answer.status_code for answer in through_limited] == [200, 200, 429]
    assert_openai_error(through_limited[2], 429, "rate_limit_error", "rate_limit_exceeded")
    assert through_other.status_code == 200, "the owner's other key keeps its own budget"


@pytest.mark.parametrize(
    "path",
    ["/api/llm/v1/%2e%2e/metrics", "/api/llm/v1/%2E%2E/%2e%2e/api/admin/users", "/api/llm/v1/%2e/models"],
)
async def test_a_path_with_dot_segments_is_refused_before_anyone_decides_on_it(
    gateway: Gateway, path: str
) -> None:
    issued = await new_key(gateway)

    refused = await gateway.get(path, headers=bearer(issued["api_key"]))

    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "malformed_path"
