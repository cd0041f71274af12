"""Threat events and alerts written as the gateway writes them: through a threat unit of work."""

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.engine import session_factory
from adapters.db.threat.uow import SqlThreatUnitOfWork
from core.domain.threat.model import Alert, ThreatEvent


async def stored(engine: AsyncEngine, *items: ThreatEvent | Alert) -> None:
    async with SqlThreatUnitOfWork(session_factory(engine), audit_chain="tests") as uow:
        for item in items:
            if isinstance(item, Alert):
                await uow.records.add_alert(item)
            else:
                await uow.records.add_event(item)
        await uow.commit()
