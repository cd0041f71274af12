"""Tickets on the real unit of work (SQLite and PostgreSQL): the status workflow, who sees which
ticket, comments that move a ticket, and the SLA watch that flags each breach exactly once."""

import asyncio
from datetime import timedelta

import pytest

from core.domain.crm.tickets import AuthorKind, TicketClosed, TicketPriority, TicketStatus
from core.domain.errors import InvalidTransition, NotFound, PreconditionFailed, RuleViolated
from tests.contracts.crm_kit import Kit, customer_principal
from tests.contracts.db_fixtures import Database
from tests.support.fake_clock import FakeClock

S = TicketStatus


async def test_a_ticket_goes_through_its_workflow_and_refuses_a_skip_naming_the_allowed_moves(
    database: Database,
) -> None:
    kit = Kit(database)
    ticket = await kit.ticket((await kit.customer()).id)
    assert (ticket.status, ticket.priority) == (S.OPEN, TicketPriority.NORMAL)

    with pytest.raises(InvalidTransition) as refused:
        await kit.move(ticket.id, S.CLOSED)
    assert refused.value.extensions["allowed"] == ["in_progress"]

    for status in (S.IN_PROGRESS, S.WAITING_ON_CUSTOMER, S.IN_PROGRESS, S.RESOLVED, S.OPEN):
        ticket = await kit.move(ticket.id, status, ticket.version)
    for status in (S.IN_PROGRESS, S.RESOLVED, S.CLOSED):
        ticket = await kit.move(ticket.id, status)
    assert ticket.status is S.CLOSED
    with pytest.raises(InvalidTransition) as refused:
        await kit.move(ticket.id, S.OPEN)
    assert refused.value.extensions["allowed"] == []
    with pytest.raises(PreconditionFailed):
        await kit.move(ticket.id, S.OPEN, version=1)
    assert await kit.published("crm.ticket_status_changed", ticket.id) == 8


async def test_a_customer_sees_only_their_own_tickets_and_opens_tickets_only_for_themself(
    database: Database,
) -> None:
    kit = Kit(database)
    mine, theirs = await kit.customer(), await kit.customer(name="Other Ltd")
    me = customer_principal(mine.id)
    own = await kit.ticket(mine.id, by=me)
    other = await kit.ticket(theirs.id)

    assert (await kit.get(own.id, by=me)).customer_id == mine.id
    with pytest.raises(NotFound):
        await kit.get(other.id, by=me)
    with pytest.raises(NotFound):
        await kit.comment(other.id, "let me in", by=me)
    assert [ticket.id for ticket in (await kit.tickets(me)).items] == [own.id]
    with pytest.raises(RuleViolated, match="customer_id"):
        await kit.ticket(mine.id, by=customer_principal("somebody-else"))
    with pytest.raises(RuleViolated, match="customer_id"):
        await kit.ticket("no-such-customer")


async def test_a_customer_reply_takes_a_waiting_ticket_back_to_support(database: Database) -> None:
    kit = Kit(database)
    customer = await kit.customer()
    me = customer_principal(customer.id)
    ticket = await kit.ticket(customer.id, by=me)
    await kit.move(ticket.id, S.IN_PROGRESS)
    await kit.move(ticket.id, S.WAITING_ON_CUSTOMER)

    staff_reply = await kit.comment(ticket.id, "Could you send a photo?")
    customer_reply = await kit.comment(ticket.id, "Here: <img src=x onerror=alert(1)>", by=me)

    assert (staff_reply.author_kind, customer_reply.author_kind) == (AuthorKind.STAFF, AuthorKind.CUSTOMER)
    assert customer_reply.body == "Here: <img src=x onerror=alert(1)>"
    assert (await kit.get(ticket.id)).status is S.IN_PROGRESS
    assert await kit.published("crm.ticket_replied", ticket.id) == 1
    for status in (S.RESOLVED, S.CLOSED):
        await kit.move(ticket.id, status)
    with pytest.raises(TicketClosed):
        await kit.comment(ticket.id, "one more thing", by=me)


async def test_the_sla_watch_flags_an_overdue_ticket_once_and_leaves_settled_and_timely_ones(
    database: Database,
) -> None:
    clock = FakeClock()
    kit = Kit(database, clock)
    customer = await kit.customer()
    urgent = await kit.ticket(customer.id, priority=TicketPriority.URGENT)
    low = await kit.ticket(customer.id, priority=TicketPriority.LOW)
    resolved = await kit.ticket(customer.id, priority=TicketPriority.URGENT)
    for status in (S.IN_PROGRESS, S.RESOLVED):
        await kit.move(resolved.id, status)
    assert urgent.sla_due_at == urgent.created_at + timedelta(hours=4)
    assert low.sla_due_at == low.created_at + timedelta(hours=72)

    clock.advance(3 * 3600)
    assert urgent.id not in await kit.flag_breached()
    clock.advance(3600)
    first = await kit.flag_breached()
    second = await kit.flag_breached()

    assert urgent.id in first
    assert urgent.id not in second
    assert low.id not in first
    assert resolved.id not in first
    flagged = await kit.get(urgent.id)
    assert (flagged.sla_breached, flagged.version) == (True, urgent.version + 1)
    assert await kit.published("crm.ticket_sla_breached", urgent.id) == 1


async def test_two_watches_running_at_once_flag_each_ticket_exactly_once(database: Database) -> None:
    clock = FakeClock()
    kit = Kit(database, clock)
    customer = await kit.customer()
    overdue = [await kit.ticket(customer.id, priority=TicketPriority.HIGH) for _ in range(12)]
    clock.advance(8 * 3600)

    runs = await asyncio.gather(*(kit.flag_breached() for _ in range(2)))

    mine = {ticket.id for ticket in overdue}
    claimed = [ticket_id for run in runs for ticket_id in run if ticket_id in mine]
    assert sorted(claimed) == sorted(mine), "each flagged by one watch, none by both"
    for ticket in overdue:
        assert await kit.published("crm.ticket_sla_breached", ticket.id) == 1
