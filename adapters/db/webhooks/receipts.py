"""``InboundReceiptRepository``: the ``webhook-id``s of inbound webhooks, kept while a replay of
them could still pass the timestamp check."""

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.webhooks.tables import inbound_receipts
from core.ports.webhooks import InboundReceiptRepository


class SqlInboundReceiptRepository(InboundReceiptRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add_if_absent(self, carrier: str, message_id: str, expires_at: datetime) -> bool:
        dialect = postgresql if self._session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(inbound_receipts).values(
            carrier=carrier, message_id=message_id, expires_at=expires_at
        )
        result = await self._session.execute(statement.on_conflict_do_nothing())
        return bool(result.rowcount)  # type: ignore[attr-defined]

    @translated
    async def purge_expired(self, now: datetime) -> int:
        statement = delete(inbound_receipts).where(inbound_receipts.c.expires_at < now)
        result = await self._session.execute(statement)
        return int(result.rowcount)  # type: ignore[attr-defined]
