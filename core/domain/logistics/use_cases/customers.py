"""What logistics keeps of CRM's customers: which ones CRM erased (decision 0027)."""

from core.domain.audit.changes import Change, Resource, record
from core.domain.audit.model import Invocation
from core.ports.clock import Clock
from core.ports.logistics import LogisticsUnitOfWork


class RecordCustomerErased:
    """- After CRM erases a customer, logistics refuses it new orders. Orders placed before stay:
      they are the business's records and hold no personal data, only CRM's customer id.
    - Idempotent (the event may come twice); audited once."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, customer_id: str, by: Invocation) -> bool:
        now = self._clock.now()
        async with self._uow as uow:
            if not await uow.erased_customers.add(customer_id, now):
                return False
            change = Change(action="customer_erased", resource=Resource("customer", customer_id),
                            before={"takes_orders": True}, after={"takes_orders": False})  # fmt: skip
            record(uow, by, now, change)
            await uow.commit()
        return True
