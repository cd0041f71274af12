"""Support tickets: opened by a customer or by support on their behalf, worked through their
statuses by support, discussed in comments."""

import msgspec

from core.domain.access import Permission, Principal, ensure_may_access_customer_record
from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.crm.audit import COMMENTS, TICKETS
from core.domain.crm.events import (
    CrmTicketCreated,
    CrmTicketReplied,
    CrmTicketStatusChanged,
)
from core.domain.crm.model import CustomerStatus
from core.domain.crm.tickets import (
    AuthorKind,
    Comment,
    Ticket,
    TicketClosed,
    TicketPriority,
    TicketStatus,
    sla_due,
)
from core.domain.errors import Conflict, Forbidden, NotFound, RuleViolated
from core.domain.events import publish
from core.domain.versions import ensure_current
from core.ports.clock import Clock, IdGenerator
from core.ports.crm import CrmUnitOfWork, SearchDocument, TicketFilter
from core.ports.pagination import Page, PageRequest


class NewTicket(msgspec.Struct, frozen=True, kw_only=True):
    customer_id: str | None = None
    """Support names the customer; a customer's own is implied."""
    subject: str
    description: str = ""
    priority: TicketPriority = TicketPriority.NORMAL


class TicketChanges(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What support changes on a ticket (a merge patch): absent members stay; `assignee: null`
    unassigns."""

    status: TicketStatus | msgspec.UnsetType = msgspec.UNSET
    priority: TicketPriority | msgspec.UnsetType = msgspec.UNSET
    assignee: str | msgspec.UnsetType | None = msgspec.UNSET


def search_document(ticket: Ticket) -> SearchDocument:
    return SearchDocument(kind="ticket", id=ticket.id, title=ticket.subject, body=ticket.description)


def _customer_of(command: NewTicket, principal: Principal) -> str:
    if principal.has(Permission.TICKETS_WRITE):
        if command.customer_id is None:
            raise RuleViolated("customer_id: support opening a ticket names the customer")
        return command.customer_id
    if principal.has(Permission.TICKETS_OWN) and principal.customer_id is not None:
        if command.customer_id not in (None, principal.customer_id):
            raise RuleViolated("customer_id: a customer opens tickets for themself only")
        return principal.customer_id
    raise Forbidden("opening a ticket needs tickets:write, or tickets:own with a linked customer")


def _ensure_may_see(principal: Principal, ticket: Ticket) -> None:
    ensure_may_access_customer_record(
        principal,
        ticket.customer_id,
        any_record=Permission.CRM_READ,
        own_record=Permission.TICKETS_OWN,
        resource="ticket",
    )


class OpenTicket:
    """- Support (`tickets:write`) opens tickets for an existing customer and names its
      `customer_id` (unknown: 422); a customer (`tickets:own`) opens their own and may not name
      another.
    - Subject 1 to 200 characters; the description is prose, kept exactly as written.
    - Priority `low`, `normal` (the default), `high` or `urgent` sets the SLA: resolved within
      72, 24, 8 or 4 hours of opening (`sla_due_at`).
    - A new ticket is `open`. Audited and published (`crm.ticket_created`)."""

    def __init__(self, uow: CrmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewTicket, principal: Principal, by: Invocation) -> Ticket:
        customer_id = _customer_of(command, principal)
        now = self._clock.now()
        ticket = Ticket(
            id=self._ids.new_id(),
            customer_id=customer_id,
            subject=command.subject,
            description=command.description,
            priority=command.priority,
            sla_due_at=sla_due(command.priority, now),
            opened_by=by.actor.id,
            created_at=now,
            updated_at=now,
        )
        async with self._uow as uow:
            customer = await uow.customers.get(customer_id)
            if customer is None:
                raise RuleViolated("customer_id: no such customer")
            if customer.status is CustomerStatus.ERASED:
                raise Conflict("this customer's data was erased: no new tickets are opened for it")
            await uow.tickets.add(ticket)
            await uow.search.put(search_document(ticket))
            record(uow, by, now, TICKETS.change("create", None, ticket))
            created = CrmTicketCreated(
                ticket_id=ticket.id,
                customer_id=customer_id,
                priority=ticket.priority,
                sla_due_at=ticket.sla_due_at.isoformat(),
            )
            publish(uow, created, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return ticket


class GetTicket:
    """- Staff (`crm:read`) see every ticket; a customer only their own. Someone else's ticket is
    answered as not found, like an unknown id."""

    def __init__(self, uow: CrmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, ticket_id: str, principal: Principal) -> Ticket:
        async with self._uow as uow:
            ticket = await uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound("ticket not found")
        _ensure_may_see(principal, ticket)
        return ticket


class ListTickets:
    """- Oldest first; filter by customer, status, priority and assignee. A customer sees their
    own tickets only, whatever they filter by."""

    def __init__(self, uow: CrmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: TicketFilter, page: PageRequest, principal: Principal) -> Page[Ticket]:
        if not principal.has(Permission.CRM_READ):
            if principal.customer_id is None:
                return Page(items=[])
            query = msgspec.structs.replace(query, customer_id=principal.customer_id)
        async with self._uow as uow:
            return await uow.tickets.list(query, page)


class UpdateTicket:
    """- Support changes the status, the priority and the assignee (`null` unassigns).
    - Statuses go `open` → `in_progress` ⇄ `waiting_on_customer`, either of those → `resolved` →
      `closed`, and `resolved` → `open` reopens. Any other move is refused with 409
      `invalid_transition` naming the allowed ones.
    - A new priority moves `sla_due_at` to opening time plus that priority's hours; a breach
      already flagged stays flagged.
    - `If-Match` with a stale ETag is refused with 412. Audited; a status change is published
      (`crm.ticket_status_changed`)."""

    def __init__(self, uow: CrmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(
        self, ticket_id: str, changes: TicketChanges, by: Invocation, expected_version: int | None = None
    ) -> Ticket:
        now = self._clock.now()
        async with self._uow as uow:
            ticket = await uow.tickets.lock(ticket_id)
            if ticket is None:
                raise NotFound("ticket not found")
            ensure_current(ticket, expected_version, "ticket")
            changed = ticket
            if isinstance(changes.status, TicketStatus):
                changed = changed.moved_to(changes.status)
            if isinstance(changes.priority, TicketPriority):
                changed = msgspec.structs.replace(
                    changed,
                    priority=changes.priority,
                    sla_due_at=sla_due(changes.priority, ticket.created_at),
                )
            if changes.assignee is not msgspec.UNSET:
                changed = msgspec.structs.replace(changed, assignee=changes.assignee)
            if changed == ticket:
                return ticket
            changed = msgspec.structs.replace(changed, version=ticket.version + 1, updated_at=now)
            await uow.tickets.save(changed)
            record(uow, by, now, TICKETS.change("update", ticket, changed))
            _publish_status_change(uow, self._ids, ticket, changed, by)
            await uow.commit()
        return changed


def _publish_status_change(
    uow: CrmUnitOfWork, ids: IdGenerator, before: Ticket, after: Ticket, by: Invocation
) -> None:
    if before.status is after.status:
        return
    event = CrmTicketStatusChanged(
        ticket_id=after.id, customer_id=after.customer_id, before=before.status, after=after.status
    )
    publish(uow, event, ids.new_id(), after.updated_at, by.correlation_id)


class AddComment:
    """- Support (`tickets:write`) comments on any ticket; a customer (`tickets:own`) on their own
      only (someone else's is not found). A closed ticket takes no more comments (409).
    - The body is prose, kept exactly as written (1 to 20000 characters).
    - A customer's comment on a ticket `waiting_on_customer` moves it back to `in_progress`
      (`crm.ticket_status_changed`); a staff comment is published as `crm.ticket_replied`.
      Audited."""

    def __init__(self, uow: CrmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, ticket_id: str, body: str, principal: Principal, by: Invocation) -> Comment:
        now = self._clock.now()
        staff = principal.has(Permission.TICKETS_WRITE)
        async with self._uow as uow:
            ticket = await uow.tickets.lock(ticket_id)
            if ticket is None:
                raise NotFound("ticket not found")
            if not staff:
                ensure_may_access_customer_record(
                    principal,
                    ticket.customer_id,
                    any_record=Permission.TICKETS_WRITE,
                    own_record=Permission.TICKETS_OWN,
                    resource="ticket",
                )
            if ticket.status is TicketStatus.CLOSED:
                raise TicketClosed("a closed ticket takes no more comments; open a new one")
            comment = Comment(
                id=self._ids.new_id(),
                ticket_id=ticket.id,
                author_id=principal.subject,
                author_kind=AuthorKind.STAFF if staff else AuthorKind.CUSTOMER,
                body=body,
                created_at=now,
            )
            await uow.tickets.add_comment(comment)
            record(uow, by, now, COMMENTS.change("create", None, comment))
            if staff:
                replied = CrmTicketReplied(
                    ticket_id=ticket.id,
                    customer_id=ticket.customer_id,
                    comment_id=comment.id,
                    author_id=comment.author_id,
                )
                publish(uow, replied, self._ids.new_id(), now, by.correlation_id)
            elif ticket.status is TicketStatus.WAITING_ON_CUSTOMER:
                resumed = msgspec.structs.replace(
                    ticket.moved_to(TicketStatus.IN_PROGRESS), version=ticket.version + 1, updated_at=now
                )
                await uow.tickets.save(resumed)
                record(uow, by, now, TICKETS.change("update", ticket, resumed))
                _publish_status_change(uow, self._ids, ticket, resumed, by)
            await uow.commit()
        return comment


class ListComments:
    """- Oldest first; whoever may see the ticket sees its comments."""

    def __init__(self, uow: CrmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, ticket_id: str, page: PageRequest, principal: Principal) -> Page[Comment]:
        async with self._uow as uow:
            ticket = await uow.tickets.get(ticket_id)
            if ticket is None:
                raise NotFound("ticket not found")
            _ensure_may_see(principal, ticket)
            return await uow.tickets.comments(ticket_id, page)
