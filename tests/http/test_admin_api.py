"""The admin API for users and service clients, through the real gateway app."""

import json
from collections.abc import AsyncIterator, Callable

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.db.tables import audit_log
from apps._shared.settings import PlatformSettings
from apps.gateway.main import create_app
from core.domain.access import Principal, Role, permissions_for
from tests.support.principals import as_principal
from tests.support.wiring import FastHashing

STRONG = "violet-kettle-harbour"
Client = AsyncTestClient  # type: ignore[type-arg]


def principal(role: Role) -> Principal:
    return Principal(subject=f"{role}-1", kind="user", role=role, permissions=permissions_for(role))


@pytest.fixture
def client_as(settings: PlatformSettings) -> Callable[[Role], Client]:
    def build(role: Role) -> Client:
        app = create_app(settings, FastHashing())
        return AsyncTestClient(as_principal(app, principal(role)))

    return build


@pytest.fixture
async def admin(client_as: Callable[[Role], Client]) -> AsyncIterator[Client]:
    async with client_as(Role.ADMIN) as client:
        yield client


def new_user(email: str = "priya@example.com", **changes: object) -> dict[str, object]:
    return {"email": email, "password": STRONG, "role": "ops", "display_name": "Priya", **changes}


def assert_problem(response, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


async def audit_of(settings: PlatformSettings, resource_id: str) -> list[tuple[str, str]]:
    engine = create_async_engine(settings.database.url)
    statement = (
        select(audit_log.c.action, audit_log.c.actor_id, audit_log.c.changes)
        .where(audit_log.c.resource_id == resource_id)
        .order_by(audit_log.c.seq)
    )
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    await engine.dispose()
    for row in rows:
        assert "argon2" not in row.changes
    return [(row.action, row.actor_id) for row in rows]


async def test_an_admin_creates_reads_lists_changes_disables_and_resets_a_user(
    admin: Client, settings: PlatformSettings
) -> None:
    created = await admin.post("/api/admin/users", json=new_user(" Priya@Example.com "))
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["email"] == "priya@example.com"
    assert user["status"] == "active"
    user_id = user["id"]

    assert (await admin.get(f"/api/admin/users/{user_id}")).json() == user
    listed = (await admin.get("/api/admin/users", params={"role": "ops"})).json()
    assert [item["id"] for item in listed["items"]] == [user_id]
    assert (await admin.get("/api/admin/users", params={"role": "sales"})).json()["items"] == []

    changed = await admin.patch(f"/api/admin/users/{user_id}", json={"role": "sales"})
    assert changed.json()["role"] == "sales"
    reset = await admin.post(
        f"/api/admin/users/{user_id}/password", json={"password": "another-long-passphrase"}
    )
    assert reset.status_code == 204
    disabled = await admin.post(f"/api/admin/users/{user_id}/disable")
    assert disabled.json()["status"] == "disabled"

    for response in (created, changed, disabled):
        assert "hash" not in response.text
    actions = await audit_of(settings, user_id)
    assert actions == [
        ("create", "admin-1"),
        ("role_changed", "admin-1"),
        ("password_reset", "admin-1"),
        ("disable", "admin-1"),
    ]


@pytest.mark.parametrize("role", [Role.OPS, Role.SALES, Role.SUPPORT, Role.CUSTOMER])
async def test_every_other_role_is_forbidden(client_as: Callable[[Role], Client], role: Role) -> None:
    async with client_as(role) as client:
        assert_problem(await client.get("/api/admin/users"), 403, "forbidden")
        assert_problem(await client.post("/api/admin/users", json=new_user()), 403, "forbidden")
        assert_problem(
            await client.post("/api/admin/clients", json={"name": "x", "role": "ops"}), 403, "forbidden"
        )


async def test_a_weak_password_is_a_422_naming_the_rule(admin: Client) -> None:
    response = await admin.post("/api/admin/users", json=new_user(password="password1234"))
    assert_problem(response, 422, "weak_password")


async def test_a_second_user_with_the_same_email_is_a_conflict(admin: Client) -> None:
    assert (await admin.post("/api/admin/users", json=new_user())).status_code == 201
    assert_problem(await admin.post("/api/admin/users", json=new_user("PRIYA@example.com")), 409, "conflict")


async def test_the_customer_link_rule_holds_both_ways(admin: Client) -> None:
    assert_problem(await admin.post("/api/admin/users", json=new_user(role="customer")), 422, "rule_violated")
    with_link = new_user(role="sales", customer_id="cust-7")
    assert_problem(await admin.post("/api/admin/users", json=with_link), 422, "rule_violated")
    # A customer login linked to a customer that CRM has: tests/http/test_customer_logins.py


async def test_an_unknown_user_is_a_404(admin: Client) -> None:
    assert_problem(await admin.get("/api/admin/users/nobody"), 404, "not_found")


async def test_a_client_secret_is_shown_once_and_never_its_hash(
    admin: Client, settings: PlatformSettings
) -> None:
    created = await admin.post(
        "/api/admin/clients", json={"name": "billing sync", "role": "ops", "scopes": ["logistics:read"]}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert len(body["client_secret"]) >= 40
    client = body["client"]
    assert client["scopes"] == ["logistics:read"]

    listed = await admin.get("/api/admin/clients")
    assert [item["id"] for item in listed.json()["items"]] == [client["id"]]
    assert body["client_secret"] not in listed.text
    disabled = await admin.post(f"/api/admin/clients/{client['id']}/disable")
    assert disabled.json()["status"] == "disabled"
    for response in (created, listed, disabled):
        assert "hash" not in response.text
        assert "argon2" not in response.text
    assert [action for action, _ in await audit_of(settings, client["id"])] == ["create", "disable"]


async def test_a_client_cannot_get_scopes_beyond_its_role(admin: Client) -> None:
    response = await admin.post(
        "/api/admin/clients", json={"name": "x", "role": "ops", "scopes": ["users:manage"]}
    )
    assert_problem(response, 422, "rule_violated")


async def test_every_admin_route_declares_users_manage_and_documents_its_rules(admin: Client) -> None:
    document = (await admin.get("/openapi/openapi.json")).json()
    admin_paths = {path: ops for path, ops in document["paths"].items() if path.startswith("/api/admin/")}
    operations = [op for ops in admin_paths.values() for op in ops.values() if isinstance(op, dict)]
    assert len(operations) >= 9
    assert all(op.get("operationId") and op.get("description") for op in operations)
    assert json.dumps(admin_paths).count("password_hash") == 0
