import builtins
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.llm.tables import usage_records
from adapters.db.pagination import newest_first
from core.domain.llm.usage import UsageRecord, UsageSummaryRow
from core.ports.llm_usage import UsageLog
from core.ports.pagination import Page, PageRequest


class SqlUsageLog(UsageLog):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, record: UsageRecord) -> None:
        row = {name: getattr(record, name) for name in record.__struct_fields__}
        row["tried"] = ",".join(record.tried)
        await self._session.execute(usage_records.insert().values(row))

    @translated
    async def list(self, subject: str | None, page: PageRequest) -> Page[UsageRecord]:
        statement = select(usage_records)
        if subject is not None:
            statement = statement.where(usage_records.c.subject == subject)
        statement = newest_first(statement, page, usage_records.c.occurred_at, usage_records.c.id)
        rows = (await self._session.execute(statement)).all()
        return Page.of([_record(row) for row in rows], page, key=lambda r: (r.occurred_at, r.id))

    @translated
    async def summary(self, since: datetime, until: datetime) -> builtins.list[UsageSummaryRow]:
        c = usage_records.c
        postgres = self._session.get_bind().dialect.name == "postgresql"
        # SQLite keeps naive UTC text, whose date() is the UTC day; PostgreSQL converts explicitly.
        day = cast(func.timezone("UTC", c.occurred_at), Date) if postgres else func.date(c.occurred_at)
        statement = (
            select(
                day.label("day"),
                c.subject,
                c.model,
                func.count().label("requests"),
                func.sum(c.prompt_tokens).label("prompt_tokens"),
                func.sum(c.completion_tokens).label("completion_tokens"),
                func.sum(case((c.cache_hit, 1), else_=0)).label("cache_hits"),
                func.sum(case((c.outcome == "ok", 0), else_=1)).label("failures"),
            )
            .where(c.occurred_at >= since, c.occurred_at < until)
            .group_by(day, c.subject, c.model)
            .order_by(day, c.subject, c.model)
        )
        return [_summary_row(row) for row in (await self._session.execute(statement)).all()]


def _record(row: Any) -> UsageRecord:
    values = dict(row._mapping)
    values["tried"] = [name for name in values["tried"].split(",") if name]
    return UsageRecord(**values)


def _summary_row(row: Any) -> UsageSummaryRow:
    day = row.day if isinstance(row.day, date) else date.fromisoformat(str(row.day))
    return UsageSummaryRow(
        day=day,
        subject=row.subject,
        model=row.model,
        requests=int(row.requests),
        prompt_tokens=int(row.prompt_tokens or 0),
        completion_tokens=int(row.completion_tokens or 0),
        cache_hits=int(row.cache_hits or 0),
        failures=int(row.failures or 0),
    )
