"""Writing threat events and alerts inside a unit of work (with their outbox events)."""

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.threat.tables import threat_alerts, threat_events
from core.domain.threat.model import Alert, ThreatEvent
from core.ports.threat import ThreatRecords


class SqlThreatRecords(ThreatRecords):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add_event(self, event: ThreatEvent) -> None:
        row = msgspec.structs.asdict(event)
        row["findings"] = msgspec.json.encode(event.findings).decode()
        await self._session.execute(threat_events.insert().values(**row))

    @translated
    async def add_alert(self, alert: Alert) -> None:
        row = msgspec.structs.asdict(alert)
        row["evidence"] = msgspec.json.encode(alert.evidence).decode()
        await self._session.execute(threat_alerts.insert().values(**row))
