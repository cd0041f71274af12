"""The OAuth 2.0 server in the gateway, and token verification in every service."""

from collections.abc import AsyncIterator

import pytest

from apps._shared.settings import PlatformSettings
from apps.services import SERVICES
from core.domain.access import Permission, Role, permissions_for
from core.domain.audit.model import Actor, Invocation
from core.domain.identity.use_cases import DisableUser
from core.ports.tokens import SigningKeys
from tests.http.platform import Clients, running_platform
from tests.support.identity import STRONG_PASSWORD, create_client, create_user

EMAIL = "meera@example.com"


@pytest.fixture
async def platform(settings: PlatformSettings) -> AsyncIterator[Clients]:
    async with running_platform(settings) as clients:
        await create_user(clients["gateway"].app, EMAIL, Role.SALES)
        yield clients


async def password_login(platform: Clients, password: str = STRONG_PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    form = {"grant_type": "password", "username": EMAIL, "password": password, **extra}
    return await platform["gateway"].post("/auth/token", data=form)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_password_login_gives_a_token_every_service_accepts(platform: Clients) -> None:
    response = await password_login(platform)

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 900
    assert set(tokens["scope"].split()) == permissions_for(Role.SALES)
    for service in SERVICES:
        whoami = await platform[service].get("/v1/whoami", headers=bearer(tokens["access_token"]))
        assert whoami.status_code == 200, (service, whoami.text)
        assert whoami.json()["role"] == "sales"
        assert whoami.json()["service"] == service


async def test_a_narrower_scope_can_be_asked_for_but_not_a_wider_one(platform: Clients) -> None:
    narrow = await password_login(platform, scope="crm:read")
    wide = await password_login(platform, scope="crm:read users:manage")
    assert narrow.json()["scope"] == "crm:read"
    assert wide.status_code == 400
    assert wide.json()["error"] == "invalid_scope"


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(platform: Clients) -> None:
    wrong = await password_login(platform, password="not-the-password-at-all")
    unknown = await platform["gateway"].post(
        "/auth/token",
        data={"grant_type": "password", "username": "nobody@example.com", "password": STRONG_PASSWORD},
    )
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
        ({"grant_type": "password", "username": EMAIL}, "invalid_request"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"username": EMAIL}, "invalid_request"),
    ],
)
async def test_malformed_token_requests_get_rfc_6749_errors(platform: Clients, form, error) -> None:  # type: ignore[no-untyped-def]
    response = await platform["gateway"].post("/auth/token", data=form)
    assert response.status_code == 400
    assert response.json()["error"] == error


async def test_a_refresh_token_works_once_and_its_reuse_revokes_the_family(platform: Clients) -> None:
    gateway = platform["gateway"]
    first = (await password_login(platform)).json()

    rotated = await gateway.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]

    reused = await gateway.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    after_theft = await gateway.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": second["refresh_token"]}
    )
    assert after_theft.json()["error"] == "invalid_grant", "the whole family dies on reuse"


async def test_a_revoked_access_token_is_refused_by_every_service(platform: Clients) -> None:
    token = (await password_login(platform)).json()["access_token"]

    revoked = await platform["gateway"].post("/auth/revoke", data={"token": token})

    assert revoked.status_code == 200
    for service in SERVICES:
        response = await platform[service].get("/v1/whoami", headers=bearer(token))
        assert response.status_code == 401, service
        assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def test_revoking_a_refresh_token_ends_its_family(platform: Clients) -> None:
    refresh = (await password_login(platform)).json()["refresh_token"]
    await platform["gateway"].post(
        "/auth/revoke", data={"token": refresh, "token_type_hint": "refresh_token"}
    )
    response = await platform["gateway"].post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": refresh}
    )
    assert response.json()["error"] == "invalid_grant"


async def test_revoking_an_unknown_token_is_answered_like_a_revoked_one(platform: Clients) -> None:
    response = await platform["gateway"].post("/auth/revoke", data={"token": "no-such-token"})
    assert response.status_code == 200


