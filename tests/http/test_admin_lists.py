"""Every admin list answers ``{"items": [...], "next_cursor": ...}`` and takes ``?limit=`` and
``?after=``, through the real gateway app: paging with a small limit visits every item once, in
the list's order, and a bad limit or cursor is a 422 problem saying what is wrong."""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.engine import create_engine
from adapters.db.tables import audit_log
from adapters.system.clock import Uuid7IdGenerator
from apps._shared.settings import PlatformSettings
from apps.gateway.main import create_app
from core.domain.access import Principal, Role, permissions_for
from core.domain.threat.model import Alert, AttackKind, ThreatEvent, Verdict
from tests.support.principals import as_principal
from tests.support.threat_records import stored
from tests.support.wiring import FastHashing

ADMIN = Principal(subject="admin-1", kind="user", role=Role.ADMIN, permissions=permissions_for(Role.ADMIN))
T0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
Client = AsyncTestClient  # type: ignore[type-arg]
Seed = Callable[[Client, AsyncEngine], Awaitable[list[str]]]
_ids = Uuid7IdGenerator()


@pytest.fixture
async def admin(settings: PlatformSettings) -> AsyncIterator[Client]:
    async with AsyncTestClient(as_principal(create_app(settings, FastHashing()), ADMIN)) as client:
        yield client


@pytest.fixture
async def engine(settings: PlatformSettings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings.database)
    yield engine
    await engine.dispose()


def new_user(n: int) -> dict[str, str]:
    return {"email": f"u{n}@x.io", "password": "violet-kettle-harbour", "role": "ops", "display_name": "U"}


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def users(admin: Client, engine: AsyncEngine) -> list[str]:
    """Oldest first."""
    made = [created(await admin.post("/api/admin/users", json=new_user(n))) for n in range(5)]
    return [user["id"] for user in made]


async def clients(admin: Client, engine: AsyncEngine) -> list[str]:
    """Oldest first."""
    made = [
        created(await admin.post("/api/admin/clients", json={"name": f"c{n}", "role": "ops"}))
        for n in range(5)
    ]
    return [issued["client"]["id"] for issued in made]


async def audit(admin: Client, engine: AsyncEngine) -> list[str]:
    """Newest first: each client created above is one audit record."""
    await clients(admin, engine)
    statement = select(audit_log.c.id).order_by(audit_log.c.occurred_at.desc(), audit_log.c.id.desc())
    async with engine.connect() as connection:
        return list((await connection.execute(statement)).scalars())


async def threats(admin: Client, engine: AsyncEngine) -> list[str]:
    """Newest first."""
    events = [
        ThreatEvent(
            id=_ids.new_id(),
            occurred_at=T0 + timedelta(minutes=minute),
            ip="203.0.113.5",
            verdict=Verdict.BLOCK_REQUEST,
            severity="high",
            kind=AttackKind.SQLI,
            score=0.9,
            findings=[],
        )
        for minute in (2, 0, 4, 1, 3)
    ]
    for event in events:
        await stored(engine, event)
    return [event.id for event in sorted(events, key=lambda event: event.occurred_at, reverse=True)]


async def blocks(admin: Client, engine: AsyncEngine) -> list[str]:
    """By subject."""
    ips = ["203.0.113.9", "198.51.100.4", "203.0.113.10", "192.0.2.200", "198.51.100.31"]
    for ip in ips:
        created(
            await admin.post("/api/admin/blocks", json={"ip": ip, "duration_seconds": 600, "reason": "test"})
        )
    return sorted(ips)


async def alerts(admin: Client, engine: AsyncEngine) -> list[str]:
    """Newest first."""
    made = [
        Alert(
            id=_ids.new_id(),
            created_at=T0 + timedelta(minutes=minute),
            ip="203.0.113.5",
            severity="high",
            kind=AttackKind.SQLI,
            summary="blocked",
            evidence=[],
        )
        for minute in (1, 4, 0, 3, 2)
    ]
    for alert in made:
        await stored(engine, alert)
    return [alert.id for alert in sorted(made, key=lambda alert: alert.created_at, reverse=True)]


LISTS: dict[str, tuple[Seed, str]] = {
    "/api/admin/users": (users, "id"),
    "/api/admin/clients": (clients, "id"),
    "/api/admin/audit": (audit, "id"),
    "/api/admin/threats": (threats, "id"),
    "/api/admin/blocks": (blocks, "subject"),
    "/api/admin/alerts": (alerts, "id"),
}


@pytest.mark.parametrize("path", LISTS)
async def test_paging_with_a_small_limit_visits_every_item_once_in_order(
    admin: Client, engine: AsyncEngine, path: str
) -> None:
    seed, key = LISTS[path]
    expected = await seed(admin, engine)

    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 2}
    while True:
        response = await admin.get(path, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"items", "next_cursor"}
        assert len(body["items"]) <= 2
        seen += [item[key] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        params["after"] = body["next_cursor"]

    assert len(expected) >= 5
    assert seen == expected


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("params", "code", "detail"),
    [
        ({"limit": 0}, "validation_failed", "limit: Expected `int` >= 1"),
        ({"limit": 201}, "validation_failed", "limit: Expected `int` <= 200"),
        ({"after": "not-a-cursor"}, "rule_violated", "after is not a cursor this API returned"),
    ],
)
async def test_a_bad_limit_or_cursor_is_a_422_problem_saying_which(
    admin: Client, path: str, params: dict[str, str | int], code: str, detail: str
) -> None:
    response = await admin.get(path, params=params)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (response.json()["code"], response.json()["detail"]) == (code, detail)


async def test_every_list_documents_its_page_parameters_and_shape(admin: Client) -> None:
    document = (await admin.get("/openapi/openapi.json")).json()

    for path in LISTS:
        operation = document["paths"][path]["get"]
        parameters = {parameter["name"]: parameter["schema"] for parameter in operation["parameters"]}
        assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, 200), path
        assert parameters["limit"]["default"] == 50, path
        assert "after" in parameters, path
        reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        schema = document["components"]["schemas"][reference.rsplit("/", 1)[1]]
        assert set(schema["properties"]) == {"items", "next_cursor"}, path
