"""The SLA watch: tickets not resolved in time are flagged and announced, once each."""

import msgspec

from core.domain.audit.changes import record
from core.domain.audit.model import Actor, Invocation
from core.domain.crm.audit import TICKETS
from core.domain.crm.events import CrmTicketSlaBreached
from core.domain.events import publish
from core.ports.clock import Clock, IdGenerator
from core.ports.crm import CrmUnitOfWork

SLA_WATCH = Invocation(actor=Actor.system("crm-sla-watch"))
BATCH = 100


class FlagBreachedTickets:
    """- A ticket whose `sla_due_at` has passed while it is neither resolved nor closed is flagged
      `sla_breached` and `crm.ticket_sla_breached` is published, in one transaction.
    - Exactly once per ticket, however many replicas run this at the same moment: the flag is
      set by an update that only succeeds on an unflagged ticket, and only that update publishes.
    - Returns the ids flagged; runs in batches of 100 until none is left."""

    def __init__(self, uow: CrmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self) -> list[str]:
        flagged: list[str] = []
        while True:
            batch = await self._one_batch()
            flagged += batch
            if len(batch) < BATCH:
                return flagged

    async def _one_batch(self) -> list[str]:
        now = self._clock.now()
        async with self._uow as uow:
            tickets = await uow.tickets.claim_overdue(now, BATCH)
            for ticket in tickets:
                before = msgspec.structs.replace(ticket, sla_breached=False)
                record(uow, SLA_WATCH, now, TICKETS.change("sla_breached", before, ticket))
                breached = CrmTicketSlaBreached(
                    ticket_id=ticket.id,
                    customer_id=ticket.customer_id,
                    priority=ticket.priority,
                    sla_due_at=ticket.sla_due_at.isoformat(),
                    assignee=ticket.assignee,
                )
                publish(uow, breached, self._ids.new_id(), now)
            await uow.commit()
        return [ticket.id for ticket in tickets]