async def test_a_service_client_gets_a_scoped_token_with_client_credentials(platform: Clients) -> None:
    gateway = platform["gateway"]
    issued = await create_client(
        gateway.app, "billing-sync", Role.OPS, frozenset({Permission.LOGISTICS_READ})
    )
    client_id, secret = issued.client.client_id, issued.secret

    granted = await gateway.post(
        "/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    too_wide = await gateway.post(
        "/auth/token",
        data={"grant_type": "client_credentials", "scope": "logistics:write"},
        auth=(client_id, secret),
    )
    wrong_secret = await gateway.post(
        "/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, "guess")
    )

    assert granted.status_code == 200, granted.text
    assert granted.json()["scope"] == "logistics:read"
    assert "refresh_token" not in granted.json() or granted.json()["refresh_token"] is None
    whoami = await platform["logistics"].get("/v1/whoami", headers=bearer(granted.json()["access_token"]))
    assert whoami.json()["kind"] == "client"
    assert too_wide.json()["error"] == "invalid_scope"
    assert wrong_secret.status_code == 401
    assert wrong_secret.json()["error"] == "invalid_client"
    assert wrong_secret.headers["www-authenticate"].startswith("Basic")


async def test_introspection_answers_authenticated_clients_only(platform: Clients) -> None:
    gateway = platform["gateway"]
    issued = await create_client(gateway.app, "api-gateway-peer")
    credentials = (issued.client.client_id, issued.secret)
    tokens = (await password_login(platform)).json()

    anonymous = await gateway.post("/auth/introspect", data={"token": tokens["access_token"]})
    active = await gateway.post("/auth/introspect", data={"token": tokens["access_token"]}, auth=credentials)
    refresh = await gateway.post(
        "/auth/introspect", data={"token": tokens["refresh_token"]}, auth=credentials
    )
    await gateway.post("/auth/revoke", data={"token": tokens["access_token"]})
    revoked = await gateway.post("/auth/introspect", data={"token": tokens["access_token"]}, auth=credentials)

    assert anonymous.status_code == 401
    assert active.json()["active"] is True
    assert active.json()["role"] == "sales"
    assert refresh.json()["token_type"] == "refresh_token"
    assert revoked.json() == {"active": False}


async def test_disabling_a_user_stops_their_tokens_at_once(platform: Clients) -> None:
    gateway = platform["gateway"]
    tokens = (await password_login(platform)).json()
    user_id = (await gateway.get("/auth/me", headers=bearer(tokens["access_token"]))).json()["subject"]

    async with gateway.app.state.dishka_container() as container:
        await (await container.get(DisableUser)).execute(user_id, Invocation(actor=Actor.system("tests")))

    assert (
        await platform["crm"].get("/v1/whoami", headers=bearer(tokens["access_token"]))
    ).status_code == 401
    refreshed = await gateway.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.json()["error"] == "invalid_grant"
    assert (await password_login(platform)).json()["error"] == "invalid_grant"


async def test_me_describes_the_signed_in_user(platform: Clients) -> None:
    token = (await password_login(platform)).json()["access_token"]
    me = (await platform["gateway"].get("/auth/me", headers=bearer(token))).json()
    assert me["email"] == EMAIL
    assert me["role"] == "sales"
    assert "password_hash" not in me


async def test_the_server_publishes_rfc_8414_metadata_and_its_public_keys(platform: Clients) -> None:
    gateway = platform["gateway"]
    metadata = (await gateway.get("/.well-known/oauth-authorization-server")).json()
    jwks = (await gateway.get("/.well-known/jwks.json")).json()

    assert metadata["token_endpoint"].endswith("/auth/token")
    assert set(metadata["grant_types_supported"]) == {"password", "client_credentials", "refresh_token"}
    assert [key["kty"] for key in jwks["keys"]] == ["EC"]
    assert all("d" not in key for key in jwks["keys"]), "never a private key"


async def test_a_key_rotation_keeps_earlier_tokens_valid(platform: Clients) -> None:
    gateway = platform["gateway"]
    before = (await password_login(platform)).json()["access_token"]

    new_kid = await (await gateway.app.state.dishka_container.get(SigningKeys)).rotate()
    after = (await password_login(platform)).json()["access_token"]

    jwks = (await gateway.get("/.well-known/jwks.json")).json()
    assert {key["kid"] for key in jwks["keys"]} >= {new_kid}
    assert len(jwks["keys"]) == 2
    for token in (before, after):
        assert (await platform["crm"].get("/v1/whoami", headers=bearer(token))).status_code == 200
