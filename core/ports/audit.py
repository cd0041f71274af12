from datetime import datetime
from typing import Protocol

import msgspec

from core.domain.audit.model import AuditEntry, AuditRecord


class AuditTrail(Protocol):
    """The audit log as a unit of work sees it: append only, nothing else."""

    def record(self, entry: AuditEntry) -> None:
        """Stage ``entry``; it is chained and written in the same transaction as the change,
        at ``UnitOfWork.commit()``, or not at all."""
        ...


class AuditFilter(msgspec.Struct, frozen=True, kw_only=True):
    chain: str | None = None
    actor_id: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditPage(msgspec.Struct, frozen=True, kw_only=True):
    records: list[AuditRecord]
    next_cursor: str | None
    """Pass back as ``after`` for the next page; None on the last page."""


class BrokenLink(msgspec.Struct, frozen=True, kw_only=True):
    chain: str
    seq: int
    record_id: str | None
    reason: str


class AuditReader(Protocol):
    async def search(self, query: AuditFilter, *, after: str | None, limit: int) -> AuditPage:
        """Newest first."""
        ...

    async def chains(self) -> list[str]: ...

    async def first_broken_link(self, chain: str) -> BrokenLink | None:
        """Walks ``chain`` from its first record; None when every hash and link holds."""
        ...
