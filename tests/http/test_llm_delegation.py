"""A service client (orchestration's agents) calling the LLM service for a signed-in user: it sends
its own bearer and the user's access token in ``X-BHIV-On-Behalf-Of``; the service verifies
both, requires ``llm:delegate`` of the client, and charges the user (decision 0033)."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from adapters.http.gateway.forwarding import upstream_headers
from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from apps._shared.settings import PlatformSettings
from apps.services import create_service_app
from core.domain.access import Permission, Principal, Role, permissions_for
from core.domain.identity.oauth import TokenIssuer
from core.domain.identity.tokens import format_scope
from core.domain.llm.policy import LlmPolicy
from core.ports.revocation import TokenRevocations
from tests.support.principals import mint_token

QUESTION = {"role": "user", "content": "Deliveries to Mumbai take two days. How long do they take?"}
CHAT = {"model": "default", "messages": [QUESTION]}
ON_BEHALF_OF = "X-BHIV-On-Behalf-Of"


def person(name: str, role: Role = Role.SALES) -> Principal:
    return Principal(subject=name, kind="user", role=role, permissions=permissions_for(role))


def service_client(name: str, *scopes: Permission) -> Principal:
    granted = permissions_for(Role.OPS, frozenset(scopes) or None, kind="client")
    return Principal(subject=name, kind="client", role=Role.OPS, permissions=granted)


ORCHESTRATION = service_client("svc_orchestration", Permission.LLM_DELEGATE, Permission.LLM_USE)


@asynccontextmanager
async def llm_service(
    settings: PlatformSettings, policy: LlmPolicy | None = None
) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    own = msgspec.structs.replace(settings, llm=policy or LlmPolicy())
    app = create_service_app("llm", own, MemoryProvider(MemoryState(), override=True))
    async with AsyncTestClient(app) as client:
        yield client


async def token(client: AsyncTestClient, who: Principal) -> str:  # type: ignore[type-arg]
    return await mint_token(client.app, who)


async def acting_for(
    client: AsyncTestClient,  # type: ignore[type-arg]
    delegate: Principal,
    user_token: str,
) -> dict[str, str]:
    return {"Authorization": f"Bearer {await token(client, delegate)}", ON_BEHALF_OF: user_token}


async def test_a_delegated_call_is_the_users_and_its_record_names_the_client(
    settings: PlatformSettings,
) -> None:
    async with llm_service(settings) as client:
        asha = await token(client, person("asha"))
        headers = await acting_for(client, ORCHESTRATION, asha)
        answer = await client.post("/v1/chat/completions", headers=headers, json=CHAT)
        embedded = await client.post(
            "/v1/embeddings", headers=headers, json={"model": "embed", "input": ["Mumbai"]}
        )
        models = await client.get("/v1/models", headers=headers)
        usage = (await client.get("/v1/usage", headers={"Authorization": f"Bearer {asha}"})).json()

    assert (answer.status_code, embedded.status_code, models.status_code) == (200, 200, 200), answer.text
    assert [(r["subject"], r["client_id"]) for r in usage["items"]] == [
        ("asha", "svc_orchestration"),
        ("asha", "svc_orchestration"),
    ]


async def test_a_client_acting_for_nobody_is_charged_itself(settings: PlatformSettings) -> None:
    async with llm_service(settings) as client:
        own = {"Authorization": f"Bearer {await token(client, ORCHESTRATION)}"}
        answer = await client.post("/v1/chat/completions", headers=own, json=CHAT)
        usage = (await client.get("/v1/usage", headers=own)).json()["items"]
        delegate_only = service_client("svc_delegate_only", Permission.LLM_DELEGATE)
        refused = await client.post(
            "/v1/chat/completions",
            headers={"Authorization": f"Bearer {await token(client, delegate_only)}"},
            json=CHAT,
        )

    assert answer.status_code == 200
    assert [(r["subject"], r["client_id"]) for r in usage] == [("svc_orchestration", None)]
    assert refused.status_code == 403, "acting for nobody needs llm:use"


async def test_the_users_quota_is_charged_through_the_delegate(settings: PlatformSettings) -> None:
    policy = msgspec.structs.replace(LlmPolicy(), user_requests_per_minute=1)
    async with llm_service(settings, policy) as client:
        asha, ravi = await token(client, person("asha")), await token(client, person("ravi"))
        first = await client.post(
            "/v1/chat/completions", headers=await acting_for(client, ORCHESTRATION, asha), json=CHAT
        )
        again = await client.post(
            "/v1/chat/completions", headers=await acting_for(client, ORCHESTRATION, asha), json=CHAT
        )
        herself = await client.post(
            "/v1/chat/completions", headers={"Authorization": f"Bearer {asha}"}, json=CHAT
        )
        for_ravi = await client.post(
            "/v1/chat/completions", headers=await acting_for(client, ORCHESTRATION, ravi), json=CHAT
        )

    assert [r.status_code for r in (first, again, herself, for_ravi)] == [200, 429, 429, 200]
    assert again.json()["error"]["type"] == "rate_limit_error"
    assert int(again.headers["retry-after"]) >= 1


async def test_only_a_client_holding_llm_delegate_may_act_for_a_user(settings: PlatformSettings) -> None:
    async with llm_service(settings) as client:
        asha = await token(client, person("asha"))
        no_delegate = service_client("svc_reports", Permission.LLM_USE)
        by_client = await client.post(
            "/v1/chat/completions", headers=await acting_for(client, no_delegate, asha), json=CHAT
        )
        by_user = await client.post(
            "/v1/chat/completions", headers=await acting_for(client, person("ravi"), asha), json=CHAT
        )
        forged_by_outsider = await client.post(
            "/v1/chat/completions", headers=await acting_for(client, no_delegate, "forged"), json=CHAT
        )

    assert (by_client.status_code, by_client.json()["error"]["type"]) == (403, "permission_error")
    assert by_user.status_code == 403, "a user's token never carries llm:delegate"
    assert forged_by_outsider.status_code == 403, "a client that may not delegate learns nothing of tokens"


async def test_the_user_acted_for_is_a_user_who_may_use_models_or_agents(settings: PlatformSettings) -> None:
    async with llm_service(settings) as client:
        customer = await token(client, person("cara", Role.CUSTOMER))  # agents:use, not llm:use
        nobody = await token(
            client, Principal(subject="dora", kind="user", role=Role.CUSTOMER, permissions=frozenset())
        )
        other_client = await token(client, service_client("svc_other"))
        for_customer = await client.post(
            "/v1/chat/completions", headers=await acting_for(client, ORCHESTRATION, customer), json=CHAT
        )
        for_nobody = await client.post(
            "/v1/chat/completions", headers=await acting_for(client, ORCHESTRATION, nobody), json=CHAT
        )
        for_client = await client.post(
            "/v1/chat/completions", headers=await acting_for(client, ORCHESTRATION, other_client), json=CHAT
        )

    assert for_customer.status_code == 200, "a customer's agents answer through models, charged to them"
    assert for_nobody.status_code == 403
    assert for_client.status_code == 403


async def test_a_forged_expired_or_revoked_user_token_is_refused_and_never_logged(
    settings: PlatformSettings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with llm_service(settings) as client:
        asha = person("asha")
        issuer = await client.app.state.dishka_container.get(TokenIssuer)
        expired, _ = await issuer.access_token(
            subject="asha",
            kind="user",
            role=Role.SALES,
            scope=format_scope(asha.permissions),
            customer_id=None,
            decided_at=datetime.now(UTC) - timedelta(hours=1),
        )
        valid = await token(client, asha)
        forged = valid[:-4] + ("AAAA" if not valid.endswith("AAAA") else "BBBB")
        answers = {}
        for name, user_token in (("forged", forged), ("expired", expired), ("garbage", "not-a-jwt")):
            headers = await acting_for(client, ORCHESTRATION, user_token)
            answers[name] = await client.post("/v1/chat/completions", headers=headers, json=CHAT)
        revocations = await client.app.state.dishka_container.get(TokenRevocations)
        await revocations.revoke_subject("asha")
        headers = await acting_for(client, ORCHESTRATION, valid)
        answers["revoked"] = await client.post("/v1/chat/completions", headers=headers, json=CHAT)

    for name, answer in answers.items():
        assert answer.status_code == 401, name
        assert ON_BEHALF_OF in answer.json()["error"]["message"], name
        assert "invalid_token" not in answer.headers["www-authenticate"], "the client's own token is fine"
    for user_token in (forged, expired, valid):
        assert user_token not in caplog.text


def test_the_gateway_passes_the_user_token_to_the_llm_service_only() -> None:
    sent = [(b"authorization", b"Bearer client"), (b"x-bhiv-on-behalf-of", b"user-token")]

    def forwarded_to(service: str) -> list[bytes]:
        headers = upstream_headers(sent, peer="10.0.0.1", peer_trusted=False, scheme="http", service=service)
        return [name for name, _ in headers]

    assert b"x-bhiv-on-behalf-of" in forwarded_to("llm")
    for service in ("logistics", "crm", "orchestration", "integrations"):
        assert b"x-bhiv-on-behalf-of" not in forwarded_to(service)
        assert b"authorization" in forwarded_to(service)
