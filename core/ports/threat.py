from datetime import datetime
from typing import Protocol

import msgspec

from core.domain.threat.model import Alert, AttackKind, ThreatEvent
from core.ports.pagination import Page, PageRequest


class ThreatEventFilter(msgspec.Struct, frozen=True, kw_only=True):
    ip: str | None = None
    kind: AttackKind | None = None
    severity: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class ThreatEventStore(Protocol):
    async def add(self, event: ThreatEvent) -> None:
        """Stored at once, in its own transaction: a refused request changes nothing else."""
        ...

    async def search(self, query: ThreatEventFilter, page: PageRequest) -> Page[ThreatEvent]:
        """Newest first."""
        ...


class Notifier(Protocol):
    async def notify(self, alert: Alert) -> None:
        """Deliver ``alert`` to the people on call. Never raises: an alert channel outage must not
        open the gate; the adapter says in its logs what it could not deliver."""
        ...


class AlertStore(Protocol):
    async def add(self, alert: Alert) -> None: ...

    async def recent(self, page: PageRequest) -> Page[Alert]:
        """Newest first."""
        ...
