from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.logistics.tables import erased_customers
from core.ports.logistics import ErasedCustomers


class SqlErasedCustomers(ErasedCustomers):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def contains(self, customer_id: str) -> bool:
        statement = select(erased_customers.c.customer_id).where(
            erased_customers.c.customer_id == customer_id
        )
        return (await self._session.execute(statement)).first() is not None

    @translated
    async def add(self, customer_id: str, erased_at: datetime) -> bool:
        # One consumer group hands each event to one consumer at a time: a repeat comes later, not at once.
        if await self.contains(customer_id):
            return False
        await self._session.execute(
            erased_customers.insert().values(customer_id=customer_id, erased_at=erased_at)
        )
        return True
