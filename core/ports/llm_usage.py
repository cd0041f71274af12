import builtins
from datetime import datetime
from typing import Protocol

from core.domain.llm.usage import UsageRecord, UsageSummaryRow
from core.ports.pagination import Page, PageRequest
from core.ports.uow import UnitOfWork


class UsageLog(Protocol):
    async def add(self, record: UsageRecord) -> None:
        """Visible to others once the unit of work commits."""
        ...

    async def list(self, subject: str | None, page: PageRequest) -> Page[UsageRecord]:
        """Newest first; ``subject`` None: everyone's."""
        ...

    async def summary(self, since: datetime, until: datetime) -> builtins.list[UsageSummaryRow]:
        """Per UTC day, subject and model, for records in [since, until)."""
        ...


class LlmUnitOfWork(UnitOfWork, Protocol):
    usage: UsageLog
