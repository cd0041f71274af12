"""Sessions as users and admins live them through the gateway: what ends them, what a user does
for themselves, and what a token's scope may and may not mean."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from apps._shared.settings import PlatformSettings
from apps.services import SERVICES
from core.domain.access import Role
from core.domain.identity.model import ServiceClient, UserStatus
from core.domain.identity.oauth import TokenIssuer
from core.ports.identity import IdentityUnitOfWork
from tests.http.platform import Clients, running_platform
from tests.support.identity import STRONG_PASSWORD, create_user

ADMIN_EMAIL = "root@example.com"
EMAIL = "kavya@example.com"
NEW_PASSWORD = "quartz-lantern-meadow"


@pytest.fixture
async def platform(settings: PlatformSettings) -> AsyncIterator[Clients]:
    async with running_platform(settings) as clients:
        await create_user(clients["gateway"].app, ADMIN_EMAIL, Role.ADMIN)
        await create_user(clients["gateway"].app, EMAIL, Role.SALES)
        yield clients


async def sign_in(platform: Clients, email: str = EMAIL, password: str = STRONG_PASSWORD) -> dict[str, str]:
    form = {"grant_type": "password", "username": email, "password": password}
    response = await platform["gateway"].post("/auth/token", data=form)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def refresh(platform: Clients, refresh_token: str) -> int | str:
    """200, or the RFC 6749 error code of the refusal."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    response = await platform["gateway"].post("/auth/token", data=form)
    return 200 if response.status_code == 200 else response.json()["error"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def whoami(platform: Clients, token: str, service: str = "crm") -> int:
    return (await platform[service].get("/v1/whoami", headers=bearer(token))).status_code


async def user_id(platform: Clients, admin: str, email: str = EMAIL) -> str:
    users = await platform["gateway"].get("/api/admin/users/", headers=bearer(admin))
    return next(user["id"] for user in users.json()["items"] if user["email"] == email)


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("POST", "/password", {"password": NEW_PASSWORD}),
        ("PATCH", "", {"role": "support"}),
        ("POST", "/disable", None),
    ],
    ids=["password reset", "role change", "disable"],
)
async def test_an_admins_change_to_a_user_ends_every_refresh_token_it_holds(
    platform: Clients, method: str, suffix: str, body: dict[str, str] | None
) -> None:
    stolen = await sign_in(platform)
    admin = (await sign_in(platform, ADMIN_EMAIL))["access_token"]
    target = await user_id(platform, admin)

    changed = await platform["gateway"].request(
        method, f"/api/admin/users/{target}{suffix}", json=body, headers=bearer(admin)
    )

    assert changed.status_code in {200, 204}, changed.text
    assert await refresh(platform, stolen["refresh_token"]) == "invalid_grant"
    assert await whoami(platform, stolen["access_token"]) == 401


async def test_sign_ins_right_after_a_role_change_all_work(platform: Clients) -> None:
    admin = (await sign_in(platform, ADMIN_EMAIL))["access_token"]
    target = await user_id(platform, admin)
    changed = await platform["gateway"].patch(
        f"/api/admin/users/{target}", json={"role": "support"}, headers=bearer(admin)
    )
    assert changed.status_code == 200

    tokens = [(await sign_in(platform))["access_token"] for _ in range(5)]

    assert [await whoami(platform, token) for token in tokens] == [200] * 5


