"""Interactions logged against a customer, and the customer's timeline."""

from datetime import datetime

import msgspec

from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.crm.audit import INTERACTIONS
from core.domain.crm.interactions import Interaction, InteractionKind, TimelineEntry
from core.domain.crm.model import AlreadyErased, CustomerStatus
from core.domain.errors import NotFound, RuleViolated
from core.ports.clock import Clock, IdGenerator
from core.ports.crm import CrmUnitOfWork
from core.ports.pagination import Page, PageRequest


class NewInteraction(msgspec.Struct, frozen=True, kw_only=True):
    customer_id: str
    kind: InteractionKind
    subject: str
    body: str = ""
    occurred_at: datetime | None = None


class LogInteraction:
    """- A `call`, `email`, `meeting` or `note` with an existing customer (unknown: 422): subject
    1 to 200 characters, body prose kept exactly as written (at most 20000), `occurred_at`
    with its UTC offset (default: now). Sales and support both log them. Audited (not the
    body). An erased customer takes no more (409 `already_erased`)."""

    def __init__(self, uow: CrmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewInteraction, by: Invocation) -> Interaction:
        now = self._clock.now()
        interaction = Interaction(
            id=self._ids.new_id(),
            customer_id=command.customer_id,
            kind=command.kind,
            subject=command.subject,
            body=command.body,
            occurred_at=command.occurred_at or now,
            author_id=by.actor.id,
            created_at=now,
        )
        async with self._uow as uow:
            customer = await uow.customers.get(command.customer_id)
            if customer is None:
                raise RuleViolated("customer_id: no such customer")
            if customer.status is CustomerStatus.ERASED:
                raise AlreadyErased("customer_id: this customer is erased; nothing more is recorded")
            await uow.interactions.add(interaction)
            record(uow, by, now, INTERACTIONS.change("create", None, interaction))
            await uow.commit()
        return interaction


class CustomerTimeline:
    """- The customer's interactions (at `occurred_at`), tickets and opportunities (at their
    creation), newest first, in one list of `{kind, id, at, title, detail}`. An unknown
    customer is not found."""

    def __init__(self, uow: CrmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, customer_id: str, page: PageRequest) -> Page[TimelineEntry]:
        async with self._uow as uow:
            if await uow.customers.get(customer_id) is None:
                raise NotFound("customer not found")
            return await uow.interactions.timeline(customer_id, page)
