from datetime import datetime
from typing import Protocol

import msgspec

from core.domain.threat.model import Alert, AttackKind, ThreatEvent
from core.ports.pagination import Page, PageRequest
from core.ports.uow import UnitOfWork


class ThreatEventFilter(msgspec.Struct, frozen=True, kw_only=True):
    ip: str | None = None
    kind: AttackKind | None = None
    severity: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class ThreatRecords(Protocol):
    """Threat events and alerts written in a unit of work, with the outbox events announcing them."""

    async def add_event(self, event: ThreatEvent) -> None: ...

    async def add_alert(self, alert: Alert) -> None: ...


class ThreatUnitOfWork(UnitOfWork, Protocol):
    records: ThreatRecords


class ThreatUnitsOfWork(Protocol):
    def __call__(self) -> ThreatUnitOfWork:
        """A new unit of work each time: the responder serves concurrent requests."""
        ...


class ThreatEventStore(Protocol):
    """Reading threat events (they are written through ``ThreatUnitOfWork``)."""

    async def search(self, query: ThreatEventFilter, page: PageRequest) -> Page[ThreatEvent]:
        """Newest first."""
        ...


class Notifier(Protocol):
    async def notify(self, alert: Alert) -> None:
        """Deliver ``alert`` (already stored) to the people on call. Never raises: an alert channel
        outage must not open the gate; the adapter says in its logs what it could not deliver."""
        ...


class AlertStore(Protocol):
    """Reading alerts (they are written through ``ThreatUnitOfWork``)."""

    async def recent(self, page: PageRequest) -> Page[Alert]:
        """Newest first."""
        ...