async def test_a_user_changes_their_own_password_and_every_other_session_ends(platform: Clients) -> None:
    other_device = await sign_in(platform)
    this_device = await sign_in(platform)

    changed = await platform["gateway"].post(
        "/auth/me/password",
        json={"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(this_device["access_token"]),
    )

    assert changed.status_code == 200, changed.text
    assert changed.headers["cache-control"] == "no-store"
    fresh = changed.json()
    assert set(fresh["scope"].split()) == set(this_device["scope"].split())
    assert await whoami(platform, fresh["access_token"]) == 200
    assert await refresh(platform, fresh["refresh_token"]) == 200
    for old in (other_device, this_device):
        assert await whoami(platform, old["access_token"]) == 401
        assert await refresh(platform, old["refresh_token"]) == "invalid_grant"
    assert (await sign_in(platform, password=NEW_PASSWORD))["access_token"]


async def test_changing_ones_password_needs_the_current_one_and_a_strong_new_one(platform: Clients) -> None:
    token = (await sign_in(platform))["access_token"]

    wrong = await platform["gateway"].post(
        "/auth/me/password",
        json={"current_password": "not-my-password-at-all", "new_password": NEW_PASSWORD},
        headers=bearer(token),
    )
    weak = await platform["gateway"].post(
        "/auth/me/password",
        json={"current_password": STRONG_PASSWORD, "new_password": "password123"},
        headers=bearer(token),
    )

    assert wrong.status_code == 403
    assert wrong.json()["code"] == "wrong_current_password"
    assert weak.status_code == 422
    assert weak.json()["code"] == "weak_password"
    assert await whoami(platform, token) == 200, "a refused change ends nothing"


async def test_guessing_the_current_password_with_a_stolen_token_locks_like_a_login(
    platform: Clients,
) -> None:
    token = (await sign_in(platform))["access_token"]
    for _ in range(5):
        await platform["gateway"].post(
            "/auth/me/password",
            json={"current_password": "guess-number-something", "new_password": NEW_PASSWORD},
            headers=bearer(token),
        )

    right = await platform["gateway"].post(
        "/auth/me/password",
        json={"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(token),
    )

    assert right.status_code == 403


async def test_signing_out_everywhere_ends_every_session(platform: Clients) -> None:
    laptop = await sign_in(platform)
    phone = await sign_in(platform)

    signed_out = await platform["gateway"].post("/auth/logout-all", headers=bearer(phone["access_token"]))

    assert signed_out.status_code == 204
    for session in (laptop, phone):
        for service in SERVICES:
            assert await whoami(platform, session["access_token"], service) == 401
        assert await refresh(platform, session["refresh_token"]) == "invalid_grant"
    assert await whoami(platform, (await sign_in(platform))["access_token"]) == 200


async def test_a_service_client_with_no_scopes_is_refused_at_creation(platform: Clients) -> None:
    admin = (await sign_in(platform, ADMIN_EMAIL))["access_token"]

    created = await platform["gateway"].post(
        "/api/admin/clients/", json={"name": "etl", "role": "admin", "scopes": []}, headers=bearer(admin)
    )
    by_role = await platform["gateway"].post(
        "/api/admin/clients/", json={"name": "etl", "role": "ops"}, headers=bearer(admin)
    )

    assert created.status_code == 422
    assert by_role.status_code == 201
    assert set(by_role.json()["client"]["scopes"]) == {
        "logistics:read",
        "logistics:write",
        "crm:read",
        "agents:use",
        "llm:use",
        "llm:delegate",
        "integrations:manage",
        "platform:observe",
        "tokens:introspect",
    }


async def test_a_stored_client_with_no_scopes_gets_no_token(platform: Clients) -> None:
    """A row written before this rule (or around it) cannot turn an empty scope into a role."""
    gateway = platform["gateway"].app
    async with gateway.state.dishka_container() as container:
        uow = await container.get(IdentityUnitOfWork)
        async with uow:
            await uow.clients.add(
                ServiceClient(
                    id="client-without-scopes",
                    client_id="svc_empty",
                    name="legacy",
                    secret_hash=(await uow.users.get_by_email(EMAIL)).password_hash,  # type: ignore[union-attr]
                    role=Role.ADMIN,
                    scopes=frozenset(),
                    status=UserStatus.ACTIVE,
                    created_at=datetime.now(UTC),
                )
            )
            await uow.commit()

    response = await platform["gateway"].post(
        "/auth/token",
        data={"grant_type": "client_credentials"},
        auth=("svc_empty", STRONG_PASSWORD),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


async def test_a_token_with_an_empty_scope_may_do_nothing(platform: Clients) -> None:
    issuer = await platform["gateway"].app.state.dishka_container.get(TokenIssuer)
    token, _ = await issuer.access_token(
        subject="svc_x", kind="client", role=Role.ADMIN, scope="", customer_id=None
    )

    created = await platform["gateway"].post(
        "/api/admin/users/",
        json={"email": "x@example.com", "password": NEW_PASSWORD, "role": "admin", "display_name": "X"},
        headers=bearer(token),
    )

    assert created.status_code == 403


async def test_a_permission_only_a_newer_gateway_knows_is_ignored_by_every_service(
    platform: Clients,
) -> None:
    issuer = await platform["gateway"].app.state.dishka_container.get(TokenIssuer)
    token, _ = await issuer.access_token(
        subject="u-future", kind="user", role=Role.SALES, scope="crm:read reports:export", customer_id=None
    )

    for service in SERVICES:
        response = await platform[service].get("/v1/whoami", headers=bearer(token))
        assert response.status_code == 200, (service, response.text)
        assert response.json()["permissions"] == ["crm:read"]


async def test_an_admin_lifts_a_users_login_locks(platform: Clients) -> None:
    for _ in range(6):
        form = {"grant_type": "password", "username": EMAIL, "password": "not-the-password-at-all"}
        await platform["gateway"].post("/auth/token", data=form)
    locked = await platform["gateway"].post(
        "/auth/token", data={"grant_type": "password", "username": EMAIL, "password": STRONG_PASSWORD}
    )
    admin = (await sign_in(platform, ADMIN_EMAIL))["access_token"]

    lifted = await platform["gateway"].delete(
        f"/api/admin/users/{await user_id(platform, admin)}/lock", headers=bearer(admin)
    )
    unknown = await platform["gateway"].delete("/api/admin/users/nobody/lock", headers=bearer(admin))

    assert locked.status_code == 400
    assert (lifted.status_code, unknown.status_code) == (204, 404)
    assert (await sign_in(platform))["access_token"]
