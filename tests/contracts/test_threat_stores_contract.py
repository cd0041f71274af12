"""Contract of ThreatEventStore.search and AlertStore.recent: newest first, in pages that visit
every item once, on SQLite and PostgreSQL.

The PostgreSQL database is shared by the session and threat rows are not emptied between tests,
so each test names its own IP and looks only at what it wrote."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from adapters.db.threat.stores import SqlAlertStore, SqlThreatEventStore
from adapters.system.clock import Uuid7IdGenerator
from core.domain.errors import RuleViolated
from core.domain.threat.model import Alert, AttackKind, Finding, Location, ThreatEvent, Verdict
from core.ports.pagination import Page, PageRequest
from core.ports.threat import ThreatEventFilter
from tests.contracts.db_fixtures import Database
from tests.support.threat_records import stored

T0 = datetime(2030, 1, 1, tzinfo=UTC)
_ids = Uuid7IdGenerator()


def an_ip() -> str:
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def event(ip: str, minute: int) -> ThreatEvent:
    finding = Finding(kind=AttackKind.XSS, score=0.9, location=Location.QUERY, field="q", evidence="<svg")
    return ThreatEvent(
        id=_ids.new_id(),
        occurred_at=T0 + timedelta(minutes=minute),
        ip=ip,
        verdict=Verdict.BLOCK_REQUEST,
        severity="high",
        kind=AttackKind.XSS,
        score=0.9,
        findings=[finding],
    )


def alert(ip: str, minute: int) -> Alert:
    return Alert(
        id=_ids.new_id(),
        created_at=T0 + timedelta(minutes=minute),
        ip=ip,
        severity="high",
        kind=AttackKind.XSS,
        summary=f"{ip} blocked",
        evidence=["<svg"],
    )


def newest_first(items: list[ThreatEvent]) -> list[str]:
    return [item.id for item in sorted(items, key=lambda item: (item.occurred_at, item.id), reverse=True)]


async def test_events_come_newest_first_in_pages_that_visit_each_once(database: Database) -> None:
    store, ip = SqlThreatEventStore(database.engine), an_ip()
    events = [event(ip, minute) for minute in (3, 1, 4, 1, 5, 9, 2)]  # two share an instant
    for item in events:
        await stored(database.engine, item)

    seen: list[str] = []
    page: Page[ThreatEvent] = Page(items=[], next_cursor=None)
    while True:
        page = await store.search(ThreatEventFilter(ip=ip), PageRequest(limit=2, after=page.next_cursor))
        seen += [item.id for item in page.items]
        if page.next_cursor is None:
            break

    assert seen == newest_first(events)


async def test_an_event_stored_while_an_admin_pages_does_not_move_the_others(database: Database) -> None:
    store, ip = SqlThreatEventStore(database.engine), an_ip()
    events = [event(ip, minute) for minute in range(4)]
    for item in events:
        await stored(database.engine, item)

    first = await store.search(ThreatEventFilter(ip=ip), PageRequest(limit=2))
    await stored(database.engine, event(ip, 10))
    rest = await store.search(ThreatEventFilter(ip=ip), PageRequest(limit=2, after=first.next_cursor))

    assert [item.id for item in first.items + rest.items] == newest_first(events)
    assert rest.next_cursor is None


async def test_alerts_come_newest_first_in_pages_that_visit_each_once(database: Database) -> None:
    store, ip = SqlAlertStore(database.engine), an_ip()
    alerts = [alert(ip, minute) for minute in (100_000 + n for n in (2, 7, 1, 8, 2))]
    for item in alerts:
        await stored(database.engine, item)

    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await store.recent(PageRequest(limit=2, after=cursor))
        seen += [item.id for item in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert len(seen) == len(set(seen)), "no alert twice"
    expected = sorted(alerts, key=lambda item: (item.created_at, item.id), reverse=True)
    assert seen[: len(alerts)] == [item.id for item in expected], "ours are the newest"


@pytest.mark.parametrize("cursor", ["garbage!", "e30", "WyIyMDI0LTA2LTAxVDEyOjAwOjAwIiwieCJd"])
async def test_a_cursor_the_stores_did_not_issue_is_refused(database: Database, cursor: str) -> None:
    with pytest.raises(RuleViolated, match="cursor"):
        await SqlThreatEventStore(database.engine).search(ThreatEventFilter(), PageRequest(after=cursor))
    with pytest.raises(RuleViolated, match="cursor"):
        await SqlAlertStore(database.engine).recent(PageRequest(after=cursor))
