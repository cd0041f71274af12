"""``/api/admin/audit``: admins search the audit log and verify its chains over HTTP."""

import inspect
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from litestar.testing import AsyncTestClient

from adapters.db.engine import create_engine, session_factory
from adapters.db.uow import SqlUnitOfWork
from adapters.http.audit.controller import AuditController
from apps._shared.app import ServiceSpec, build_service_app
from apps._shared.settings import PlatformSettings
from apps.gateway import main as gateway
from apps.services import create_service_app
from core.domain.access import Principal, Role, permissions_for
from core.domain.audit.model import Actor, AuditEntry, FieldChange
from core.domain.audit.use_cases import SearchAudit
from tests.support.principals import as_principal

T0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
SPEC = ServiceSpec(
    name="gateway",
    title="audit",
    description="the gateway's audit routes alone",
    route_handlers=[AuditController],
    providers=gateway.SPEC.providers,
    serves_own_audit=False,
)


def principal(role: Role) -> Principal:
    return Principal(subject=f"{role}-1", kind="user", role=role, permissions=permissions_for(role))


@pytest.fixture
async def workload(settings: PlatformSettings) -> list[str]:
    """Six committed changes on the gateway chain; their actions, oldest first."""
    actions = ["create", "update", "update", "delete", "create", "update"]
    engine = create_engine(settings.database)
    try:
        for n, action in enumerate(actions):
            async with SqlUnitOfWork(session_factory(engine), audit_chain="gateway") as uow:
                uow.audit.record(
                    AuditEntry(
                        action=action,
                        resource_type="user",
                        resource_id=f"u-{n % 2}",
                        actor=Actor(id="admin-1", kind="user", role="admin"),
                        occurred_at=T0 + timedelta(minutes=n),
                        changes={"email": FieldChange(before=None, after=f"{n}@x.io")},
                    )
                )
                await uow.commit()
    finally:
        await engine.dispose()
    return actions


async def client_for(settings: PlatformSettings, role: Role = Role.ADMIN) -> AsyncTestClient:
    app = build_service_app(SPEC, settings)
    return AsyncTestClient(as_principal(app, principal(role)))


@pytest.fixture
async def admin(settings: PlatformSettings) -> AsyncIterator[AsyncTestClient]:
    async with await client_for(settings) as client:
        yield client


def test_the_gateway_serves_the_audit_routes() -> None:
    assert AuditController in gateway.SPEC.route_handlers


async def test_search_pages_through_records_newest_first(admin: AsyncTestClient, workload: list[str]) -> None:
    seen: list[int] = []
    params: dict[str, str | int] = {"limit": 4}
    while True:
        response = await admin.get("/api/admin/audit", params=params)
        assert response.status_code == 200
        body = response.json()
        seen += [record["seq"] for record in body["items"]]
        if body["next_cursor"] is None:
            break
        params["after"] = body["next_cursor"]

    assert seen == [6, 5, 4, 3, 2, 1]


async def test_search_filters_by_actor_resource_action_and_time(
    admin: AsyncTestClient, workload: list[str]
) -> None:
    params = {
        "actor_id": "admin-1",
        "resource_type": "user",
        "resource_id": "u-1",
        "action": "update",
        "since": (T0 + timedelta(minutes=2)).isoformat(),
        "until": (T0 + timedelta(minutes=6)).isoformat(),
    }
    response = await admin.get("/api/admin/audit", params=params)

    assert response.status_code == 200
    [record] = response.json()["items"]
    assert (record["seq"], record["entry"]["action"], record["entry"]["resource_id"]) == (6, "update", "u-1")
    assert record["entry"]["changes"] == {"email": {"before": None, "after": "5@x.io", "redacted": False}}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"limit": 0}, 422),
        ({"limit": 201}, 422),
        ({"since": "yesterday"}, 422),
        ({"since": "2024-06-01T12:00:00"}, 422),
        ({"since": "2024-06-02T00:00:00Z", "until": "2024-06-01T00:00:00Z"}, 422),
        ({"after": "not-a-cursor"}, 422),
    ],
)
async def test_bad_search_parameters_are_problems(
    admin: AsyncTestClient, params: dict[str, str | int], status: int
) -> None:
    response = await admin.get("/api/admin/audit", params=params)

    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_verify_reports_each_chain_and_its_head_hash(
    admin: AsyncTestClient, workload: list[str]
) -> None:
    response = await admin.get("/api/admin/audit/verify")

    assert response.status_code == 200
    body = response.json()
    newest = (await admin.get("/api/admin/audit", params={"limit": 1})).json()["items"][0]
    assert body == {
        "ok": True,
        "chains": [
            {"chain": "gateway", "ok": True, "records": 6, "head_hash": newest["hash"], "broken": None}
        ],
    }


async def test_verify_names_the_first_broken_link_after_tampering(
    admin: AsyncTestClient, settings: PlatformSettings, workload: list[str]
) -> None:
    path = settings.database.url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("UPDATE audit_log SET action = 'read' WHERE seq = 2")
        [record_id] = db.execute("SELECT id FROM audit_log WHERE seq = 2").fetchone()

    body = (await admin.get("/api/admin/audit/verify", params={"chain": "gateway"})).json()

    assert body["ok"] is False
    broken = body["chains"][0]["broken"]
    assert (broken["seq"], broken["record_id"]) == (2, record_id)


async def test_verifying_an_unknown_chain_is_404(admin: AsyncTestClient, workload: list[str]) -> None:
    response = await admin.get("/api/admin/audit/verify", params={"chain": "warehouse"})
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/api/admin/audit", "/api/admin/audit/verify"])
async def test_only_callers_with_audit_read_may_call(settings: PlatformSettings, path: str) -> None:
    async with await client_for(settings, Role.SALES) as client:
        response = await client.get(path)
    assert response.status_code == 403


async def test_the_openapi_description_is_the_use_cases_rules(admin: AsyncTestClient) -> None:
    document = (await admin.get("/openapi/openapi.json")).json()
    operation = document["paths"]["/api/admin/audit"]["get"]
    assert operation["operationId"] == "SearchAudit"
    assert operation["description"].startswith(inspect.getdoc(SearchAudit))
    assert operation["description"].endswith("Requires the `audit:read` permission.")


async def test_a_service_serves_its_own_chain_and_only_that(settings: PlatformSettings) -> None:
    """``/v1/audit`` on logistics: its chain, whatever ``chain`` asks for; the gateway's stays out."""
    engine = create_engine(settings.database)
    try:
        for chain in ("gateway", "logistics"):
            async with SqlUnitOfWork(session_factory(engine), audit_chain=chain) as uow:
                actor = Actor(id="a", kind="user", role="admin")
                uow.audit.record(
                    AuditEntry(
                        action="create",
                        resource_type="thing",
                        resource_id=f"{chain}-1",
                        actor=actor,
                        occurred_at=T0,
                    )
                )
                await uow.commit()
    finally:
        await engine.dispose()
    app = as_principal(create_service_app("logistics", settings), principal(Role.ADMIN))

    async with AsyncTestClient(app) as logistics:
        own = (await logistics.get("/v1/audit")).json()["items"]
        asked_for_other = (await logistics.get("/v1/audit", params={"chain": "gateway"})).json()["items"]
        verified = (await logistics.get("/v1/audit/verify")).json()

    assert [record["entry"]["resource_id"] for record in own] == ["logistics-1"]
    assert [record["chain"] for record in asked_for_other] == ["logistics"]
    assert [chain["chain"] for chain in verified["chains"]] == ["logistics"]
