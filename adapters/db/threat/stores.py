from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.errors import translate_errors
from adapters.db.pagination import newest_first
from adapters.db.threat.tables import threat_alerts, threat_events
from core.domain.threat.model import Alert, Finding, ThreatEvent
from core.ports.pagination import Page, PageRequest
from core.ports.threat import AlertStore, ThreatEventFilter, ThreatEventStore

_findings = msgspec.json.Decoder(list[Finding])


class SqlThreatEventStore(ThreatEventStore):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def search(self, query: ThreatEventFilter, page: PageRequest) -> Page[ThreatEvent]:
        c = threat_events.c
        statement = newest_first(select(threat_events).where(*_conditions(query)), page, c.occurred_at, c.id)
        with translate_errors():
            async with self._engine.connect() as connection:
                rows = (await connection.execute(statement)).mappings().all()
        return Page.of([_event(row) for row in rows], page, key=lambda event: (event.occurred_at, event.id))


def _conditions(query: ThreatEventFilter) -> list[Any]:
    conditions = []
    if query.ip:
        conditions.append(threat_events.c.ip == query.ip)
    if query.kind:
        conditions.append(threat_events.c.kind == query.kind)
    if query.severity:
        conditions.append(threat_events.c.severity == query.severity)
    if query.since:
        conditions.append(threat_events.c.occurred_at >= query.since)
    if query.until:
        conditions.append(threat_events.c.occurred_at < query.until)
    return conditions


def _plain(row: Any) -> dict[str, Any]:
    """Column names come back as ``quoted_name`` (a str subclass) that msgspec will not take as keys."""
    return {str(key): value for key, value in row.items()}


def _event(row: Any) -> ThreatEvent:
    fields = _plain(row)
    fields["findings"] = _findings.decode(fields["findings"])
    return msgspec.convert(fields, ThreatEvent)


class SqlAlertStore(AlertStore):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def recent(self, page: PageRequest) -> Page[Alert]:
        statement = newest_first(select(threat_alerts), page, threat_alerts.c.created_at, threat_alerts.c.id)
        with translate_errors():
            async with self._engine.connect() as connection:
                rows = (await connection.execute(statement)).mappings().all()
        alerts = [
            msgspec.convert(_plain(row) | {"evidence": msgspec.json.decode(row["evidence"])}, Alert)
            for row in rows
        ]
        return Page.of(alerts, page, key=lambda alert: (alert.created_at, alert.id))
