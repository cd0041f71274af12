from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.agents.tables import agent_runs
from adapters.db.errors import translated
from adapters.db.pagination import newest_first
from core.ports.agent_runs import AgentRunLog, RunFilter
from core.ports.agents import RunRecord
from core.ports.pagination import Page, PageRequest


class SqlAgentRunLog(AgentRunLog):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, record: RunRecord) -> None:
        row = {name: getattr(record, name) for name in record.__struct_fields__}
        row["route"] = msgspec.json.encode(record.route).decode()
        await self._session.execute(agent_runs.insert().values(row))

    @translated
    async def list(self, where: RunFilter, page: PageRequest) -> Page[RunRecord]:
        c = agent_runs.c
        statement = select(agent_runs)
        if where.subject is not None:
            statement = statement.where(c.subject == where.subject)
        if where.agent is not None:
            statement = statement.where(c.agent == where.agent)
        if where.flagged is not None:
            statement = statement.where(c.flagged.is_(where.flagged))
        statement = newest_first(statement, page, c.started_at, c.id)
        rows = (await self._session.execute(statement)).all()
        return Page.of([_record(row) for row in rows], page, key=lambda r: (r.started_at, r.id))

    @translated
    async def get(self, run_id: str) -> RunRecord | None:
        row = (await self._session.execute(select(agent_runs).where(agent_runs.c.id == run_id))).first()
        return None if row is None else _record(row)


def _record(row: Any) -> RunRecord:
    values = dict(row._mapping)
    values["route"] = msgspec.json.decode(values["route"])
    return RunRecord(**values)
