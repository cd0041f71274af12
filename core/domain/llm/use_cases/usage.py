"""Reading usage: one's own, or everyone's summed up (admins)."""

from datetime import UTC, datetime, timedelta

from core.domain.access import Permission, Principal, require
from core.domain.errors import RuleViolated
from core.domain.llm.usage import UsageRecord, UsageSummaryRow
from core.ports.clock import Clock
from core.ports.llm_usage import LlmUnitOfWork
from core.ports.pagination import Page, PageRequest

MAX_SUMMARY_DAYS = 366
_EARLIEST = datetime.min.replace(tzinfo=UTC)


class ListOwnUsage:
    """- A caller sees the records charged to them, newest first."""

    def __init__(self, uow: LlmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, subject: str, page: PageRequest) -> Page[UsageRecord]:
        async with self._uow as uow:
            return await uow.usage.list(subject, page)


class SummariseUsage:
    """- Requests, tokens, cache hits and failures per UTC day, user and model (`llm:admin`).
    - The range is [since, until), at most 366 days; default: the last 7 days.
    - `since` and `until` name their time zone (`Z` or an offset); one without is refused (422),
      as it names no instant."""

    def __init__(self, uow: LlmUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(
        self, principal: Principal, since: datetime | None, until: datetime | None
    ) -> list[UsageSummaryRow]:
        require(principal, Permission.LLM_ADMIN)
        if any(moment is not None and moment.utcoffset() is None for moment in (since, until)):
            raise RuleViolated("since, until: with a time zone, e.g. 2026-12-01T00:00:00Z")
        until = until or self._clock.now()
        since = since or max(until, _EARLIEST + timedelta(days=7)) - timedelta(days=7)
        if since >= until or until - since > timedelta(days=MAX_SUMMARY_DAYS):
            raise RuleViolated(f"since: before until, and at most {MAX_SUMMARY_DAYS} days before it")
        async with self._uow as uow:
            return await uow.usage.summary(since, until)
