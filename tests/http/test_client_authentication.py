"""Service clients authenticating at the token endpoints: failures audited, emitted for threat
detection and throttled like logins; successes audited; introspection for clients that may."""

import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.db.tables import audit_log, outbox
from apps._shared.settings import PlatformSettings
from core.domain.access import Permission, Role
from tests.http.platform import Clients, running_platform
from tests.support.identity import STRONG_PASSWORD, create_client, create_user

EMAIL = "dev@example.com"


@pytest.fixture
async def platform(settings: PlatformSettings) -> AsyncIterator[Clients]:
    async with running_platform(settings) as clients:
        await create_user(clients["gateway"].app, EMAIL, Role.ADMIN)
        yield clients


async def rows(settings: PlatformSettings, statement):  # type: ignore[no-untyped-def]
    engine = create_async_engine(settings.database.url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(statement)).all()
    finally:
        await engine.dispose()


def client_grant(client_id: str, secret: str) -> dict[str, object]:
    return {"data": {"grant_type": "client_credentials"}, "auth": (client_id, secret)}


async def test_a_wrong_client_secret_is_audited_and_emitted_for_threat_detection(
    platform: Clients, settings: PlatformSettings
) -> None:
    issued = await create_client(platform["gateway"].app, "billing-sync")

    for endpoint, form in (
        ("/auth/token", {"grant_type": "client_credentials"}),
        ("/auth/introspect", {"token": "x.y.z"}),
        ("/auth/revoke", {"token": "x.y.z"}),
    ):
        answer = await platform["gateway"].post(endpoint, data=form, auth=(issued.client.client_id, "wrong"))
        assert answer.status_code == 401, endpoint

    audited = await rows(
        settings,
        select(audit_log.c.action, audit_log.c.changes).where(audit_log.c.resource_id == issued.client.id),
    )
    events = await rows(
        settings, select(outbox.c.payload).where(outbox.c.event_type == "identity.client_auth_failed")
    )
    assert [action for action, _ in audited].count("client_auth_failed") == 3
    payloads = [json.loads(payload) for (payload,) in events]
    assert len(payloads) == 3
    assert {payload["reason"] for payload in payloads} == {"bad_secret"}
    assert issued.client.client_id not in json.dumps(payloads), "named by its digest only"
    assert "wrong" not in json.dumps([changes for _, changes in audited])


async def test_guessing_a_client_secret_locks_the_client_from_that_address(platform: Clients) -> None:
    issued = await create_client(platform["gateway"].app, "billing-sync")
    for _ in range(5):
        await platform["gateway"].post("/auth/token", **client_grant(issued.client.client_id, "guess"))

    right = await platform["gateway"].post(
        "/auth/token", **client_grant(issued.client.client_id, issued.secret)
    )

    assert right.status_code == 401
    assert right.json()["error"] == "invalid_client"


async def test_issued_client_tokens_and_refresh_exchanges_are_audited(
    platform: Clients, settings: PlatformSettings
) -> None:
    issued = await create_client(platform["gateway"].app, "billing-sync")
    granted = await platform["gateway"].post(
        "/auth/token", **client_grant(issued.client.client_id, issued.secret)
    )
    login = {"grant_type": "password", "username": EMAIL, "password": STRONG_PASSWORD}
    refresh_token = (await platform["gateway"].post("/auth/token", data=login)).json()["refresh_token"]
    refreshed = await platform["gateway"].post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": refresh_token}
    )

    assert (granted.status_code, refreshed.status_code) == (200, 200)
    actions = [action for (action,) in await rows(settings, select(audit_log.c.action))]
    assert "token_issued" in actions
    assert "token_refreshed" in actions


async def test_only_clients_granted_introspection_may_introspect(platform: Clients) -> None:
    gateway = platform["gateway"]
    plain = await create_client(gateway.app, "reporting", Role.OPS, frozenset({Permission.CRM_READ}))
    allowed = await create_client(
        gateway.app, "edge-proxy", Role.OPS, frozenset({Permission.TOKENS_INTROSPECT})
    )
    login = {"grant_type": "password", "username": EMAIL, "password": STRONG_PASSWORD}
    tokens = (await gateway.post("/auth/token", data=login)).json()

    refused = await gateway.post(
        "/auth/introspect",
        data={"token": tokens["refresh_token"]},
        auth=(plain.client.client_id, plain.secret),
    )
    answered = await gateway.post(
        "/auth/introspect",
        data={"token": tokens["refresh_token"]},
        auth=(allowed.client.client_id, allowed.secret),
    )

    assert refused.status_code == 403
    assert refused.json()["error"] == "insufficient_scope"
    assert answered.json()["active"] is True
    assert Permission.TOKENS_INTROSPECT not in tokens["scope"].split(), "never in a user's token"
